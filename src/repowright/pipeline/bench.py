"""Benchmark runner: generate, reproduce and grade every paper in a PaperBench-style folder.

Layout: PaperBench's (`grading/papers.py`). Each paper gets `OUT/<paper_id>/` with the
generation run (`run/`), `graded.json` and `result.json`.
Rerunning the same command resumes: graded papers are skipped, unfinished runs continue
from their last completed step, and a recorded reproduction is reused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field

from repowright.artifacts.events import RunFinished, StepCompleted, StepFailed, StepStarted
from repowright.config import Settings
from repowright.errors import RepowrightError
from repowright.fsio import atomic_write
from repowright.grading.judge import JudgeConfig
from repowright.grading.papers import BenchPaper
from repowright.grading.reproduce import SCRIPT, load_reproduction, run_reproduce
from repowright.grading.session import GradeReport, GradeRequest, grade_repo, prepare
from repowright.models.base import Model
from repowright.models.metered import Budget, Totals
from repowright.pipeline.session import RunOutcome, create_run, drive, load_settings
from repowright.runs.artifacts import RUN_FILE
from repowright.runs.progress import Progress, QuietProgress
from repowright.runs.store import RunDir
from repowright.sandbox.base import Sandbox

BENCH_FILE = "bench.json"
RESULT_FILE = "result.json"
JUDGE_NOTES = "judge-addendum.md"
"""The addendum and the judge addendum together: what the judge reads beside the paper."""
Generate = Callable[[RunDir, Settings, Progress], Awaitable[RunOutcome]]
OpenJudge = Callable[[], AbstractAsyncContextManager[Model]]
"""Opens the judge's raw model; called per paper, only for grading, so a local model is
never loaded twice at once (generation opens its own)."""


class PaperResult(BaseModel):
    paper_id: str
    status: str
    """'graded', or 'error' (retried on the next run)."""
    run_status: str = ""
    score: float | None = None
    categories: dict[str, float] = Field(default_factory=dict)
    reproduced: bool = False
    generate_cost_usd: float = 0.0
    grade_cost_usd: float = 0.0
    cached_cost_usd: float = Field(
        default=0.0, description="What replies served from the cache cost when first paid."
    )
    blacklisted: list[str] = Field(
        default_factory=list, description="Blacklisted resources the generated repo names."
    )
    generate_s: float = 0.0
    reproduce_s: float = 0.0
    grade_s: float = 0.0
    error: str = ""

    @property
    def cost_usd(self) -> float:
        return self.generate_cost_usd + self.grade_cost_usd


class BenchResult(BaseModel):
    papers: list[PaperResult]
    mean_score: float | None
    total_cost_usd: float


@dataclass
class BenchConfig:
    out: Path
    settings: Settings
    """Generation settings (model, budgets, jobs, ...), as for `repowright run`."""
    sandbox_factory: Callable[[Path], Sandbox]
    judge: JudgeConfig = field(default_factory=JudgeConfig)
    judge_budget: Budget = field(default_factory=Budget)
    code_dev: bool = False
    reproduce_timeout_s: float = 3600.0
    generate: Generate = drive


async def run_bench(
    papers: list[BenchPaper],
    open_judge: OpenJudge,
    config: BenchConfig,
    progress: Progress | None = None,
) -> BenchResult:
    """Run every paper in turn; `bench.json` is rewritten after each, so it is never stale."""
    progress = progress or QuietProgress()
    results: list[PaperResult] = []
    for paper in papers:
        folder = config.out / paper.id
        done = folder / RESULT_FILE
        if done.is_file():
            previous = PaperResult.model_validate_json(done.read_text(encoding="utf-8"))
            if previous.status == "graded":
                progress.info(f"{paper.id}: already graded, skipped")
                results.append(previous)
                continue
        progress.info(f"[bold]{paper.id}[/]")
        result = await _run_paper(paper, folder, open_judge, config, progress)
        atomic_write(done, result.model_dump_json(indent=2) + "\n")
        results.append(result)
        _write_bench(config.out, results)
    return _write_bench(config.out, results)


async def _run_paper(
    paper: BenchPaper, folder: Path, open_judge: OpenJudge, config: BenchConfig, progress: Progress
) -> PaperResult:
    result = PaperResult(paper_id=paper.id, status="error")
    try:
        run = await _generate(paper, folder / "run", config, progress)
        result.run_status = _run_status(run)
        generated = Totals.from_events(run.events)
        result.generate_cost_usd = round(generated.cost_usd, 6)
        result.cached_cost_usd = round(generated.cached_cost_usd, 6)
        result.generate_s = _active_seconds(run)
        result.blacklisted = paper.blacklisted_in(run.repo)
        if result.blacklisted:
            progress.info(
                f"[red]{paper.id}: the repository names blacklisted resources: "
                f"{', '.join(result.blacklisted)}[/]"
            )
        if not config.code_dev and (run.repo / SCRIPT).is_file():
            reproduction = load_reproduction(run.repo)
            if reproduction is None:
                progress.info(f"{paper.id}: running {SCRIPT}")
                reproduction = await run_reproduce(
                    config.sandbox_factory(run.repo), timeout_s=config.reproduce_timeout_s
                )
            result.reproduced = True
            result.reproduce_s = reproduction.duration_s
        async with open_judge() as judge:
            report = await _grade(paper, run, folder, judge, config, progress)
    except RepowrightError as exc:
        result.error = str(exc)
        progress.info(f"[red]{paper.id}: {exc}[/]")
        return result
    result.status = "graded"
    result.score = report.summary.score
    result.categories = {k: v.score for k, v in report.summary.categories.items()}
    result.grade_cost_usd = report.cost.cost_usd
    result.cached_cost_usd = round(result.cached_cost_usd + report.cost.cached_cost_usd, 6)
    result.grade_s = report.duration_s
    return result


async def _generate(
    paper: BenchPaper, root: Path, config: BenchConfig, progress: Progress
) -> RunDir:
    """Create the run, or resume it from its last completed step; finished runs are kept."""
    if (root / RUN_FILE).is_file():
        run = RunDir(root)
        if _run_status(run) in ("verified", "failed"):
            return run
        settings = load_settings(run, {"review": False})
    else:
        settings = config.settings.model_copy(update={"review": False})
        run = create_run(paper.generation_input(root.parent), None, settings, root)
    await config.generate(run, settings, progress)
    return run


async def _grade(
    paper: BenchPaper,
    run: RunDir,
    folder: Path,
    judge: Model,
    config: BenchConfig,
    progress: Progress,
) -> GradeReport:
    notes = paper.judge_notes()
    if notes:
        atomic_write(folder / JUDGE_NOTES, notes + "\n")
    request = GradeRequest(
        repo=run.repo,
        paper=paper.paper,
        rubric=paper.rubric,
        out=folder / "graded.json",
        addendum=folder / JUDGE_NOTES if notes else None,
        code_dev=config.code_dev,
        judge=config.judge,
        budget=config.judge_budget,
        cache=config.settings.cache,
        max_retries=config.settings.max_retries,
    )
    return await grade_repo(judge, prepare(request), progress)


def _run_status(run: RunDir) -> str:
    finished = [e for e in run.events if isinstance(e, RunFinished)]
    return finished[-1].status if finished else "unfinished"


def _active_seconds(run: RunDir) -> float:
    """Time spent in steps (pauses between a crash and its resume do not count)."""
    started: dict[str, float] = {}
    total = 0.0
    for event in run.events:
        if isinstance(event, StepStarted):
            started[event.step] = event.ts
        elif isinstance(event, StepCompleted | StepFailed) and event.step in started:
            total += event.ts - started.pop(event.step)
    return round(total, 3)


def _write_bench(out: Path, results: list[PaperResult]) -> BenchResult:
    scores = [r.score for r in results if r.score is not None]
    bench = BenchResult(
        papers=results,
        mean_score=sum(scores) / len(scores) if scores else None,
        total_cost_usd=round(sum(r.cost_usd for r in results), 6),
    )
    atomic_write(out / BENCH_FILE, bench.model_dump_json(indent=2) + "\n")
    return bench
