"""Run a submission's `reproduce.sh` the way PaperBench does, and remember what it produced.

`bash reproduce.sh` runs from the repository root inside the sandbox, with stdout and stderr
combined into `reproduce.log`. A snapshot of the repository's files is taken before the run
and compared after it, so Result Analysis grading can look only at files the run created or
changed; `reproduce.json` records that list with the exit code, duration and timeout.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from repowright.code.python import SKIP_DIRS
from repowright.errors import InputError
from repowright.fsio import atomic_write
from repowright.sandbox.base import Limits, Sandbox

SCRIPT = "reproduce.sh"
LOG = "reproduce.log"
RECORD = "reproduce.json"
Manifest = dict[str, tuple[int, int]]
DOC_SUFFIXES = (".md", ".rst", ".txt")


class Reproduction(BaseModel):
    """What `reproduce.json` holds about one run of `reproduce.sh`."""

    returncode: int | None
    timed_out: bool = False
    duration_s: float = 0.0
    timeout_s: float
    produced_files: list[str] = Field(
        default_factory=list, description="Files created or modified by the run."
    )
    isolation: str = ""


def repo_files(root: Path) -> list[Path]:
    """Every regular file under `root` outside tool/cache folders, sorted."""
    found: list[Path] = []
    for path in root.rglob("*"):
        rel = path.relative_to(root)
        if any(part in SKIP_DIRS for part in rel.parts[:-1]):
            continue
        if path.is_file() and not path.is_symlink():
            found.append(rel)
    return sorted(found)


def manifest(root: Path) -> Manifest:
    """(mtime_ns, size) per file: enough to tell which files a run touched."""
    out: Manifest = {}
    for rel in repo_files(root):
        stat = (root / rel).stat()
        out[rel.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return out


def changed_files(before: Manifest, after: Manifest) -> list[str]:
    ours = {LOG, RECORD}
    return sorted(p for p, sig in after.items() if before.get(p) != sig and p not in ours)


async def run_reproduce(
    sandbox: Sandbox,
    *,
    timeout_s: float = 3600.0,
    memory_mb: int | None = 8192,
    network: bool = False,
) -> Reproduction:
    """Run `bash reproduce.sh` in the sandbox's root; write reproduce.log and reproduce.json."""
    root = sandbox.root
    if not (root / SCRIPT).is_file():
        raise InputError(f"no {SCRIPT} in {root}: nothing to reproduce")
    (root / LOG).unlink(missing_ok=True)
    before = manifest(root)
    cpu_s = timeout_s * (os.cpu_count() or 1)  # every core busy for the whole wall time
    limits = Limits(wall_s=timeout_s, cpu_s=cpu_s, memory_mb=memory_mb, network=network)
    result = await sandbox.run(
        ["bash", "-c", f"bash {SCRIPT} > {LOG} 2>&1"], limits=limits, cwd="."
    )
    if not (root / LOG).exists():
        # The shell never started (sandbox failure): keep whatever the sandbox saw.
        atomic_write(root / LOG, result.stdout + result.stderr)
    record = Reproduction(
        returncode=result.returncode,
        timed_out=result.timed_out,
        duration_s=round(result.duration_s, 3),
        timeout_s=timeout_s,
        produced_files=changed_files(before, manifest(root)),
        isolation=sandbox.isolation_report(),
    )
    atomic_write(root / RECORD, record.model_dump_json(indent=2) + "\n")
    return record


def load_reproduction(root: Path) -> Reproduction | None:
    """The recorded reproduction of `root`, or None when reproduce.sh never ran here.

    A `reproduce.log` without our record (PaperBench's own runs write none) still counts as a
    run; what it produced follows PaperBench's rule for Result Analysis: the documentation,
    and the files changed after the run began (newer than `reproduce.sh`, the run's start
    being unknown).
    """
    if not (root / LOG).is_file():
        return None
    if not (root / RECORD).is_file():
        return Reproduction(
            returncode=None,
            timeout_s=0.0,
            isolation="unknown (no reproduce.json)",
            produced_files=_after_script(root),
        )
    try:
        return Reproduction.model_validate_json((root / RECORD).read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise InputError(f"{root / RECORD} is not a valid reproduction record: {exc}") from None


def _after_script(root: Path) -> list[str]:
    script = root / SCRIPT
    start = script.stat().st_mtime_ns if script.is_file() else 0
    found = []
    for rel in repo_files(root):
        path = rel.as_posix()
        if path in (LOG, RECORD, SCRIPT):
            continue
        documentation = rel.suffix.lower() in DOC_SUFFIXES or rel.name.lower().startswith("readme")
        if documentation or (root / rel).stat().st_mtime_ns > start:
            found.append(path)
    return found
