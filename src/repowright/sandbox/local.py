"""The local sandbox: generated code runs in its own virtualenv, inside the strongest backend
this machine has (`sandbox/backends.py`), with a clean environment, resource limits and a kill
of everything it started when the command ends. What it isolates is probed, not assumed."""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
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
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path

from repowright.errors import SandboxError
from repowright.sandbox.backends import INSTALL_HINT, Backend, Mounts, choose_backend
from repowright.sandbox.base import ExecResult, Limits
from repowright.sandbox.cgroup import PidsCgroup, nproc_limit
from repowright.sandbox.isolation import clean_env, is_secret_name, limit_setter, pip_env
from repowright.sandbox.probe import Isolation, probe_sandbox

MEMORY_SIGNS = ("MemoryError", "Cannot allocate memory", "std::bad_alloc", "out of memory")
OK_MARKER = ".repowright-ok"
INSTALL_LIMITS = Limits(wall_s=1800, memory_mb=None, network=True, file_size_mb=None)
_probed: dict[str, Isolation] = {}
_IN_PROBE: contextvars.ContextVar[bool] = contextvars.ContextVar("in_probe", default=False)


class SandboxRefused(SandboxError):
    """Generated code would see secrets: no backend isolates them and a key or token is set."""


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
        backend: str | Backend = "auto",
    ) -> None:
        self.root = root.resolve()
        if state_dir is None:
            # A throwaway state dir goes with the sandbox (or at exit), like TemporaryDirectory.
            state_dir = Path(tempfile.mkdtemp(prefix="repowright-sandbox-"))
            weakref.finalize(self, shutil.rmtree, state_dir, ignore_errors=True)
        self.state = state_dir.resolve()
        self.venv_cache = venv_cache or default_venv_cache()
        self.backend = choose_backend(backend) if isinstance(backend, str) else backend
        self.backend_name = self.backend.name
        self.explicit_none = backend == "none"
        self.home, self.tmp = self.state / "home", self.state / "tmp"
        self.view_root = self.state / ".root"  # where the namespaces backend builds its view
        self.site = self.state / "site"  # packages installed for a backend's own interpreter
        for path in (self.home, self.tmp, self.view_root):
            path.mkdir(parents=True, exist_ok=True)
        self._venv = self._light_venv()
        self.environment = "a light venv over the host interpreter's packages (no install)"
        self.isolation: Isolation | None = None
        self._probe_lock = asyncio.Lock()

    @property
    def python(self) -> str:
        return "python3" if self.backend.own_python else str(self._venv / "bin" / "python")

    def _light_venv(self) -> Path:
        target = self.state / "hostenv"
        if not (target / OK_MARKER).exists():
            venv.EnvBuilder(with_pip=False, symlinks=True, clear=True).create(target)
            paths = _host_site_paths()
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
        if self.backend.own_python:  # the image's interpreter, PATH, and packages in state
            del env["PATH"], env["VIRTUAL_ENV"]
            roots.append(self.site)
        if self._venv.is_relative_to(self.state):
            # The light venv sees repowright's own packages: their pytest plugins are not the
            # repository's (a venv with its declared requirements loads its own).
            env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
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
        if self.isolation is None and not _IN_PROBE.get():
            await self.check_isolation()
        environ = self._env(env)
        argv = self.backend.wrap(
            command, mounts=self._mounts(), cwd=workdir, limits=limits, env=environ
        )
        try:
            client = {**environ, **self.backend.client_env()}
            return await execute(argv, cwd=workdir, env=client, limits=limits, shown=list(command))
        finally:
            self.backend.finish(argv)

    async def check_isolation(self) -> Isolation:
        """Probe the backend once per process; refuse when secrets would be exposed."""
        async with self._probe_lock:
            if self.backend_name not in _probed:
                token = _IN_PROBE.set(True)  # the probe's own command runs unprobed
                try:
                    _probed[self.backend_name] = await probe_sandbox(self, list(self._env({})))
                finally:
                    _IN_PROBE.reset(token)
        self.isolation = _probed[self.backend_name]
        exposed = sorted(k for k, v in os.environ.items() if v and is_secret_name(k))
        if not self.isolation.secrets and exposed and not self.explicit_none:
            raise SandboxRefused(
                f"refusing to run generated code: sandbox {self.backend_name!r} does not keep "
                f"{', '.join(exposed)} away from it (probed). To fix it, {INSTALL_HINT}; or "
                "pass --sandbox none to run it anyway"
            )
        return self.isolation

    def _mounts(self) -> Mounts:
        readable = {Path(p).resolve() for p in (sys.base_prefix, sys.prefix, sys.exec_prefix)}
        readable |= {Path(p).resolve() for p in _host_site_paths()}
        if not self._venv.is_relative_to(self.state):
            readable.add(self._venv.resolve())
        kept = sorted(p for p in readable if p.exists())
        return Mounts((self.root, self.state), tuple(kept), self.view_root)

    async def install(
        self, requirements: Sequence[str], *, limits: Limits | None = None
    ) -> ExecResult:
        if self.isolation is None:
            await self.check_isolation()  # at start, whatever runs first
        reqs = sorted({r.strip() for r in requirements if r.strip()})
        if not reqs:
            return ExecResult(command=["pip", "install"], returncode=0, stdout="nothing to install")
        limits = limits or INSTALL_LIMITS
        if self.backend.own_python:  # into the sandbox's own folder, by the image's pip
            self.site.mkdir(exist_ok=True)
            pip = [self.python, "-m", "pip", "install", "-q", "--target", str(self.site), *reqs]
            result = await self.run(pip, limits=limits)
            self.environment = f"the {self.backend_name} image's python + {len(reqs)} installed"
            return result
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
            [base, "-m", "venv", str(target)], cwd=self.state, env=env, limits=limits
        )
        if not made.ok:
            return made
        req_file = self.state / "requirements.lock.txt"
        req_file.write_text("\n".join(reqs) + "\n")
        pip = [str(target / "bin" / "python"), "-m", "pip", "install", "-q", "-r", str(req_file)]
        result = await execute(pip, cwd=self.state, env=env, limits=limits)
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
        probed = self.isolation.describe() if self.isolation else "sandbox not probed yet"
        warning = (
            "NO SANDBOX (--sandbox none): generated code ran unisolated. "
            if (self.backend_name == "none")
            else ""
        )
        return (
            f"{warning}{probed}; clean environment (allowlist, no API keys or tokens); limits: "
            "wall time, CPU (RLIMIT_CPU), memory (RLIMIT_AS), processes (pids cgroup or "
            f"RLIMIT_NPROC), output tail; python: {self.environment}"
        )


def _host_site_paths() -> set[str]:
    return {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}


@contextlib.asynccontextmanager
async def _file_lock(path: Path) -> AsyncIterator[None]:
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
    cwd: Path,
    env: Mapping[str, str],
    limits: Limits,
    shown: list[str] | None = None,
) -> ExecResult:
    """Run one command in its own session, in a pids cgroup where one can be made; kill its
    whole process group at the wall limit and everything left in the cgroup at the end.
    `shown` is the command as the caller wrote it (without the backend's wrapping)."""
    cgroup, nproc = None, None
    if limits.processes is not None:
        try:
            cgroup = PidsCgroup(limits.processes)
        except OSError:
            nproc = nproc_limit(limits.processes)
    try:
        return await _execute(command, cwd, env, limits, shown or command, cgroup, nproc)
    finally:
        if cgroup is not None:
            cgroup.remove()


async def _execute(
    command: list[str],
    cwd: Path,
    env: Mapping[str, str],
    limits: Limits,
    shown: list[str],
    cgroup: PidsCgroup | None,
    nproc: int | None,
) -> ExecResult:
    start = time.monotonic()
    setter = limit_setter(
        limits.cpu_s, limits.memory_mb, limits.file_size_mb, nproc, cgroup.join if cgroup else None
    )
    try:
        proc = await asyncio.create_subprocess_exec(
            *command,
            cwd=cwd,
            env=dict(env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
            preexec_fn=setter,
        )
    except OSError as exc:
        return ExecResult(command=shown, returncode=127, stderr=f"cannot start: {exc}")
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
        command=shown,
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
