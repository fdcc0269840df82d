"""Shared fixtures: a scripted pipeline model that answers by request tag."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

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


def slow_script(script: Path, delay_s: float) -> Path:
    """A copy of a rules script whose file-generation replies each take `delay_s`."""
    data = json.loads(script.read_text())
    for rule in data["rules"]:
        if str(rule.get("tag", "")).startswith("generate:"):
            rule["delay_s"] = delay_s
    out = script.with_name("slow.scripted.json")
    out.write_text(json.dumps(data))
    return out


def llama_server_pids() -> set[int]:
    """PIDs of running llama.cpp servers (to assert none is left behind)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"llama_cpp.server" in (entry / "cmdline").read_bytes():
                    pids.add(int(entry.name))
            except OSError:
                continue
    return pids
