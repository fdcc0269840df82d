"""What the local sandbox can enforce on this machine: a clean environment, a network off
switch (bubblewrap or `unshare`, probed once), and resource limits applied before exec."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH", "COOKIE")
PIP_PASSTHROUGH = ("http_proxy", "https_proxy", "no_proxy", "ssl_cert_file", "requests_ca_bundle")


def is_secret_name(name: str) -> bool:
    upper = name.upper()
    return any(marker in upper for marker in SECRET_MARKERS)


def clean_env(home: Path, tmp: Path, path_prefix: list[str]) -> dict[str, str]:
    """An allowlisted environment: nothing from the caller's environment but PATH and LANG."""
    host_path = os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin")
    env = {
        "PATH": os.pathsep.join([*path_prefix, host_path]),
        "HOME": str(home),
        "TMPDIR": str(tmp),
        "TMP": str(tmp),
        "TEMP": str(tmp),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "LANG": os.environ.get("LANG", "C.UTF-8"),
        "TERM": "dumb",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONFAULTHANDLER": "1",
        "MPLBACKEND": "Agg",
    }
    return {k: v for k, v in env.items() if not is_secret_name(k)}


def pip_env(base: Mapping[str, str]) -> dict[str, str]:
    """The install step's environment: the clean one plus this machine's pip setup.

    HOME points into the sandbox, so pip would miss the user's config and cache; both are
    passed explicitly. Variables that look like credentials are still never copied.
    """
    env = dict(base)
    for name, value in os.environ.items():
        wanted = name.startswith("PIP_") or name.lower() in PIP_PASSTHROUGH
        if wanted and not is_secret_name(name):
            env[name] = value
    real_home = Path.home()
    if "PIP_CONFIG_FILE" not in env:
        for candidate in (real_home / ".config/pip/pip.conf", real_home / ".pip/pip.conf"):
            if candidate.is_file():
                env["PIP_CONFIG_FILE"] = str(candidate)
                break
    if "PIP_CACHE_DIR" not in env:
        xdg = os.environ.get("XDG_CACHE_HOME") or str(real_home / ".cache")
        env["PIP_CACHE_DIR"] = str(Path(xdg) / "pip")
    env["PIP_NO_INPUT"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@dataclass(frozen=True)
class NetworkOff:
    """How to start a process without network: a command prefix, or none available."""

    method: str  # "bwrap" | "unshare -n" | "unshare -rn" | ""
    reason: str = ""

    def prefix(self, writable: list[Path], readable: list[Path] | None = None) -> list[str]:
        if self.method == "bwrap":
            args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
            args += ["--tmpfs", "/tmp"]  # private and thrown away; binds below stay visible
            for path in readable or []:
                args += ["--ro-bind", str(path), str(path)]
            for path in writable:
                args += ["--bind", str(path), str(path)]
            return [*args, "--unshare-net", "--die-with-parent", "--"]
        return [*self.method.split(), "--"] if self.method else []

    def describe(self) -> str:
        if self.method == "bwrap":
            return (
                "network off and filesystem read-only except the repo, the sandbox dir and a "
                "private /tmp (bwrap)"
            )
        if self.method:
            return (
                f"network off ({self.method}: private network namespace, loopback down); "
                "filesystem NOT isolated (no bubblewrap): writes are confined only by "
                "convention (cwd in the repo, HOME/TMPDIR in the sandbox dir)"
            )
        return (
            f"network NOT isolated ({self.reason}); filesystem NOT isolated: writes are "
            "confined only by convention (cwd in the repo, HOME/TMPDIR in the sandbox dir)"
        )


def _works(cmd: list[str]) -> bool:
    try:
        done = subprocess.run(cmd, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@cache
def probe_network_off() -> NetworkOff:
    """Find the strongest way to run without network here; probed once per process."""
    if shutil.which("bwrap") and _works([*NetworkOff("bwrap").prefix([]), "true"]):
        return NetworkOff("bwrap")
    if shutil.which("unshare"):
        order = ["unshare -n", "unshare -rn"] if os.geteuid() == 0 else ["unshare -rn"]
        for method in order:
            if _works([*method.split(), "--", "true"]):
                return NetworkOff(method)
        return NetworkOff("", "unshare is present but not permitted here")
    return NetworkOff("", "neither bwrap nor unshare is available")


def limit_setter(
    cpu_s: float | None, memory_mb: int | None, file_mb: int | None
) -> Callable[[], None]:
    """A preexec function: runs in the child after fork, before exec."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if cpu_s is not None:
            soft = max(1, int(cpu_s))
            resource.setrlimit(resource.RLIMIT_CPU, (soft, soft + 1))
        if memory_mb is not None:
            size = memory_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (size, size))
        if file_mb is not None:
            size = file_mb * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply
