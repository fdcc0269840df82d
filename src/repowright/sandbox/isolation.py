"""What every sandbox backend shares: a clean environment and resource limits applied in
the child before exec."""

from __future__ import annotations

import ctypes
import os
import resource
import signal
from collections.abc import Callable, Mapping
from pathlib import Path

SECRET_MARKERS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "PASSWD", "CREDENTIAL", "AUTH", "COOKIE")
PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
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


def limit_setter(
    cpu_s: float | None,
    memory_mb: int | None,
    file_mb: int | None,
    nproc: int | None = None,
    join: Callable[[], None] | None = None,
) -> Callable[[], None]:
    """A preexec function: runs in the child after fork, before exec.

    Besides the limits, the child is killed when repowright dies (`PR_SET_PDEATHSIG`), which
    the backends pass on to the whole sandbox (`--kill-child`, `--die-with-parent`); `join`
    moves it into its pids cgroup."""

    def apply() -> None:
        if join is not None:
            join()
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
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
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    return apply
