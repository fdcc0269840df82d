"""A llama.cpp OpenAI-compatible server owned by repowright: started, awaited, always stopped.

The server runs as a child in its own process group. It is stopped when the owning block
ends (normal exit, error or Ctrl-C), at interpreter exit, and, on Linux, by the kernel when
the parent dies (PR_SET_PDEATHSIG), so even `kill -9` of repowright leaves no orphan.
"""

from __future__ import annotations

import asyncio
import atexit
import ctypes
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from repowright.errors import ConfigError

GGUF_MAGIC = b"GGUF"
PORT_ENV = "REPOWRIGHT_LOCAL_PORT"


def validate_gguf(path: Path) -> Path:
    """Fail before starting anything when the weights file is missing or not GGUF."""
    if not path.exists():
        raise ConfigError(f"model file not found: {path}")
    if not path.is_file():
        raise ConfigError(f"model path is not a file: {path}")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic != GGUF_MAGIC:
        raise ConfigError(f"{path} is not a GGUF model file (corrupt or wrong format)")
    return path.resolve()


def pick_port() -> int:
    """`REPOWRIGHT_LOCAL_PORT` if set (must be free), else a free port chosen by the OS."""
    wanted = os.environ.get(PORT_ENV)
    port = int(wanted) if wanted and wanted.isdigit() else 0
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            raise ConfigError(
                f"port {port} on 127.0.0.1 is already in use; free it or unset {PORT_ENV}"
            ) from None
        return int(sock.getsockname()[1])


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the server holds no state


class LocalServer:
    """`python -m llama_cpp.server` on 127.0.0.1; use as `async with LocalServer(...) as url`."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 8192,
        log_path: Path | None = None,
        startup_timeout_s: float = 180.0,
    ) -> None:
        self.model_path = validate_gguf(model_path)
        self.n_ctx = n_ctx
        self.log_path = log_path
        self.startup_timeout_s = startup_timeout_s
        self.process: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.started_in_s = 0.0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        threads = str(max(1, os.cpu_count() or 1))
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", threads,
        ]  # fmt: skip

    async def start(self) -> str:
        if importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                "the local model needs llama-cpp-python: pip install 'repowright[local]'"
            )
        self.port = pick_port()
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
        begin = time.monotonic()
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        finally:
            if log is not subprocess.DEVNULL:
                log.close()
        atexit.register(self.stop_now)
        try:
            await self._wait_ready()
        except BaseException:
            self.stop_now()
            raise
        self.started_in_s = time.monotonic() - begin
        return self.base_url

    async def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.startup_timeout_s
        async with httpx.AsyncClient(timeout=2.0) as client:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise ConfigError(
                        f"the local model server exited with code {self.process.returncode} "
                        f"while starting{self._log_tail()}"
                    )
                try:
                    if (await client.get(f"{self.base_url}/models")).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.2)
        raise ConfigError(
            f"the local model server did not become ready in {self.startup_timeout_s:.0f}s"
            f"{self._log_tail()}"
        )

    def _log_tail(self) -> str:
        if not self.log_path or not self.log_path.exists():
            return ""
        lines = self.log_path.read_text(errors="replace").strip().splitlines()[-3:]
        return ("; server log: " + " | ".join(lines)) if lines else ""

    def stop_now(self) -> None:
        """SIGTERM the server's process group, then SIGKILL if it lingers."""
        proc, self.process = self.process, None
        atexit.unregister(self.stop_now)
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    async def __aenter__(self) -> str:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        self.stop_now()
