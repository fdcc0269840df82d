from __future__ import annotations

import os
from pathlib import Path

import pytest

from repowright.artifacts.events import ModelCalled, RunEvent, StepCompleted, parse_event
from repowright.errors import InputError
from repowright.fsio import slugify
from repowright.runs.store import EventLog, RunDir


def test_events_round_trip_typed(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl")
    log.append(StepCompleted(step="ingest", summary={"n": 1}))
    log.append(
        ModelCalled(model="m", prompt_tokens=1, completion_tokens=2, latency_s=0.1, cost_usd=None)
    )
    events = list(log)
    assert isinstance(events[0], StepCompleted) and events[0].summary == {"n": 1}
    assert isinstance(events[1], ModelCalled) and events[1].cost_usd is None


def test_torn_last_line_is_skipped(tmp_path: Path) -> None:
    log = EventLog(tmp_path / "events.jsonl")
    log.append(StepCompleted(step="ingest"))
    with open(log.path, "a") as fh:
        fh.write('{"type": "step_completed", "st')  # kill -9 mid-write
    assert [e.step for e in log if isinstance(e, StepCompleted)] == ["ingest"]


def test_the_next_append_mends_a_torn_or_unterminated_last_line(tmp_path: Path) -> None:
    torn = EventLog(tmp_path / "torn.jsonl")
    torn.append(StepCompleted(step="ingest"))
    with open(torn.path, "a") as fh:
        fh.write('{"type": "step_completed", "st')  # kill -9 mid-write
    EventLog(torn.path).append(StepCompleted(step="blueprint"))  # a resumed process
    assert [e.step for e in EventLog(torn.path)] == ["ingest", "blueprint"]
    assert torn.path.read_text().count("\n") == 2
    whole = EventLog(tmp_path / "whole.jsonl")
    whole.path.write_text(StepCompleted(step="ingest").model_dump_json())  # no newline yet
    EventLog(whole.path).append(StepCompleted(step="blueprint"))
    assert [e.step for e in EventLog(whole.path)] == ["ingest", "blueprint"]


def test_a_run_is_held_by_one_process(tmp_path: Path) -> None:
    run = RunDir.create(tmp_path / "r", "x")
    second = RunDir(run.root)
    with run.locked(), pytest.raises(InputError, match=f"in use by process {os.getpid()}"):
        second.locked().__enter__()
    with RunDir(run.root).locked():  # released
        pass


def test_unknown_event_types_stay_readable() -> None:
    event = parse_event({"type": "from_a_newer_version", "ts": 1.0, "x": 2})
    assert type(event) is RunEvent and event.model_extra == {"x": 2}


def test_run_dir_layout_and_refusals(tmp_path: Path) -> None:
    run = RunDir.create(tmp_path / "r", "x")
    assert {p.name for p in run.root.iterdir()} >= {"input", "repo", "cache"}
    run.events.append(StepCompleted(step="ingest"))
    assert run.is_done("ingest") and not run.is_done("blueprint")
    with pytest.raises(InputError, match="resume"):
        RunDir.create(tmp_path / "r", "x")
    with pytest.raises(InputError, match="not a run directory"):
        RunDir.open(tmp_path)
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="is a file"):
        RunDir.create(tmp_path / "file", "x")


def test_default_run_dir_name(tmp_path: Path) -> None:
    run = RunDir.create(None, "Attention Is All You Need!", base=tmp_path)
    assert run.root.parent == tmp_path and run.root.name.endswith("-attention-is-all-you-need")
    assert slugify("///") == "run"
