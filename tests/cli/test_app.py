"""The CLI: help texts, one-line errors with non-zero exits, run/status/resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repowright.cli.app import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("repowright.config.USER_CONFIG", tmp_path / "none.toml")
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(var, raising=False)


@pytest.mark.parametrize("command", [[], ["run"], ["resume"], ["status"]])
def test_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_run_status_and_json(tmp_path: Path, demo_spec: Path, demo_script: Path) -> None:
    out = tmp_path / "run"
    args = ["run", str(demo_spec), "--out", str(out), "--model", f"scripted:{demo_script}"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    state = json.loads(result.stdout.strip().splitlines()[-1])
    assert state["status"] == "verified" and state["calls"] == 9
    status = runner.invoke(app, ["status", str(out), "--json"])
    assert json.loads(status.stdout)["files"] == 6


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "missing.md", "--model", "scripted:x.json"], "input not found"),
        (["run", "--spec", "x", "--model", "nonsense"], "unknown model spec"),
        (["run", "--spec", "x", "--model", "openai:gpt-4.1"], "OPENAI_API_KEY"),
        (["run", "--spec", "x", "--model", "scripted:missing.json"], "not found"),
        (["run", "--spec", "x", "--model", "scripted:x.json", "--max-cost", "-1"], "max_cost"),
        (["run", "--spec", "x", "--model", "scripted:x.json", "--max-calls", "0"], "max_calls"),
        (["run", "--spec", "x", "--model", "scripted:x.json", "--price", "cheap"], "price"),
        (["run", "--spec", "x", "--model", "scripted:x.json", "--sandbox", "jail"], "sandbox"),
        (["run", "paper.xyz", "--model", "scripted:x.json"], "unsupported input type"),
        (["run", "a:m:b.md", "--model", "scripted:x.json"], "a:m:b.md"),  # no emoji
        (["reproduce", ".", "--memory-mb", "0"], "memory-mb"),
        (["index", ".", "--index-dir", "paper.xyz"], "is a file"),
        (["resume", "."], "not a run directory"),
        (["status", "nowhere"], "not a run directory"),
    ],
)
def test_user_errors_are_one_line_without_traceback(args: list[str], message: str) -> None:
    Path("paper.xyz").write_text("x")
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not Path("runs").exists()  # nothing left behind


def test_budget_stop_exit_code_and_resume(tmp_path: Path, demo_spec, demo_script) -> None:
    out = tmp_path / "run"
    args = ["run", str(demo_spec), "--out", str(out), "--model", f"scripted:{demo_script}"]
    stopped = runner.invoke(app, [*args, "--max-calls", "2", "--quiet"])
    assert stopped.exit_code == 3
    assert "call budget reached" in stopped.output and "resume" in stopped.output
    resumed = runner.invoke(app, ["resume", str(out), "--max-calls", "50", "--quiet"])
    assert resumed.exit_code == 0, resumed.output


def test_a_run_that_cannot_start_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["run", "--spec", "x", "--model", "openai:gpt-4.1", "-o", str(out)])
    assert result.exit_code == 2 and "OPENAI_API_KEY" in result.output
    assert not out.exists() and "resume" not in result.output


def test_resuming_a_finished_run_changes_nothing(tmp_path: Path, demo_spec, demo_script) -> None:
    out = tmp_path / "run"
    args = ["run", str(demo_spec), "--out", str(out), "--model", f"scripted:{demo_script}"]
    assert runner.invoke(app, [*args, "--quiet"]).exit_code == 0
    before = (out / "events.jsonl").read_text()
    again = runner.invoke(app, ["resume", str(out), "--quiet"])
    assert again.exit_code == 0, again.output
    after = (out / "events.jsonl").read_text()
    assert after.count('"run_finished"') == before.count('"run_finished"') == 1
