"""Shared fixtures: the demo spec and its scripted replies, a tiny paper and rubric."""

from __future__ import annotations

import ctypes
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.grading.helpers import PAPER, sample_rubric, write_json

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"


@pytest.fixture
def demo_spec(tmp_path: Path) -> Path:
    """The shipped demo spec and its scripted replies, copied into a temp dir."""
    for name in ("todo_cli.md", "todo_cli.scripted.json"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path / "todo_cli.md"


@pytest.fixture
def demo_script(demo_spec: Path) -> Path:
    return demo_spec.with_name("todo_cli.scripted.json")


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    path = tmp_path / "paper.md"
    path.write_text(PAPER, encoding="utf-8")
    return path


@pytest.fixture
def rubric_file(tmp_path: Path) -> Path:
    return write_json(tmp_path / "rubric.json", sample_rubric())


def slow_script(script: Path, delay_s: float) -> Path:
    """A copy of a rules script whose file-generation replies each take `delay_s`."""
    data = json.loads(script.read_text())
    for rule in data["rules"]:
        if str(rule.get("tag", "")).startswith("generate:"):
            rule["delay_s"] = delay_s
    out = script.with_name("slow.scripted.json")
    out.write_text(json.dumps(data))
    return out


@pytest.fixture(autouse=True, scope="session")
def _adopt_orphans() -> None:
    """Make this test process the subreaper of its descendants (Linux), so a server orphaned by
    a dead CLI child is still found by `llama_server_pids` instead of escaping to init."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def llama_server_pids() -> set[int]:
    """PIDs of llama.cpp servers started by this test process or its children (to assert none
    is left behind); servers of other programs on the machine are not counted."""
    parents: dict[int, int] = {}
    servers = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
                cmdline = (entry / "cmdline").read_bytes()
                if b"llama_cpp.server" in cmdline or b"llama-server" in cmdline:
                    servers.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue
    me = os.getpid()

    def ours(pid: int) -> bool:
        seen = set()
        while pid > 1 and pid not in seen:
            seen.add(pid)
            pid = parents.get(pid, 0)
            if pid == me:
                return True
        return False

    return {pid for pid in servers if ours(pid)}
