"""The `grade`, `reproduce` and `bench` commands on a tiny repository."""

from __future__ import annotations

import json
import shutil
from functools import partial
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from repowright.cli import grade as grade_cli
from repowright.pipeline import bench
from repowright.pipeline.bench import BenchConfig
from tests.grading.helpers import FakeSandbox, leaf, node, write_json

runner = CliRunner()


@pytest.fixture
def app(monkeypatch: pytest.MonkeyPatch) -> typer.Typer:
    monkeypatch.setattr(grade_cli, "local_sandbox", lambda root, backend="auto": FakeSandbox(root))
    for var in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "OPENROUTER_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    app = typer.Typer()
    grade_cli.register(app)
    return app


@pytest.fixture
def script(tmp_path: Path) -> Path:
    rules = {
        "rules": [{"tag": "grading:leaf:cd-main", "reply": {"explanation": "no", "score": 0}}],
        "default": {"explanation": "yes", "score": 1},
    }
    return write_json(tmp_path / "judge.json", rules)


def test_grade_writes_tree_and_prints_summary(
    app: typer.Typer, paper: Path, rubric_file: Path, repo: Path, script: Path, tmp_path: Path
) -> None:
    out = tmp_path / "g" / "graded.json"
    args = ["grade", str(repo), "--paper", str(paper), "--rubric", str(rubric_file)]
    result = runner.invoke(app, [*args, "--model", f"scripted:{script}", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Score 33.3% (full)" in result.output
    assert "Code Development (2 leaves)" in result.output
    assert "impl: requirement impl" in result.output
    assert "judge scripted:judge.json: 2 calls" in result.output and "$0.0000" in result.output
    tree = json.loads(out.read_text())["tree"]
    assert tree["score"] == pytest.approx(1 / 3)
    assert (out.parent / "grade_events.jsonl").read_text().count('"model_called"') == 2


def test_reproduce_then_grade_json(
    app: typer.Typer, paper: Path, rubric_file: Path, repo: Path, script: Path
) -> None:
    result = runner.invoke(app, ["reproduce", str(repo), "--timeout", "60"])
    assert result.exit_code == 0, result.output
    assert "exit code 0" in result.output and "1 files created or changed" in result.output
    args = ["grade", str(repo), "--paper", str(paper), "--rubric", str(rubric_file)]
    result = runner.invoke(app, [*args, "--model", f"scripted:{script}", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["score"] == pytest.approx(2 / 3)  # cd-main 0, the rest 1
    assert summary["cost"]["calls"] == 4
    assert Path(summary["out"]) == repo.with_name("repo-grade") / "graded.json"


def test_reproduce_failure_exits_non_zero(app: typer.Typer, repo: Path) -> None:
    (repo / "reproduce.sh").write_text("exit 4\n")
    result = runner.invoke(app, ["reproduce", str(repo)])
    assert result.exit_code == 1
    assert "exit code 4" in result.output


def test_bad_rubric_is_one_line_and_exit_2(
    app: typer.Typer, paper: Path, repo: Path, script: Path, tmp_path: Path
) -> None:
    bad = write_json(tmp_path / "bad.json", node("root", [leaf("x", "Code Development", -2)]))
    args = ["grade", str(repo), "--paper", str(paper), "--rubric", str(bad)]
    result = runner.invoke(app, [*args, "--model", f"scripted:{script}"])
    assert result.exit_code == 2
    assert "node 'x': field 'weight'" in result.output
    assert "Traceback" not in result.output


def test_bench_generates_reproduces_grades_and_resumes(
    app: typer.Typer,
    paper: Path,
    rubric_file: Path,
    script: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.pipeline.test_bench import calls, fake_generate, make_papers

    monkeypatch.setattr(bench, "BenchConfig", partial(BenchConfig, generate=fake_generate))
    papers = make_papers(tmp_path, paper, rubric_file, ["alpha"])
    out = tmp_path / "bench-out"
    args = ["bench", str(papers), "--model", f"scripted:{script}", "--out", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "alpha" in result.output and "graded" in result.output
    assert "mean score 66.7%" in result.output
    result = runner.invoke(app, args)
    assert "already graded, skipped" in result.output
    shutil.copytree(papers / "alpha", papers / "flaky")
    calls.clear()
    result = runner.invoke(app, args)
    assert result.exit_code == 1  # a paper that could not be graded fails the command
    assert "cost budget reached" in result.output
    (papers / "broken").mkdir()
    shutil.copy(paper, papers / "broken" / "paper.md")
    write_json(papers / "broken" / "rubric.json", node("root", [leaf("x", "Vibes")]))
    result = runner.invoke(app, args)
    assert result.exit_code == 2  # rubrics are checked before anything is generated
    assert "node 'x': field 'task_category'" in result.output


def test_a_reasoning_model_can_judge(
    app: typer.Typer, paper: Path, rubric_file: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """o-series models refuse `temperature` (HTTP 400): the judge must not send it."""
    from tests.models.fake_openai import FakeReply, fake_openai

    verdict = FakeReply(text=json.dumps({"explanation": "done", "score": 1}))
    with fake_openai([verdict] * 2) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        args = ["grade", str(repo), "--paper", str(paper), "--rubric", str(rubric_file)]
        effort = ["--reasoning-effort", "high"]
        result = runner.invoke(
            app, [*args, "--model", "openai:o3-mini", "--json", "--no-cache", *effort]
        )
    assert result.exit_code == 0, result.output
    assert all(r["reasoning_effort"] == "high" for r in server.requests)
    assert json.loads(result.output)["categories"]["Code Development"]["score"] == 1.0
    assert all("temperature" not in r for r in server.requests) and len(server.requests) == 2


def test_a_judge_whose_calls_all_fail_gives_invalid_leaves_and_exit_1(
    app: typer.Typer, paper: Path, rubric_file: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.models.fake_openai import FakeReply, fake_openai

    refused = FakeReply(status=400, error={"message": "Unsupported value: 'temperature'"})
    with fake_openai([refused] * 10) as server:
        monkeypatch.setenv("OPENAI_BASE_URL", server.url)
        monkeypatch.setenv("OPENAI_API_KEY", "test-key")
        args = ["grade", str(repo), "--paper", str(paper), "--rubric", str(rubric_file)]
        result = runner.invoke(app, [*args, "--model", "openai:gpt-4.1", "--no-cache"])
        allowed = runner.invoke(app, [*args, "--model", "openai:gpt-4.1", "--allow-invalid"])
    assert result.exit_code == 1, result.output
    assert "2 invalid" in result.output and "2 calls (0 cached, 2 failed)" in result.output
    assert allowed.exit_code == 0
