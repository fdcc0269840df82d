"""End-to-end pipeline behaviour with the scripted model: budgets, resume, cache, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from repowright.artifacts.events import ModelCalled, RunFinished
from repowright.config import Settings
from repowright.errors import BudgetExceeded, InputError
from repowright.models.bounded import BoundedSchemas
from repowright.models.scripted import load_script
from repowright.pipeline.session import create_run, drive, load_settings, run_state
from repowright.runs.progress import QuietProgress
from repowright.runs.store import RunDir
from repowright.sandbox.local import LocalSandbox
from tests.conftest import slow_script


def settings_for(script: Path, **kw) -> Settings:
    return Settings(model=f"scripted:{script}", **kw)


def paid_calls(run: RunDir) -> list[ModelCalled]:
    return [e for e in run.events if isinstance(e, ModelCalled) and not e.cached]


async def test_happy_path_produces_every_artifact(tmp_path, demo_spec, demo_script) -> None:
    run = create_run(demo_spec, None, settings_for(demo_script), tmp_path / "run")
    outcome = await drive(run, settings_for(demo_script))
    assert outcome.status == "verified"
    for name in ("document.json", "blueprint.yaml", "verdict.json", "report.md", "run.json"):
        assert (run.root / name).is_file(), name
    assert (run.repo / "todo" / "store.py").is_file()
    assert run_state(run)["status"] == "verified"


async def test_drive_takes_the_model_and_the_sandbox_it_is_given(
    tmp_path, demo_spec, demo_script
) -> None:
    made: list[Path] = []

    def factory(repo: Path) -> LocalSandbox:
        made.append(repo)
        return LocalSandbox(repo, state_dir=tmp_path / "state")

    run = create_run(demo_spec, None, settings_for(demo_script), tmp_path / "run")
    settings = Settings(model="scripted:/nonexistent.json")  # never opened: the model is given
    outcome = await drive(run, settings, model=load_script(demo_script), sandbox_factory=factory)
    assert outcome.status == "verified" and made == [run.repo]
    assert paid_calls(run) and all(e.model.startswith("scripted:") for e in paid_calls(run))


async def test_small_context_window_lowers_the_prompt_budget(
    tmp_path, demo_spec, demo_script
) -> None:
    notes: list[str] = []

    class Recording(QuietProgress):
        def info(self, message: str) -> None:
            notes.append(message)

    run = create_run(demo_spec, None, settings_for(demo_script), tmp_path / "run")
    small = BoundedSchemas(load_script(demo_script), max_reply_tokens=2048, context_window=4096)
    outcome = await drive(run, settings_for(demo_script), Recording(), model=small)
    assert outcome.status == "verified"
    assert "context budget: 1000 tokens, to fit scripted:" in " ".join(notes)


async def test_budget_stop_then_resume_with_higher_cap(tmp_path, demo_spec, demo_script) -> None:
    settings = settings_for(demo_script, max_calls=3)
    run = create_run(demo_spec, None, settings, tmp_path / "run")
    with pytest.raises(BudgetExceeded, match="call budget"):
        await drive(run, settings)
    assert [e.status for e in run.events if isinstance(e, RunFinished)] == ["stopped"]
    assert len(paid_calls(run)) == 3

    resumed = load_settings(run, {"max_calls": 100})
    outcome = await drive(run, resumed)
    assert outcome.status == "verified"
    keys = [e.cache_key for e in paid_calls(run)]
    assert len(keys) == len(set(keys)) == 9  # no call paid twice


async def test_calls_made_before_a_crash_are_answered_from_cache(
    tmp_path, demo_spec, demo_script
) -> None:
    settings = settings_for(demo_script)
    run = create_run(demo_spec, None, settings, tmp_path / "run")
    await drive(run, settings)
    # As if the process died after generation's model calls but before any checkpoint.
    lost = {"file_generated", "step_completed", "run_finished"}
    lines = (run.root / "events.jsonl").read_text().splitlines()
    kept = [
        line
        for line in lines
        if json.loads(line)["type"] not in lost
        or json.loads(line).get("step") in {"ingest", "blueprint"}
    ]
    (run.root / "events.jsonl").write_text("\n".join(kept) + "\n")
    await drive(run, settings)
    cached = [e for e in run.events if isinstance(e, ModelCalled) and e.cached]
    assert len(cached) == 6 and len(paid_calls(run)) == 9


def test_kill_9_during_generation_then_resume(tmp_path, demo_spec, demo_script) -> None:
    script = slow_script(demo_script, delay_s=0.4)
    out = tmp_path / "run"
    cmd = [sys.executable, "-m", "repowright", "run", str(demo_spec), "--out", str(out)]
    cmd += ["--model", f"scripted:{script}", "--quiet", "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(cmd, cwd=tmp_path, env=env, start_new_session=True)
    deadline = time.monotonic() + 30
    events = out / "events.jsonl"
    while time.monotonic() < deadline:
        if events.exists() and events.read_text().count('"tag":"generate:') >= 2:
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    run = RunDir.open(out)
    assert not run.is_done("generate")
    before = len(paid_calls(run))

    result = subprocess.run(
        [sys.executable, "-m", "repowright", "resume", str(out), "--quiet"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    keys = [e.cache_key for e in paid_calls(run)]
    assert len(keys) == len(set(keys)) == 9, "a call was paid twice"
    assert before >= 3
    assert run_state(run)["status"] == "verified"


def test_bad_input(tmp_path: Path) -> None:
    settings = Settings(model="scripted:x.json")
    with pytest.raises(InputError, match="input not found"):
        create_run(tmp_path / "nope.md", None, settings, tmp_path / "r")
    with pytest.raises(InputError, match="exactly one"):
        create_run(None, None, settings, tmp_path / "r")
    with pytest.raises(InputError, match="empty"):
        create_run(None, "   ", settings, tmp_path / "r")


def test_a_relative_script_path_is_saved_absolute(tmp_path, demo_spec, demo_script, monkeypatch):
    monkeypatch.chdir(demo_script.parent)
    run = create_run(demo_spec, None, Settings(model=f"scripted:{demo_script.name}"), None)
    saved = run.read_json("run.json")["settings"]["model"]
    assert saved == f"scripted:{demo_script.resolve()}"  # resume works from anywhere


async def test_flags_given_to_resume_are_kept(tmp_path, demo_spec, demo_script) -> None:
    run = create_run(demo_spec, None, settings_for(demo_script), tmp_path / "run")
    assert load_settings(run, {"max_calls": 50, "sandbox": None}).max_calls == 50
    assert load_settings(RunDir.open(run.root), {}).max_calls == 50


async def test_each_role_calls_its_own_model_and_a_done_role_never_opens_it(
    tmp_path, demo_spec, demo_script
) -> None:
    scripts = {}
    for role in ("planner", "coder", "repair"):
        scripts[role] = tmp_path / f"{role}.json"
        scripts[role].write_text(demo_script.read_text())
    settings = Settings(
        model=f"scripted:{demo_script}",
        review=True,  # stop after the blueprint
        replan_rounds=0,  # re-planning would need the planner after verification
        **{f"{role}_model": f"scripted:{path}" for role, path in scripts.items()},
    )
    run = create_run(demo_spec, None, settings, tmp_path / "run")
    assert (await drive(run, settings)).status == "blueprint_ready"
    scripts["planner"].unlink()  # its step is done: a resume must not open it
    resumed = load_settings(run, {"review": False})
    assert (await drive(run, resumed)).status == "verified"
    calls = [e for e in run.events if isinstance(e, ModelCalled)]
    for event in calls:
        role = (
            "planner"
            if not event.tag.startswith(("generate", "verify"))
            else ("coder" if event.tag.startswith("generate") else "repair")
        )
        assert (event.role, event.model) == (role, f"scripted:{scripts[role].name}"), event.tag
    assert {e.role for e in calls} >= {"planner", "coder"}
    report = (run.root / "report.md").read_text()
    assert f"| planner | scripted:{scripts['planner'].name} |" in report
    assert f"| coder | scripted:{scripts['coder'].name} |" in report
