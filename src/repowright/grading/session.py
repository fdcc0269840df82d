"""Grade one repository: check the inputs, meter the judge, write the graded tree.

Every judge call goes through `MeteredModel` into `grade_events.jsonl` beside the output,
so the cost of a grading is on record; `grading_started`/`grading_finished` events mark
where each grading begins and ends, and the report counts this grading's calls only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from repowright.artifacts.events import RunEvent
from repowright.documents import Document, load_document
from repowright.errors import InputError
from repowright.fsio import atomic_write
from repowright.grading.graded import GradedNode, GradeSummary, summarize
from repowright.grading.judge import DEFAULT_BUDGET, Judge, JudgeConfig
from repowright.grading.reproduce import Reproduction, load_reproduction
from repowright.grading.rubric import RubricNode, category_counts, code_dev_only, load_rubric
from repowright.models.base import (
    DEFAULT_REPLY_TOKENS,
    MIN_CONTEXT_BUDGET,
    PROMPT_OVERHEAD,
    Model,
    fit_context_budget,
)
from repowright.models.capabilities import context_window
from repowright.models.metered import Budget, MeteredModel, Totals, metered_stack
from repowright.runs.progress import Progress, QuietProgress
from repowright.runs.store import EventLog

EVENTS_FILE = "grade_events.jsonl"
CACHE_DIR = ".grade_cache"
Variant = Literal["full", "code-dev"]


class GradingStarted(RunEvent):
    type: Literal["grading_started"] = "grading_started"
    repo: str
    rubric: str
    variant: str
    leaves: int


class GradingFinished(RunEvent):
    type: Literal["grading_finished"] = "grading_finished"
    score: float
    duration_s: float


class GradeReport(BaseModel):
    """What `graded.json` holds: the inputs, the scores, the cost, and the graded tree."""

    repo: str
    paper: str
    rubric: str
    variant: Variant
    model: str
    reproduced: bool
    rubric_counts: dict[str, int]
    duration_s: float
    cost: Totals
    summary: GradeSummary
    tree: GradedNode


@dataclass
class GradeRequest:
    repo: Path
    paper: Path
    rubric: Path
    out: Path
    """The graded tree's JSON file; the event log and the cache go beside it."""
    addendum: Path | None = None
    code_dev: bool = False
    judge: JudgeConfig = field(default_factory=JudgeConfig)
    budget: Budget = field(default_factory=Budget)
    cache: bool = True
    max_retries: int = 5


@dataclass
class Prepared:
    """Validated inputs, ready to grade: built before any model is opened."""

    request: GradeRequest
    rubric: RubricNode
    paper: Document
    addendum: str
    reproduction: Reproduction | None

    @property
    def variant(self) -> Variant:
        return "code-dev" if self.request.code_dev else "full"


def prepare(request: GradeRequest) -> Prepared:
    """Load and check everything, so bad input fails fast with one clear line."""
    if not request.repo.is_dir():
        raise InputError(f"repository not found: {request.repo}")
    rubric = load_rubric(request.rubric)
    if request.code_dev:
        rubric = code_dev_only(rubric)
    addendum = ""
    if request.addendum is not None:
        if not request.addendum.is_file():
            raise InputError(f"addendum not found: {request.addendum}")
        addendum = request.addendum.read_text(encoding="utf-8", errors="replace")
    # The code-dev variant never looks at execution, so a stale log must not leak in.
    reproduction = None if request.code_dev else load_reproduction(request.repo)
    return Prepared(request, rubric, load_document(request.paper), addendum, reproduction)


def judge_model(raw: Model, out_dir: Path, request: GradeRequest) -> MeteredModel:
    """The judge's model: retried on transient errors, metered into the grade event log."""
    out_dir.mkdir(parents=True, exist_ok=True)
    model = metered_stack(
        raw,
        EventLog(out_dir / EVENTS_FILE),
        max_retries=request.max_retries,
        budget=request.budget,
        cache_dir=out_dir / CACHE_DIR if request.cache else None,
    )
    # Totals (and so budgets and the reported cost) cover this grading only, not earlier
    # gradings logged in the same folder.
    model.totals = Totals()
    return model


def evidence_budget(config: JudgeConfig, raw: Model) -> int:
    """Tokens of evidence per leaf: the configured budget, or else what the judge model's
    window holds (known for API model families, read from the GGUF for local models),
    always fitted so a prompt and its reply fit the window."""
    window = getattr(raw, "context_window", None) or context_window(
        str(getattr(raw, "model", raw.name))
    )
    wanted = config.context_budget or (
        window - DEFAULT_REPLY_TOKENS - PROMPT_OVERHEAD if window else DEFAULT_BUDGET
    )
    return fit_context_budget(max(wanted, MIN_CONTEXT_BUDGET), raw)


async def grade_repo(
    raw: Model, prepared: Prepared, progress: Progress | None = None
) -> GradeReport:
    """Grade, then write the report to `request.out`; returns it too."""
    request = prepared.request
    model = judge_model(raw, request.out.parent, request)
    model.log.append(
        GradingStarted(
            repo=str(request.repo),
            rubric=str(request.rubric),
            variant=prepared.variant,
            leaves=len(prepared.rubric.leaves()),
        )
    )
    start = time.monotonic()
    judge = Judge(
        model,
        prepared.paper,
        addendum=prepared.addendum,
        config=replace(request.judge, context_budget=evidence_budget(request.judge, raw)),
        progress=progress or QuietProgress(),
    )
    tree = await judge.grade(prepared.rubric, request.repo, prepared.reproduction)
    duration = round(time.monotonic() - start, 3)
    model.log.append(GradingFinished(score=tree.score, duration_s=duration))
    report = GradeReport(
        repo=str(request.repo),
        paper=str(request.paper),
        rubric=str(request.rubric),
        variant=prepared.variant,
        model=model.name,
        reproduced=prepared.reproduction is not None,
        rubric_counts=category_counts(prepared.rubric),
        duration_s=duration,
        cost=model.totals.model_copy(),
        summary=summarize(prepared.rubric, tree),
        tree=tree,
    )
    atomic_write(request.out, report.model_dump_json(indent=2) + "\n")
    return report
