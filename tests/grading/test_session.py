"""Grading a repository end to end: the report on disk and the judge's cost on record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from repowright.artifacts.events import ModelCalled
from repowright.errors import InputError
from repowright.grading.reproduce import run_reproduce
from repowright.grading.session import EVENTS_FILE, GradeRequest, grade_repo, prepare
from repowright.models.scripted import ScriptedModel
from repowright.runs.store import EventLog
from tests.grading.helpers import FakeSandbox, verdicts


def request(repo: Path, paper: Path, rubric: Path, **kw: Any) -> GradeRequest:
    out = repo.parent / "grade" / "graded.json"
    return GradeRequest(repo=repo, paper=paper, rubric=rubric, out=out, **kw)


async def test_report_and_cost_are_written(paper: Path, rubric_file: Path, repo: Path) -> None:
    await run_reproduce(FakeSandbox(repo))
    req = request(repo, paper, rubric_file, cache=False)
    model = ScriptedModel(verdicts(), name="gpt-4.1-mini")
    report = await grade_repo(model, prepare(req))
    assert report.reproduced and report.summary.score == 1.0
    data = json.loads(req.out.read_text())
    assert data["tree"]["sub_tasks"][0]["sub_tasks"][0]["id"] == "cd-sort"
    assert data["rubric_counts"]["Result Analysis"] == 1
    calls = [e for e in EventLog(req.out.parent / EVENTS_FILE) if isinstance(e, ModelCalled)]
    assert len(calls) == 4 and {c.model for c in calls} == {"gpt-4.1-mini"}
    assert all(c.prompt_tokens > 0 and c.cost_usd and c.cost_usd > 0 for c in calls)
    assert report.cost.calls == 4
    assert report.cost.cost_usd == pytest.approx(sum(c.cost_usd or 0 for c in calls), abs=1e-6)


async def test_regrading_counts_only_its_own_calls_and_uses_the_cache(
    paper: Path, rubric_file: Path, repo: Path
) -> None:
    req = request(repo, paper, rubric_file)
    first = await grade_repo(ScriptedModel(verdicts()), prepare(req))
    second = await grade_repo(ScriptedModel(verdicts()), prepare(req))
    assert (first.cost.calls, first.cost.cached_calls) == (2, 0)
    assert (second.cost.calls, second.cost.cached_calls) == (0, 2)
    assert second.summary.score == first.summary.score


async def test_code_dev_variant_ignores_any_reproduction(
    paper: Path, rubric_file: Path, repo: Path
) -> None:
    await run_reproduce(FakeSandbox(repo))
    req = request(repo, paper, rubric_file, code_dev=True, cache=False)
    prepared = prepare(req)
    assert prepared.reproduction is None
    report = await grade_repo(ScriptedModel(verdicts()), prepared)
    assert report.variant == "code-dev"
    assert [leaf.id for leaf in report.tree.leaves()] == ["cd-sort", "cd-main"]
    assert report.summary.score == 1.0
    assert list(report.summary.categories) == ["Code Development"]


def test_bad_inputs_fail_before_any_model_is_opened(
    paper: Path, rubric_file: Path, repo: Path, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="repository not found"):
        prepare(request(tmp_path / "nope", paper, rubric_file))
    with pytest.raises(InputError, match="addendum not found"):
        prepare(request(repo, paper, rubric_file, addendum=tmp_path / "nope.md"))
    with pytest.raises(InputError, match="input not found"):
        prepare(request(repo, tmp_path / "nope.md", rubric_file))
