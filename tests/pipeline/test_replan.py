"""Re-planning from verification evidence, end to end with a scripted model: a plan that lacks a
module the code needs is revised by the planner, only the affected files are written again,
and the run verifies; a run interrupted in the middle of a re-plan resumes where it stopped."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from repowright.artifacts.events import ModelCalled
from repowright.config import Settings
from repowright.generate.events import FileGenerated
from repowright.models.base import AuthError, ModelRequest
from repowright.models.scripted import Reply, ScriptedModel
from repowright.pipeline.replan import ReplanFinished, Replanned
from repowright.pipeline.session import create_run, drive
from repowright.runs.store import RunDir

FORMAT = '```\ndef render(todo) -> str:\n    return f"{todo.id} {todo.text}"\n```'


def script(
    demo_script: Path, fail_on: str = "", format_reply: str = FORMAT, revision: Any = None
) -> ScriptedModel:
    """The demo's replies, except that the CLI imports `todo.format`, which the first plan
    lacks and the revised plan provides."""
    rules = {r["tag"]: r["reply"] for r in json.loads(demo_script.read_text())["rules"]}
    cli = rules["generate:todo/__main__.py"]
    cli = cli.replace(
        "from todo.store import TodoStore\n",
        "from todo.format import render\nfrom todo.store import TodoStore\n",
    ).replace("print(todo.id, todo.text)", "print(render(todo))")
    rules["generate:todo/__main__.py"] = cli
    rules["generate:todo/format.py"] = format_reply
    revised = copy.deepcopy(rules["plan"])
    files = revised["files"]
    main = next(f for f in files if f["path"] == "todo/__main__.py")
    main["dependencies"].append("todo/format.py")
    fmt = {
        "path": "todo/format.py",
        "purpose": "How a todo is printed.",
        "interface": [
            {"name": "render", "kind": "function", "signature": "def render(todo) -> str"}
        ],
    }
    files.insert(files.index(main), fmt)
    rules["replan"] = revised if revision is None else revision

    def answer(request: ModelRequest) -> Reply:
        if fail_on and request.tag == fail_on:
            return AuthError("the model went away (simulated)")
        return rules[request.tag]

    return ScriptedModel(answer, name="scripted:replan")


def generated(run: RunDir) -> dict[str, int]:
    out: dict[str, int] = {}
    for e in run.events:
        if isinstance(e, FileGenerated):
            out[e.path] = out.get(e.path, 0) + 1
    return out


def settings(demo_script: Path, **kw: Any) -> Settings:
    """The model itself is passed to `drive`; the spec only has to name a valid script."""
    return Settings(model=f"scripted:{demo_script}", fix_rounds=0, cache=False, **kw)


async def test_a_plan_level_failure_is_replanned_and_only_affected_files_are_rewritten(
    tmp_path: Path, demo_spec: Path, demo_script: Path
) -> None:
    run = create_run(demo_spec, None, settings(demo_script), tmp_path / "run")
    outcome = await drive(run, settings(demo_script), model=script(demo_script))
    assert outcome.status == "verified"
    event = next(e for e in run.events if isinstance(e, Replanned))
    assert any("todo.format" in e and "no planned file" in e for e in event.evidence)
    assert [c.line() for c in event.changes] == [
        "changed todo/__init__.py (dependencies)",  # it re-exports the new module
        "added todo/format.py",
        "changed todo/__main__.py (dependencies)",
    ]
    assert event.regenerate == ["todo/__init__.py", "todo/format.py", "todo/__main__.py"]
    counts = generated(run)
    assert counts["todo/__main__.py"] == 2 and counts["todo/format.py"] == 1
    assert counts["todo/store.py"] == counts["reproduce.sh"] == counts["README.md"] == 1
    assert (run.root / "blueprint.r0.yaml").is_file() and (run.root / "blueprint.r1.yaml").is_file()
    assert "todo/format.py" in (run.root / "blueprint.yaml").read_text()
    assert "todo/format.py" in (run.root / "memory.jsonl").read_text()  # CodeMem updated
    finished = next(e for e in run.events if isinstance(e, ReplanFinished))
    assert finished.kept and "cross_imports" in finished.before and finished.after == []
    report = (run.root / "report.md").read_text()
    assert "## Re-planning" in report and "- added todo/format.py" in report
    replans = [e for e in run.events if isinstance(e, ModelCalled) and e.tag == "replan"]
    assert [e.role for e in replans] == ["planner"]


async def failed_run(
    tmp_path: Path, demo_spec: Path, given: Settings, model: ScriptedModel
) -> RunDir:
    """A run of the demo spec with `model`, which ends NOT VERIFIED."""
    run = create_run(demo_spec, None, given, tmp_path / "run")
    assert (await drive(run, given, model=model)).status == "failed"
    return run


async def run_without_replanning(tmp_path: Path, demo_spec: Path, demo_script: Path) -> RunDir:
    off = settings(demo_script, replan_rounds=0)
    return await failed_run(tmp_path, demo_spec, off, script(demo_script))


async def test_without_replanning_the_same_run_does_not_verify(
    tmp_path: Path, demo_spec: Path, demo_script: Path
) -> None:
    run = await run_without_replanning(tmp_path, demo_spec, demo_script)
    assert not any(isinstance(e, Replanned) for e in run.events)


async def test_a_run_stopped_in_the_middle_of_a_replan_resumes_there(
    tmp_path: Path, demo_spec: Path, demo_script: Path
) -> None:
    run = create_run(demo_spec, None, settings(demo_script), tmp_path / "run")
    with pytest.raises(AuthError):
        await drive(
            run, settings(demo_script), model=script(demo_script, fail_on="generate:todo/format.py")
        )
    assert any(isinstance(e, Replanned) for e in run.events)
    assert not (run.repo / "todo/format.py").exists()
    resumed = script(demo_script)
    assert (
        await drive(RunDir.open(run.root), settings(demo_script), model=resumed)
    ).status == "verified"
    assert [r.tag for r in resumed.requests] == [
        "generate:todo/format.py",
        "generate:todo/__init__.py",
        "generate:todo/__main__.py",
    ]  # no second revision; only what the interrupted re-plan had left to write


async def test_a_revision_that_verifies_no_better_is_undone(
    tmp_path: Path, demo_spec: Path, demo_script: Path
) -> None:
    broken = script(demo_script, format_reply="```\ndef render(todo) -> str\n    return ''\n```")
    run = await failed_run(tmp_path, demo_spec, settings(demo_script), broken)
    finished = next(e for e in run.events if isinstance(e, ReplanFinished))
    assert not finished.kept and "compile" in finished.after
    assert (run.root / "blueprint.yaml").read_text() == (run.root / "blueprint.r0.yaml").read_text()
    assert not (run.repo / "todo/format.py").exists()
    assert (run.root / "verdict.json").read_text() == (run.root / "verdict.r0.json").read_text()
    assert "undone, it verified no better" in (run.root / "report.md").read_text()


async def test_a_run_finished_before_replanning_existed_stays_finished(
    tmp_path: Path, demo_spec: Path, demo_script: Path
) -> None:
    run = await run_without_replanning(tmp_path, demo_spec, demo_script)
    lines = (run.root / "events.jsonl").read_text().splitlines()
    old = [ln for ln in lines if '"step": "replan"' not in ln and '"step":"replan"' not in ln]
    (run.root / "events.jsonl").write_text("\n".join(old) + "\n")  # as an older version wrote it
    again = script(demo_script)
    assert (
        await drive(RunDir.open(run.root), settings(demo_script), model=again)
    ).status == "failed"
    assert again.requests == []  # resuming a finished run does nothing


async def test_an_unusable_revision_ends_the_run_as_it_was(
    tmp_path: Path, demo_spec: Path, demo_script: Path
) -> None:
    babble = script(demo_script, revision="I would add a module for formatting.")
    run = await failed_run(tmp_path, demo_spec, settings(demo_script), babble)
    assert not any(isinstance(e, Replanned) for e in run.events)
    report = (run.root / "report.md").read_text()
    assert "Round 1: no revision (the planner gave no usable revision" in report
