"""Sandbox backends: how one command is started inside an isolation layer.

Each backend turns a command into the argv that runs it isolated, given the paths it may
write (the repository, the sandbox's home/tmp) and read (the interpreter, venvs). Which
isolation it really gives is not declared here: `sandbox/probe.py` runs escape attempts
through it, and only what failed to escape is reported.

- `bwrap`: bubblewrap (the tool behind Flatpak and Claude Code's Linux sandbox).
- `namespaces`: util-linux `unshare` and `sandbox/nsinit.py` (user, PID, mount, network, IPC
  and UTS namespaces; the same filesystem view as bwrap) when bubblewrap is not installed.
- `docker`: a fresh container per command (PaperBench-style) when a daemon answers.
- `none`: no isolation at all; only when asked for by name.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

from repowright.errors import SandboxError
from repowright.sandbox.base import Limits

BACKENDS = ("bwrap", "namespaces", "docker", "none")
AUTO_ORDER = ("bwrap", "namespaces", "docker")
DOCKER_IMAGE = "python:3.11-slim"
# Where secrets and host sockets live: replaced by empty tmpfs (writable/readable paths inside
# them are bound back on top).
HIDDEN = ("/tmp", "/var/tmp", "/run", "/dev/shm", "/root", "/home", "/mnt", "/media")
NSINIT = Path(__file__).with_name("nsinit.py")
INSTALL_HINT = (
    "install bubblewrap (Debian/Ubuntu: `apt install bubblewrap`, Fedora: `dnf install "
    "bubblewrap`) or allow unprivileged user namespaces (util-linux `unshare`)"
)


Env = dict[str, str]
"""The environment a wrapped command runs with."""


class SandboxUnavailable(SandboxError):
    """The requested backend cannot run on this machine (the message says why)."""


@dataclass(frozen=True)
class Mounts:
    """What a sandboxed command may touch; every path absolute and resolved."""

    writable: tuple[Path, ...]
    readable: tuple[Path, ...] = ()
    root: Path | None = None  # an empty directory to build the namespaces view on


class Backend(Protocol):
    name: str
    own_python: bool
    """True when commands run on the backend's own interpreter (a container image's)."""

    def unavailable(self) -> str:
        """Why this backend cannot run here; empty when it can."""
        ...

    def wrap(
        self, command: Sequence[str], *, mounts: Mounts, cwd: Path, limits: Limits, env: Env
    ) -> list[str]:
        """The argv that runs `command` isolated (cwd and environment as given)."""
        ...

    def finish(self, argv: list[str]) -> None:
        """Clean up after `argv` ended or was killed (a container outlives its client)."""
        ...

    def client_env(self) -> dict[str, str]:
        """Variables for the wrapping program itself, never seen by the command."""
        ...


def hidden_dirs(network: bool) -> list[str]:
    home = str(Path.home())
    hide = [*HIDDEN, *([home] if home not in ("/", "") else [])]
    if network:  # name resolution may live under /run (systemd-resolved)
        hide.remove("/run")
    return list(dict.fromkeys(hide))


def _works(cmd: list[str], timeout: float = 20) -> str:
    """Empty when `cmd` exits 0, else the reason (last line of its error output)."""
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return ""
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit code {done.returncode}"


class _Local:
    """Backends that run the host's interpreter and need no clean-up."""

    own_python = False

    def finish(self, argv: list[str]) -> None:
        return None

    def client_env(self) -> dict[str, str]:
        return {}


class Bwrap(_Local):
    name = "bwrap"

    def unavailable(self) -> str:
        if not shutil.which("bwrap"):
            return "bubblewrap is not installed"
        root = Path("/")
        trial = self.wrap(["true"], mounts=Mounts(()), cwd=root, limits=Limits(), env={})
        return _why_not(trial)

    def wrap(
        self, command: Sequence[str], *, mounts: Mounts, cwd: Path, limits: Limits, env: Env
    ) -> list[str]:
        args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
        network = limits.network
        for hidden in hidden_dirs(network):
            if os.path.isdir(hidden) and not os.path.islink(hidden):
                args += ["--tmpfs", hidden]
        for path in mounts.readable:
            args += ["--ro-bind", str(path), str(path)]
        for path in mounts.writable:
            args += ["--bind", str(path), str(path)]
        args += ["--unshare-all", *(["--share-net"] if network else [])]
        args += ["--die-with-parent", "--new-session", "--cap-drop", "ALL"]
        return [*args, "--chdir", str(cwd), "--", *command]


class Namespaces(_Local):
    name = "namespaces"

    def unavailable(self) -> str:
        if not shutil.which("unshare"):
            return "util-linux `unshare` is not installed"
        with tempfile.TemporaryDirectory(prefix="repowright-root-") as root:
            python = (Path(sys.base_prefix).resolve(),)  # nsinit's own standard library
            trial = self.wrap(
                ["true"],
                mounts=Mounts((), python, Path(root)),
                cwd=Path("/"),
                limits=Limits(),
                env={},
            )
            return _why_not(trial)

    def wrap(
        self, command: Sequence[str], *, mounts: Mounts, cwd: Path, limits: Limits, env: Env
    ) -> list[str]:
        if mounts.root is None:
            raise ValueError("the namespaces backend needs an empty root directory")
        spec = {
            "root": str(mounts.root),
            "writable": [str(p) for p in mounts.writable],
            "readable": [str(p) for p in mounts.readable],
            "hide": hidden_dirs(limits.network),
            "cwd": str(cwd),
            "command": list(command),
        }
        flags = ["--user", "--map-root-user", "--pid", "--fork", "--kill-child", "--mount"]
        flags += ["--ipc", "--uts", "--propagation", "private"]
        flags += [] if limits.network else ["--net"]
        interpreter = getattr(sys, "_base_executable", sys.executable)
        return ["unshare", *flags, "--", interpreter, "-I", "-S", str(NSINIT), json.dumps(spec)]


class Docker:
    """A fresh container per command: the repository and sandbox state bind-mounted at the
    same paths, everything else the image's own, read-only root, no capabilities."""

    name = "docker"
    own_python = True

    def __init__(self, image: str | None = None) -> None:
        self.image = image or os.environ.get("REPOWRIGHT_DOCKER_IMAGE", DOCKER_IMAGE)
        self.program = (
            "podman" if not shutil.which("docker") and shutil.which("podman") else ("docker")
        )

    def unavailable(self) -> str:
        if not shutil.which(self.program):
            return "neither docker nor podman is installed"
        if why := _works([self.program, "info", "--format", "{{.ServerVersion}}"], 15):
            return f"no {self.program} daemon answers ({why})"
        if why := _works([self.program, "image", "inspect", self.image], 15):
            return f"image {self.image} is not present (set REPOWRIGHT_DOCKER_IMAGE): {why}"
        return ""

    def wrap(
        self, command: Sequence[str], *, mounts: Mounts, cwd: Path, limits: Limits, env: Env
    ) -> list[str]:
        name = f"repowright-{uuid.uuid4().hex[:16]}"
        client = shutil.which(self.program) or self.program  # the command's env has no PATH
        args = [client, "run", "--rm", "--init", "--name", name, "--read-only"]
        args += ["--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--tmpfs", "/tmp"]
        args += ["--user", f"{os.getuid()}:{os.getgid()}"]
        args += ["--network", "bridge" if limits.network else "none"]
        if limits.memory_mb is not None:  # the client's rlimits do not reach the container
            args += ["--memory", f"{limits.memory_mb}m", "--memory-swap", f"{limits.memory_mb}m"]
        if limits.processes is not None:
            args += ["--pids-limit", str(limits.processes)]
        for path in mounts.writable:
            args += ["-v", f"{path}:{path}:rw"]
        for key, value in env.items():
            args += ["-e", f"{key}={value}"]
        return [*args, "-w", str(cwd), self.image, *command]

    def client_env(self) -> dict[str, str]:
        """How the client finds its daemon (DOCKER_HOST, DOCKER_CONFIG, podman's runtime dir)
        and its credential helpers (PATH)."""
        wanted = ("DOCKER_", "CONTAINER_", "XDG_RUNTIME_DIR", "PATH")
        return {k: v for k, v in os.environ.items() if k.startswith(wanted)}

    def finish(self, argv: list[str]) -> None:
        name = argv[argv.index("--name") + 1]
        subprocess.run(
            [self.program, "rm", "-f", name], capture_output=True, timeout=60, check=False
        )


class Unsandboxed(_Local):
    name = "none"

    def unavailable(self) -> str:
        return ""

    def wrap(
        self, command: Sequence[str], *, mounts: Mounts, cwd: Path, limits: Limits, env: Env
    ) -> list[str]:
        return list(command)


def _why_not(trial: list[str]) -> str:
    why = _works(trial)
    return f"`{trial[0]}` fails here: {why}" if why else ""


def make_backend(name: str) -> Backend:
    backends: dict[str, Callable[[], Backend]] = {
        "bwrap": Bwrap,
        "namespaces": Namespaces,
        "docker": Docker,
        "none": Unsandboxed,
    }
    if name not in backends:
        raise SandboxUnavailable(f"unknown sandbox {name!r}: choose {', '.join(BACKENDS)} or auto")
    return backends[name]()


@cache
def choose_backend(name: str = "auto") -> Backend:
    """The backend asked for (checked to work here), or with `auto` the strongest that works.

    `none` is never chosen automatically: without any backend `auto` raises, saying how to
    get one, and the user may then ask for `none` explicitly."""
    if name != "auto":
        backend = make_backend(name)
        if why := backend.unavailable():
            raise SandboxUnavailable(f"sandbox {name!r} is not available: {why}")
        return backend
    reasons = []
    for candidate in AUTO_ORDER:
        backend = make_backend(candidate)
        why = backend.unavailable()
        if not why:
            return backend
        reasons.append(f"{candidate}: {why}")
    raise SandboxUnavailable(
        "no sandbox backend works here (" + "; ".join(reasons) + f"). To fix it, {INSTALL_HINT};"
        " or pass --sandbox none to run generated code without isolation"
    )
