"""A llama.cpp OpenAI-compatible server owned by repowright: started, watched, always stopped.

The server runs as a child in its own process group. It is stopped when the owning block
ends (normal exit, error or Ctrl-C), at interpreter exit, and, on Linux, by the kernel when
the parent dies (PR_SET_PDEATHSIG), so even `kill -9` of repowright leaves no orphan.

While a request is in flight (and while starting) the process is watched: a server that dies
or stops making progress ends the request at once with a final `ModelGone` that says why,
instead of connection errors that would be retried for minutes.
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
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

import httpx

from repowright.errors import ConfigError
from repowright.models.base import ModelGone
from repowright.models.server_health import (
    cpu_seconds,
    describe_exit,
    log_tail,
    owns_listener,
    port_listeners,
)

GGUF_MAGIC = b"GGUF"
PORT_ENV = "REPOWRIGHT_LOCAL_PORT"
SERVER_ENV = "REPOWRIGHT_LLAMA_SERVER"
"""Path of a `llama-server` binary to use, or `python` for llama-cpp-python's server."""
SLOTS = 2
"""Requests llama-server decodes together (the pipeline runs up to `jobs` calls at once)."""
PROMPT_CACHE_MIB = 1024
POLL_S = 0.25
PORT_ATTEMPTS = 3
"""Another program can take the chosen port before the server binds it: then a new port."""
EXIT_GRACE_S = 2.0
"""After a failed request, how long to wait for the process to be seen gone (socket closes
come a moment before the exit status)."""
T = TypeVar("T")


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


def server_program() -> Path | None:
    """The `llama-server` binary to serve with (built by tools/local-runtime.sh into the
    environment's bin directory), or None for llama-cpp-python's server.

    llama.cpp's own server decodes several requests together and constrains JSON lazily (it
    checks the sampled token against the grammar instead of the whole vocabulary), which
    llama-cpp-python's server does not: see benchmarks/local_server.py.
    """
    wanted = os.environ.get(SERVER_ENV, "")
    if wanted == "python":
        return None
    path = Path(wanted).expanduser() if wanted else Path(sys.executable).parent / "llama-server"
    if wanted and not os.access(path, os.X_OK):
        raise ConfigError(f"{SERVER_ENV}={wanted}: not an executable file")
    return path if os.access(path, os.X_OK) else None


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: the server holds no state


class LocalServer:
    """llama.cpp's `llama-server` (or `python -m llama_cpp.server` where it is not built) on
    127.0.0.1; use as `async with LocalServer(...) as url`."""

    def __init__(
        self,
        model_path: Path,
        *,
        n_ctx: int = 8192,
        log_path: Path | None = None,
        startup_timeout_s: float = 180.0,
        stall_s: float = 60.0,
    ) -> None:
        self.model_path = validate_gguf(model_path)
        self.n_ctx = n_ctx
        self.log_path = log_path
        self.startup_timeout_s = startup_timeout_s
        self.stall_s = stall_s
        """A server using no CPU for this long while it owes an answer has hung."""
        self.process: subprocess.Popen[bytes] | None = None
        self.gone: str | None = None
        """Why the server ended, once known: every later call fails with the same reason."""
        self.port = 0
        self.started_in_s = 0.0
        self.program = server_program()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def command(self) -> list[str]:
        threads = str(max(1, os.cpu_count() or 1))
        if self.program is not None:
            # One KV pool shared by the slots: each request may use the whole window.
            return [
                str(self.program), "--model", str(self.model_path),
                "--host", "127.0.0.1", "--port", str(self.port),
                "--ctx-size", str(self.n_ctx), "--parallel", str(SLOTS), "--kv-unified",
                "--threads", threads, "--cache-ram", str(PROMPT_CACHE_MIB), "--no-webui",
            ]  # fmt: skip
        return [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model_path),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", threads,
        ]  # fmt: skip

    async def start(self) -> str:
        if self.program is None and importlib.util.find_spec("llama_cpp") is None:
            raise ConfigError(
                "the local model needs llama-cpp-python: pip install 'repowright[local]'"
            )
        if self.log_path:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
        begin = time.monotonic()
        for attempt in range(1, PORT_ATTEMPTS + 1):
            self.port = pick_port()
            self._spawn()
            try:
                await self._wait_ready()
                break
            except ModelGone:
                port_taken = bool(port_listeners(self.port))  # ours is gone; someone has it
                self.stop_now()
                if not port_taken or attempt == PORT_ATTEMPTS:
                    raise
                self.gone = None
            except BaseException:
                self.stop_now()
                raise
        self.started_in_s = time.monotonic() - begin
        return self.base_url

    def _spawn(self) -> None:
        log = open(self.log_path, "ab") if self.log_path else subprocess.DEVNULL  # noqa: SIM115
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
            if not isinstance(log, int):  # an opened file, not subprocess.DEVNULL
                log.close()
        atexit.register(self.stop_now)

    async def _wait_ready(self) -> None:
        async def answered() -> None:
            async with httpx.AsyncClient(timeout=2.0) as client:
                while True:
                    try:
                        answer = await client.get(f"{self.base_url}/models")
                        if answer.status_code == 200 and self._owns_port():
                            return
                    except httpx.TransportError:
                        pass
                    await asyncio.sleep(0.2)

        try:
            await asyncio.wait_for(self.guard(answered(), "while starting"), self.startup_timeout_s)
        except TimeoutError:
            raise ModelGone(
                f"the local model server did not become ready in {self.startup_timeout_s:.0f}s"
                f"{log_tail(self.log_path)}"
            ) from None

    def _owns_port(self) -> bool:
        """False only when another process is known to be the one listening on our port."""
        return self.process is None or owns_listener(self.process.pid, self.port) is not False

    def failure(self, when: str) -> str | None:
        """Why the server is gone (exit code or signal, advice, log tail), or None if it runs."""
        proc = self.process
        if self.gone is None and proc is not None and proc.poll() is not None:
            self.gone = "the local model server " + describe_exit(
                proc.returncode, proc.pid, self.log_path, when
            )
        return self.gone

    async def guard(self, work: Awaitable[T], when: str = "while answering") -> T:
        """Await `work` while watching the server: if it dies, or uses no CPU for `stall_s`
        while owing an answer, `work` is cancelled and a final `ModelGone` says why."""
        task = asyncio.ensure_future(work)
        progress = _Progress(self.process.pid if self.process else 0)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=POLL_S)
                if done:
                    break
                if (why := self.failure(when)) is not None:
                    raise ModelGone(why)
                if progress.idle_for() > self.stall_s:
                    self.gone = (
                        f"the local model server stopped answering {when}: no progress in "
                        f"{self.stall_s:.0f}s, so it was stopped{log_tail(self.log_path)}"
                    )
                    self.stop_now()
                    raise ModelGone(self.gone)
        finally:
            if not task.done():
                task.cancel()
        try:
            return task.result()
        except ModelGone:
            raise
        except Exception as exc:
            why = await self._gone_within(EXIT_GRACE_S, when)
            if why is not None:
                raise ModelGone(why) from exc
            raise

    async def _gone_within(self, seconds: float, when: str) -> str | None:
        deadline = time.monotonic() + seconds
        while (why := self.failure(when)) is None and time.monotonic() < deadline:
            if self.process is None:
                return None  # stopped by its owner, not gone on its own
            await asyncio.sleep(0.05)
        return why

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


class _Progress:
    """Seconds since a process last used CPU (0 where that cannot be measured)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.cpu = cpu_seconds(pid) if pid else None
        self.since = time.monotonic()

    def idle_for(self) -> float:
        now_cpu = cpu_seconds(self.pid) if self.pid else None
        if now_cpu is None:
            return 0.0
        if self.cpu is None or now_cpu > self.cpu:
            self.cpu, self.since = now_cpu, time.monotonic()
        return time.monotonic() - self.since
