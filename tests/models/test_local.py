"""The embedded local model: fast checks without a server, and real-server tests (local_model)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pydantic import BaseModel

from repowright.errors import ConfigError
from repowright.models import local
from repowright.models.base import Message, ModelGone, ModelRequest
from repowright.models.local_server import (
    SERVER_ENV,
    LocalServer,
    pick_port,
    server_program,
    validate_gguf,
)
from repowright.models.weights import DEFAULT_MODEL
from repowright.prompts.structured import complete_structured
from tests.conftest import llama_server_pids


def test_missing_and_corrupt_weights_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        validate_gguf(tmp_path / "nope.gguf")
    with pytest.raises(ConfigError, match="not a file"):
        validate_gguf(tmp_path)
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"\x00" * 64)
    with pytest.raises(ConfigError, match="not a GGUF"):
        validate_gguf(bad)
    good = tmp_path / "ok.gguf"
    good.write_bytes(b"GGUF" + b"\x00" * 60)
    assert validate_gguf(good) == good.resolve()


def test_port_in_use_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        monkeypatch.setenv("REPOWRIGHT_LOCAL_PORT", str(busy.getsockname()[1]))
        with pytest.raises(ConfigError, match="already in use"):
            pick_port()
    monkeypatch.delenv("REPOWRIGHT_LOCAL_PORT")
    assert pick_port() > 0


def test_the_server_program_is_chosen_explicitly_or_found_beside_python(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weights = tmp_path / "m.gguf"
    weights.write_bytes(b"GGUF" + b"\x00" * 16)
    binary = tmp_path / "llama-server"
    binary.write_text("#!/bin/sh\n")
    binary.chmod(0o755)
    monkeypatch.setenv(SERVER_ENV, str(binary))
    argv = LocalServer(weights, n_ctx=4096).command()
    assert argv[0] == str(binary) and argv[argv.index("--parallel") + 1] == "2"
    assert argv[argv.index("--ctx-size") + 1] == "4096" and "--kv-unified" in argv
    monkeypatch.setenv(SERVER_ENV, "python")
    assert LocalServer(weights).command()[1:3] == ["-m", "llama_cpp.server"]
    monkeypatch.setenv(SERVER_ENV, str(tmp_path / "missing"))
    with pytest.raises(ConfigError, match="not an executable file"):
        LocalServer(weights)


def test_local_specs_name_a_catalogued_model_or_a_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown local model 'nope'; use one of local:smollm2"):
        local.local_weights("nope")
    assert local.local_weights(f"{tmp_path}/m.gguf") == tmp_path / "m.gguf"
    assert local.local_weights("") == local.local_weights(DEFAULT_MODEL)


class City(BaseModel):
    name: str
    population: int


@pytest.mark.local_model
@pytest.mark.parametrize("server", ["llama-server", "python"])
async def test_real_server_schema_constrained_call_and_clean_stop(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, server: str
) -> None:
    if server == "python":
        monkeypatch.setenv(SERVER_ENV, "python")
    elif server_program() is None:
        pytest.skip("llama-server is not built here (make runtime builds it)")
    before = llama_server_pids()
    async with local.open_local_model("smollm2-135m", log_dir=tmp_path) as model:
        reply = await complete_structured(
            model, [Message(role="user", content="Name a city and its population.")], City
        )
        raw = await model.complete(
            ModelRequest(messages=[Message(role="user", content="Say hi.")], max_tokens=8)
        )
        running = llama_server_pids() - before
    assert isinstance(reply, City)
    assert raw.usage.prompt_tokens > 0 and raw.usage.completion_tokens > 0
    assert running, "the server process was not found while running"
    assert not running & llama_server_pids(), "the server outlived its block"


@pytest.mark.local_model
async def test_server_start_failure_is_reported(tmp_path: Path) -> None:
    fake = tmp_path / "fake.gguf"
    fake.write_bytes(b"GGUF" + b"\x00" * 128)  # right magic, unusable content
    server = LocalServer(fake, log_path=tmp_path / "log.txt", startup_timeout_s=60)
    with pytest.raises(ModelGone, match="exited with code 1 while starting"):
        await server.start()
    assert server.process is None
