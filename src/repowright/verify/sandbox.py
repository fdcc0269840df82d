"""The local sandbox: generated code runs in its own virtualenv, with a clean environment,
resource limits, a process-group kill on timeout and (where the OS allows) no network."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import sys
import sysconfig
import tempfile
import time
import venv
import weakref
from collections.abc import Mapping, Sequence
from pathlib import Path

from repowright.verify.isolation import (
    NetworkOff,
    clean_env,
    is_secret_name,
    limit_setter,
    pip_env,
    probe_network_off,
)
from repowright.verify.sandbox_base import ExecResult, Limits

MEMORY_SIGNS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory")
OK_MARKER = ".repowright-ok"
INSTALL_LIMITS = Limits(wall_s=1800, memory_mb=None, network=True, file_size_mb=None)


def default_venv_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "repowright" / "venvs"


def requirements_key(requirements: Sequence[str]) -> str:
    material = "\n".join([sys.version, sys.base_prefix, *sorted(set(requirements))])
    return hashlib.sha256(material.encode()).hexdigest()[:16]


class LocalSandbox:
    """A `Sandbox` on this machine. State (HOME, TMPDIR, a light venv) lives in `state_dir`
    (default: a new temporary folder), never inside the repository.

    Until `install` is called, code runs in a throwaway venv layered over the host
    interpreter's packages (so `pip install` inside generated scripts cannot touch the
    host environment); `install` switches to a cached, isolated venv per requirements set.
    """

    def __init__(
        self,
        root: Path,
        *,
        state_dir: Path | None = None,
        venv_cache: Path | None = None,
        network_off: NetworkOff | None = None,
    ) -> None:
        self.root = root.resolve()
        if state_dir is None:
            # A throwaway state dir goes with the sandbox (or at exit), like TemporaryDirectory.
            state_dir = Path(tempfile.mkdtemp(prefix="repowright-sandbox-"))
            weakref.finalize(self, shutil.rmtree, state_dir, ignore_errors=True)
        self.state = state_dir.resolve()
        self.venv_cache = venv_cache or default_venv_cache()
        self._net = network_off or probe_network_off()
        self.home, self.tmp = self.state / "home", self.state / "tmp"
        for path in (self.home, self.tmp):
            path.mkdir(parents=True, exist_ok=True)
        self._venv = self._light_venv()
        self.environment = "a light venv over the host interpreter's packages (no install)"

    @property
    def python(self) -> str:
        return str(self._venv / "bin" / "python")

    def _light_venv(self) -> Path:
        target = self.state / "hostenv"
        if not (target / OK_MARKER).exists():
            venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create(target)
            paths = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
            site = Path(
                sysconfig.get_path("purelib", vars={"base": str(target), "platbase": str(target)})
            )
            (site / "repowright_host.pth").write_text("\n".join(sorted(paths)) + "\n")
            (target / OK_MARKER).touch()
        return target

    def _env(self, extra: Mapping[str, str] | None) -> dict[str, str]:
        env = clean_env(self.home, self.tmp, [str(self._venv / "bin")])
        env["VIRTUAL_ENV"] = str(self._venv)
        roots = [self.root, self.root / "src"]
        env["PYTHONPATH"] = os.pathsep.join(str(p) for p in roots if p.is_dir())
        env.update({k: v for k, v in (extra or {}).items() if not is_secret_name(k)})
        return env

    async def run(
        self,
        command: Sequence[str],
        *,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str = ".",
    ) -> ExecResult:
        limits = limits or Limits()
        workdir = (self.root / cwd).resolve()
        if not workdir.is_relative_to(self.root):
            raise ValueError(f"cwd {cwd!r} leaves the repository")
        extra = [] if self._venv.is_relative_to(self.state) else [self._venv]
        prefix = [] if limits.network else self._net.prefix([self.root, self.state], extra)
        return await execute(
            list(command), prefix=prefix, cwd=workdir, env=self._env(env), limits=limits
        )

    async def install(
        self, requirements: Sequence[str], *, limits: Limits | None = None
    ) -> ExecResult:
        reqs = sorted({r.strip() for r in requirements if r.strip()})
        if not reqs:
            return ExecResult(command=["pip", "install"], returncode=0, stdout="nothing to install")
        limits = limits or INSTALL_LIMITS
        target = self.venv_cache / requirements_key(reqs)
        self.venv_cache.mkdir(parents=True, exist_ok=True)
        async with _file_lock(target.with_suffix(".lock")):
            if (target / OK_MARKER).exists():
                self._use(target, reqs, cached=True)
                return ExecResult(command=["pip", "install", *reqs], returncode=0, stdout="cached")
            result = await self._build(target, reqs, limits)
        if result.ok:
            self._use(target, reqs, cached=False)
        return result

    async def _build(self, target: Path, reqs: list[str], limits: Limits) -> ExecResult:
        shutil.rmtree(target, ignore_errors=True)
        env = pip_env(clean_env(self.home, self.tmp, []))
        base = getattr(sys, "_base_executable", sys.executable)
        made = await execute(
            [base, "-m", "venv", str(target)], prefix=[], cwd=self.state, env=env, limits=limits
        )
        if not made.ok:
            return made
        req_file = self.state / "requirements.lock.txt"
        req_file.write_text("\n".join(reqs) + "\n")
        pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(req_file)]
        result = await execute(pip, prefix=[], cwd=self.state, env=env, limits=limits)
        if result.ok:
            (target / OK_MARKER).touch()
        else:
            shutil.rmtree(target, ignore_errors=True)
        return result

    def _use(self, target: Path, reqs: list[str], *, cached: bool) -> None:
        self._venv = target
        how = "reused from cache" if cached else "built"
        self.environment = f"isolated venv {target.name} ({how}; {len(reqs)} requirements)"

    def isolation_report(self) -> str:
        return (
            f"{self._net.describe()}; clean environment (allowlist, no API keys or tokens); "
            "limits: wall time with process-group kill, CPU (RLIMIT_CPU), memory (RLIMIT_AS); "
            f"python: {self.environment}"
        )


@contextlib.asynccontextmanager
async def _file_lock(path: Path):  # type: ignore[no-untyped-def]
    """Serialise venv builds of the same requirements across processes."""
    with open(path, "w") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(0.5)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


async def execute(
    command: list[str],
    *,
    prefix: list[str],
    cwd: Path,
    env: Mapping[str, str],
    limits: Limits,
) -> ExecResult:
    """Run one command in its own session; kill its whole process group at the wall limit."""
    start = time.monotonic()
    try:
        proc = await asyncio.create_subprocess_exec(
            *prefix,
            *command,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            preexec_fn=limit_setter(limits.cpu_s, limits.memory_mb, limits.file_size_mb),
        )
    except OSError as exc:
        return ExecResult(command=command, returncode=127, stderr=f"cannot start: {exc}")
    assert proc.stdout and proc.stderr
    tail = limits.output_tail_chars
    readers = asyncio.gather(_tail(proc.stdout, tail), _tail(proc.stderr, tail))
    timed_out = False
    try:
        await asyncio.wait_for(proc.wait(), timeout=limits.wall_s)
    except TimeoutError:
        timed_out = True
        # SIGABRT first: with PYTHONFAULTHANDLER set, Python dumps where it was stuck.
        _kill_group(proc.pid, signal.SIGABRT)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(proc.wait(), timeout=2)
    _kill_group(proc.pid)  # also reaps background jobs the command left behind
    await proc.wait()
    try:
        stdout, stderr = await asyncio.wait_for(readers, timeout=5)
    except TimeoutError:  # a process that left the group still holds the pipes
        readers.cancel()
        stdout, stderr = "", "(output lost: a detached process kept the pipes open)"
    code = proc.returncode
    cpu_signals = {-signal.SIGXCPU, 128 + signal.SIGXCPU}
    return ExecResult(
        command=command,
        returncode=None if timed_out else code,
        stdout=stdout,
        stderr=stderr
        + (f"\n[killed after {limits.wall_s:g}s wall-time limit]" if timed_out else ""),
        timed_out=timed_out,
        killed_for_memory=limits.memory_mb is not None
        and code != 0
        and any(sign in stderr[-4000:] for sign in MEMORY_SIGNS),
        killed_for_cpu=limits.cpu_s is not None and code in cpu_signals,
        duration_s=round(time.monotonic() - start, 3),
    )


def _kill_group(pid: int, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


async def _tail(stream: asyncio.StreamReader, limit: int) -> str:
    """Read a stream to the end, keeping only its last `limit` bytes."""
    buf = bytearray()
    dropped = 0
    while chunk := await stream.read(65536):
        buf += chunk
        if len(buf) > 2 * limit:
            cut = len(buf) - limit
            dropped += cut
            del buf[:cut]
    if len(buf) > limit:
        dropped += len(buf) - limit
        del buf[: len(buf) - limit]
    text = buf.decode("utf-8", "replace")
    return f"[... {dropped} bytes cut ...]\n{text}" if dropped else text
