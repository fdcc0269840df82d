"""The checks behind `repowright doctor`, each a (name, status, detail) a user can act on."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from repowright.errors import ConfigError
from repowright.models.pricing import PriceTable
from repowright.models.registry import DEFAULTS_BY_KEY

Status = Literal["ok", "warn", "fail"]
PROVIDER_KEYS = (*(var for var, _ in DEFAULTS_BY_KEY), "OPENAI_COMPAT_API_KEY")
MIN_FREE_MB, LOW_FREE_MB = 500, 5_000


class Check(BaseModel):
    name: str
    status: Status
    detail: str


def check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Check(name="python", status="ok" if ok else "fail", detail=f"{version} (3.11+ needed)")


def check_keys() -> Check:
    """Names of the provider keys in the environment, never their values."""
    present = [var for var in PROVIDER_KEYS if os.environ.get(var)]
    detail = ", ".join(present) if present else "none (the embedded local model is the default)"
    return Check(name="provider keys", status="ok", detail=detail)


def check_local_runtime() -> Check:
    from repowright.doctor.runtime import check_runtime, check_server
    from repowright.models.local import default_gguf_path
    from repowright.models.local_server import server_program

    # Without a key the local model is the default, so a broken runtime blocks every run.
    required = not any(os.environ.get(var) for var in PROVIDER_KEYS)
    missing: Status = "fail" if required else "warn"
    if importlib.util.find_spec("llama_cpp") is None:
        return Check(
            name="local model",
            status=missing,
            detail="llama-cpp-python is not installed: make install (or pip install "
            "'repowright[local]')",
        )
    try:
        weights = default_gguf_path()
    except ConfigError as exc:
        return Check(name="local model", status=missing, detail=str(exc))
    status, detail = check_runtime(weights)
    if status != "fail":
        try:
            server_status, server_detail = check_server(server_program())
        except ConfigError as exc:
            server_status, server_detail = "fail", str(exc)
        detail += f"; {server_detail}"
        status = "fail" if server_status == "fail" else status
    if status == "fail" and not required:
        status = "warn"
    return Check(name="local model", status=status, detail=detail)


def check_sandbox() -> Check:
    """The backend `auto` picks, probed with the escape attempts; the others' availability."""
    import asyncio
    import tempfile

    from repowright.errors import SandboxError
    from repowright.sandbox.backends import BACKENDS, make_backend
    from repowright.sandbox.local import LocalSandbox

    others = "; ".join(
        f"{name}: {make_backend(name).unavailable() or 'available'}"
        for name in BACKENDS
        if name != "none"
    )
    try:
        with tempfile.TemporaryDirectory(prefix="repowright-doctor-") as repo:
            found = asyncio.run(LocalSandbox(Path(repo)).check_isolation())
    except SandboxError as exc:
        return Check(name="sandbox", status="fail", detail=f"{exc} ({others})")
    status: Status = "ok" if found.complete else "warn"
    return Check(name="sandbox", status=status, detail=f"{found.describe()} ({others})")


def check_disk(path: Path) -> Check:
    probe = path if path.exists() else Path.cwd()
    free_mb = shutil.disk_usage(probe).free // 2**20
    status: Status = "fail" if free_mb < MIN_FREE_MB else "warn" if free_mb < LOW_FREE_MB else "ok"
    return Check(name="disk", status=status, detail=f"{free_mb / 1024:.1f} GiB free for {probe}")


def check_prices() -> Check:
    try:
        table = PriceTable.default()
    except (OSError, ValueError, KeyError, IndexError) as exc:
        return Check(name="price table", status="fail", detail=f"prices.toml unreadable: {exc}")
    return Check(name="price table", status="ok", detail=f"{len(table.models)} models priced")


def run_checks(runs_dir: Path) -> list[Check]:
    """Every check, cheapest first; a check that crashes is reported, not raised."""
    checks: list[Callable[[], Check]] = [
        check_python,
        check_keys,
        check_prices,
        lambda: check_disk(runs_dir),
        check_sandbox,
        check_local_runtime,
    ]
    results = []
    for check in checks:
        try:
            results.append(check())
        except Exception as exc:  # a broken check must not hide the others
            name = getattr(check, "__name__", "check").removeprefix("check_")
            results.append(Check(name=name, status="fail", detail=f"{type(exc).__name__}: {exc}"))
    return results
