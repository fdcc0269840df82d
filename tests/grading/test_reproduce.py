"""Reproduction: bash reproduce.sh from the root, combined log, metadata, produced files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from repowright.errors import InputError
from repowright.grading.reproduce import (
    LOG,
    RECORD,
    Reproduction,
    load_reproduction,
    run_reproduce,
)
from tests.grading.helpers import FakeSandbox


async def test_runs_script_and_records_log_exit_code_and_produced_files(repo: Path) -> None:
    (repo / "data").mkdir()
    (repo / "data" / "old.txt").write_text("stale")
    old_time = (repo / "data" / "old.txt").stat().st_mtime - 100
    os.utime(repo / "data" / "old.txt", (old_time, old_time))
    sandbox = FakeSandbox(repo)
    record = await run_reproduce(sandbox, timeout_s=30)
    assert sandbox.commands == [["bash", "-c", "bash reproduce.sh > reproduce.log 2>&1"]]
    log = (repo / LOG).read_text()
    assert "[1, 2, 3, 4, 5]" in log and "done" in log  # stdout and stderr, one file
    assert record.returncode == 0 and not record.timed_out
    assert record.produced_files == ["result.txt"]
    saved = json.loads((repo / RECORD).read_text())
    assert saved["returncode"] == 0 and saved["timeout_s"] == 30
    assert load_reproduction(repo) == record


async def test_failures_and_timeouts_are_recorded_not_raised(repo: Path) -> None:
    (repo / "reproduce.sh").write_text("echo starting\nexit 3\n")
    record = await run_reproduce(FakeSandbox(repo))
    assert record.returncode == 3
    assert (repo / LOG).read_text() == "starting\n"
    record = await run_reproduce(FakeSandbox(repo, fake_timeout=True))
    assert record.timed_out and record.returncode is None


async def test_missing_script_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no reproduce\.sh"):
        await run_reproduce(FakeSandbox(tmp_path))


def test_no_log_means_no_reproduction_and_a_bare_log_still_counts(repo: Path) -> None:
    """Without our record (PaperBench's runs write none), Result Analysis sees what
    PaperBench shows: the documentation and the files changed after the run began."""
    assert load_reproduction(repo) is None
    os.utime(repo / "sort.py", ns=(1_000_000_000, 1_000_000_000))  # written before the run
    os.utime(repo / "main.py", ns=(1_000_000_000, 1_000_000_000))
    os.utime(repo / "reproduce.sh", ns=(2_000_000_000, 2_000_000_000))
    (repo / "README.md").write_text("How to run.")
    os.utime(repo / "README.md", ns=(1_000_000_000, 1_000_000_000))
    (repo / "result.txt").write_text("[1, 2, 3]")  # written by the run
    (repo / LOG).write_text("from elsewhere\n")
    found = load_reproduction(repo)
    assert isinstance(found, Reproduction)
    assert found.produced_files == ["README.md", "result.txt"]


def test_corrupt_record_is_an_input_error(repo: Path) -> None:
    (repo / LOG).write_text("x")
    (repo / RECORD).write_text("{")
    with pytest.raises(InputError, match="not a valid reproduction record"):
        load_reproduction(repo)
