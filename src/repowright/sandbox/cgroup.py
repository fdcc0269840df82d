"""A process-count limit for one sandboxed command, through a `pids` cgroup.

`RLIMIT_NPROC` counts processes per user and does not apply to root at all, so a fork bomb
run by root (or inside a user namespace mapped to root) is only stopped by a `pids` cgroup:
cgroup v1's `pids` controller, or cgroup v2 where `pids` is delegated to our own cgroup.
Where neither is writable the limit falls back to `RLIMIT_NPROC` (`nproc_limit`), which does
hold for an unprivileged user; the probe reports which one held.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
from functools import cache
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")
_counter = itertools.count()


@cache
def pids_parent() -> Path | None:
    """A cgroup directory under which this process may create limited children, or None."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        rel = path.lstrip("/")
        if "pids" in controllers.split(","):
            candidates = [CGROUP_ROOT / "pids" / rel]
        elif controllers == "":
            candidates = [CGROUP_ROOT / rel, CGROUP_ROOT / "unified" / rel]
        else:
            continue
        for base in candidates:
            if _usable(base):
                return base
    return None


def _usable(base: Path) -> bool:
    if not os.access(base, os.W_OK):
        return False
    subtree = base / "cgroup.subtree_control"
    if subtree.exists():  # cgroup v2: children get `pids` only when it is delegated
        try:
            return "pids" in subtree.read_text().split()
        except OSError:
            return False
    return (base / "cgroup.procs").exists()  # cgroup v1 `pids` hierarchy


class PidsCgroup:
    """One cgroup per command: `pids.max` set, joined by the child before exec, emptied and
    removed afterwards."""

    def __init__(self, limit: int) -> None:
        parent = pids_parent()
        if parent is None:
            raise OSError("no writable pids cgroup")
        self.path = parent / f"repowright-{os.getpid()}-{next(_counter)}"
        self.path.mkdir()
        (self.path / "pids.max").write_text(str(limit))

    def join(self) -> None:
        """Move the calling process in; runs in the child between fork and exec."""
        (self.path / "cgroup.procs").write_text(str(os.getpid()))

    def remove(self) -> None:
        """Kill whatever is still inside, then remove the cgroup (retried while it empties)."""
        for _ in range(50):
            try:
                pids = (self.path / "cgroup.procs").read_text().split()
            except OSError:
                return
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            try:
                self.path.rmdir()
                return
            except OSError:
                time.sleep(0.02)


def nproc_limit(limit: int) -> int | None:
    """An `RLIMIT_NPROC` that allows `limit` more processes than this user runs now (it counts
    every process of the user); None for root, whom the kernel exempts."""
    uid = os.getuid()
    if uid == 0:
        return None
    running = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                running += entry.stat().st_uid == uid
    return running + limit
