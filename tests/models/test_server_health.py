"""A dying or hung model server is a final, explained error within seconds, never a retry storm."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from repowright.models import local_server
from repowright.models.base import Message, ModelGone, ModelRequest
from repowright.models.local import ServedModel, contention_note
from repowright.models.local_server import LocalServer, pick_port
from repowright.models.openai_compat import OpenAICompatModel
from repowright.models.retry import Retrying
from repowright.models.server_health import (
    describe_exit,
    log_tail,
    other_servers,
    owns_listener,
)

FAKE = Path(__file__).with_name("fake_llama_server.py")
REQUEST = ModelRequest(messages=[Message(role="user", content="hi")])


class FakeServer(LocalServer):
    def __init__(self, tmp_path: Path, mode: str, **kwargs: float) -> None:
        weights = tmp_path / "w.gguf"
        weights.write_bytes(b"GGUF" + b"\x00" * 60)
        super().__init__(weights, log_path=tmp_path / "logs" / "local-server.log", **kwargs)
        self.mode = mode

    def command(self) -> list[str]:
        return [sys.executable, str(FAKE), str(self.port), self.mode]


async def call_through(server: LocalServer) -> None:
    """One request through the same stack the pipeline uses: retries around the guarded model."""
    inner = OpenAICompatModel("fake", base_url=server.base_url, api_key="local", timeout=30)
    model = Retrying(ServedModel(inner, server), max_retries=5, base_delay=2.0)
    try:
        await model.complete(REQUEST)
    finally:
        await inner.aclose()


async def test_server_that_exits_at_start_names_the_code_and_log(tmp_path: Path) -> None:
    server = FakeServer(tmp_path, "exit-at-start")
    begin = time.monotonic()
    with pytest.raises(ModelGone, match="exited with code 3 while starting") as info:
        await server.start()
    assert time.monotonic() - begin < 10
    assert "failed to load model" in str(info.value)
    assert server.process is None


async def test_server_killed_mid_request_is_final_and_fast(tmp_path: Path) -> None:
    server = FakeServer(tmp_path, "crash")
    async with server:
        begin = time.monotonic()
        with pytest.raises(ModelGone) as info:
            await call_through(server)
        elapsed = time.monotonic() - begin
    message = str(info.value)
    assert "killed by SIGSEGV while answering" in message
    assert "about to crash" in message  # the log tail
    assert elapsed < 5, f"took {elapsed:.1f}s: retried instead of failing"


async def test_hung_server_is_stopped_after_the_stall_limit(tmp_path: Path) -> None:
    server = FakeServer(tmp_path, "hang", stall_s=2.0)
    await server.start()
    try:
        begin = time.monotonic()
        with pytest.raises(ModelGone, match="stopped answering while answering: no progress"):
            await call_through(server)
        assert time.monotonic() - begin < 10
        assert server.process is None  # stopped, not left hanging
    finally:
        server.stop_now()


async def test_healthy_server_answers_through_the_guard(tmp_path: Path) -> None:
    server = FakeServer(tmp_path, "ok")
    async with server:
        await call_through(server)


def test_sigill_says_the_build_is_for_another_cpu_and_how_to_reinstall(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("line 1\n\nllama_model_loader: loaded\n")
    text = describe_exit(-signal.SIGILL, 999_999, log, "while answering")
    assert text.startswith("was killed by SIGILL while answering (illegal instruction")
    assert "another CPU" in text and "GGML_NATIVE=OFF" in text and "doctor" in text
    assert text.endswith("    llama_model_loader: loaded")
    assert describe_exit(1, 999_999, None) == "exited with code 1"
    assert "killed from outside" in describe_exit(-signal.SIGKILL, 999_999, None)
    assert log_tail(tmp_path / "missing.log") == ""


async def test_a_port_taken_by_another_program_is_not_mistaken_for_ours(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    imposter = ThreadingHTTPServer(("127.0.0.1", 0), _AnswerEverything)
    threading.Thread(target=imposter.serve_forever, daemon=True).start()
    taken = imposter.server_address[1]
    ports = iter([taken, pick_port()])
    monkeypatch.setattr(local_server, "pick_port", lambda: next(ports))
    server = FakeServer(tmp_path, "ok")
    try:
        async with server:
            assert server.port != taken
            await call_through(server)
    finally:
        imposter.shutdown()
        imposter.server_close()


def test_an_fd_closed_while_listed_does_not_make_ownership_unknown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A starting server opens and closes files while it is inspected: a vanished fd is skipped,
    so another program's listener is still told apart (the flake this guards against)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        real = os.readlink

        def flaky(path: str) -> str:
            if path.endswith("/fd/0"):
                raise FileNotFoundError(path)
            return real(path)

        monkeypatch.setattr(os, "readlink", flaky)
        assert owns_listener(os.getpid(), port) is True
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(5)"])
        try:
            assert owns_listener(child.pid, port) is False
        finally:
            child.kill()
            child.wait()


class _AnswerEverything(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: object) -> None:
        pass


def test_another_llama_server_running_here_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that is not this process's child shares the cores: the run warns. Our own
    server (a child) is not counted."""
    code = "import time; time.sleep(30)"
    proc = subprocess.Popen([sys.executable, "-c", code, "-m", "llama_cpp.server"])
    try:
        time.sleep(0.2)
        assert proc.pid not in other_servers()  # ours
        assert proc.pid in other_servers(exclude=-1)  # as another program would see it
        monkeypatch.setattr("repowright.models.local.other_servers", lambda: [proc.pid])
        assert f"pid {proc.pid}" in contention_note("local:qwen-coder-1.5b")
        assert contention_note("openai:gpt-4o") == ""
    finally:
        proc.kill()
        proc.wait()
