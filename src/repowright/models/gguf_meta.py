"""What a GGUF file says about its model, read once with the `gguf` library and cached.

The context window comes from the model itself (not a fixed number), bounded by what its
key/value cache may take of this machine's memory. The chat template is read by the server
from the same metadata; whether there is one is recorded so a user is told when not.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from repowright.errors import ConfigError

CONTEXT_CAP = 32_768
"""Longer windows cost memory and a 2-core CPU cannot fill them in reasonable time anyway."""
MIN_CONTEXT = 2_048
KV_MEMORY_SHARE = 0.25
"""At most this share of the available memory goes to the key/value cache."""


class GgufFacts(BaseModel):
    name: str
    architecture: str
    context_length: int
    kv_bytes_per_token: int
    chat_template: bool


def read_facts(path: Path, cache_dir: Path) -> GgufFacts:
    """The model's facts, from a cache keyed by path, size and mtime, else from the file."""
    stat = path.stat()
    key = hashlib.sha256(f"{path.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode())
    cached = cache_dir / f"{key.hexdigest()[:24]}.json"
    if cached.is_file():
        return GgufFacts.model_validate_json(cached.read_text())
    facts = _read(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(".tmp")
    tmp.write_text(facts.model_dump_json())
    tmp.replace(cached)
    return facts


def _read(path: Path) -> GgufFacts:
    from gguf import GGUFReader

    try:
        fields = GGUFReader(path).fields
    except Exception as exc:  # the reader raises many kinds on a corrupt or truncated file
        raise ConfigError(f"{path} is not a readable GGUF file ({type(exc).__name__})") from None

    def get(key: str, default: Any = None) -> Any:  # a GGUF value: str, number, array, ...
        field = fields.get(key)
        return field.contents() if field is not None else default

    arch = str(get("general.architecture", "unknown"))
    n_embd = int(get(f"{arch}.embedding_length", 0) or 0)
    n_head = int(get(f"{arch}.attention.head_count", 1) or 1)
    n_head_kv = int(get(f"{arch}.attention.head_count_kv", n_head) or n_head)
    n_layer = int(get(f"{arch}.block_count", 0) or 0)
    key_len = int(get(f"{arch}.attention.key_length", n_embd // n_head) or 0)
    value_len = int(get(f"{arch}.attention.value_length", key_len) or 0)
    return GgufFacts(
        name=str(get("general.name", path.stem)),
        architecture=arch,
        context_length=int(get(f"{arch}.context_length", MIN_CONTEXT) or MIN_CONTEXT),
        kv_bytes_per_token=2 * n_layer * n_head_kv * (key_len + value_len),  # f16 K and V
        chat_template=get("tokenizer.chat_template") is not None,
    )


def choose_context(facts: GgufFacts, available_bytes: int | None) -> int:
    """The model's own window, capped, and lowered so its KV cache fits a share of memory."""
    window = min(facts.context_length, CONTEXT_CAP)
    if available_bytes and facts.kv_bytes_per_token:
        window = min(window, int(available_bytes * KV_MEMORY_SHARE) // facts.kv_bytes_per_token)
    return max(MIN_CONTEXT, window // 256 * 256)


def available_memory() -> int | None:
    """MemAvailable in bytes where the kernel reports it."""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None
