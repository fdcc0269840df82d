"""`repowright grade`, `bench` and `reproduce`: measure how well a repository reproduces a paper."""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from repowright.cli.common import handle_errors
from repowright.errors import InputError
from repowright.fsio import slugify
from repowright.runs.progress import ConsoleProgress, Progress, QuietProgress

if TYPE_CHECKING:
    from repowright.config import Settings
    from repowright.grading.session import GradeReport
    from repowright.pipeline.bench import BenchResult
    from repowright.sandbox.base import Sandbox

# Grading (and the model SDKs) is imported by the commands, so `--help` starts fast.

out = Console(highlight=False, soft_wrap=True)

ModelOpt = Annotated[
    str | None, typer.Option("--model", "-m", help="Model spec, e.g. openai:gpt-4.1 or local.")
]
Concurrency = Annotated[int, typer.Option(min=1, max=64, help="Leaves graded at once.")]
CodeDev = Annotated[
    bool,
    typer.Option("--code-dev", help="Grade Code Development leaves only (no execution)."),
]
MaxCost = Annotated[float | None, typer.Option(help="Stop the judge past this many USD.")]
NoCache = Annotated[bool, typer.Option("--no-cache", help="Do not reuse judge responses.")]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
JsonOut = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


def local_sandbox(root: Path, backend: str = "auto") -> Sandbox:
    """The default sandbox; imported here only, so grading never depends on it otherwise."""
    from repowright.sandbox.local import LocalSandbox

    return LocalSandbox(root, backend=backend)


def _spec(settings: Settings, progress: Progress, override: str | None = None) -> str:
    from repowright.models.registry import default_spec

    if chosen := override or settings.judge_model or settings.model:
        return chosen
    spec, note = default_spec()
    progress.info(note)
    return spec


def grade(
    repo: Annotated[Path, typer.Argument(help="The repository to grade.")],
    paper: Annotated[Path, typer.Option(help="The paper (Markdown, text, PDF...).")],
    rubric: Annotated[Path, typer.Option(help="A PaperBench rubric.json.")],
    addendum: Annotated[Path | None, typer.Option(help="Clarifications to the paper.")] = None,
    code_dev: CodeDev = False,
    model: ModelOpt = None,
    out_file: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Graded tree JSON (default REPO-grade/graded.json)."),
    ] = None,
    concurrency: Concurrency = 4,
    judge_context: Annotated[
        int | None,
        typer.Option(
            "--judge-context",
            min=1000,
            help="Evidence tokens per leaf (default: what the judge model's window holds).",
        ),
    ] = None,
    bm25_only: Annotated[
        bool, typer.Option("--bm25-only", help="Rank files lexically, not with the model.")
    ] = False,
    max_cost: MaxCost = None,
    no_cache: NoCache = False,
    reasoning_effort: Annotated[
        str | None,
        typer.Option(help="low, medium or high, for a reasoning judge (o3-mini, gpt-5...)."),
    ] = None,
    allow_invalid: Annotated[
        bool,
        typer.Option("--allow-invalid", help="Exit 0 even when some leaves could not be graded."),
    ] = False,
    quiet: Quiet = False,
    as_json: JsonOut = False,
) -> None:
    """Grade REPO against a PaperBench rubric; writes the graded tree and prints the scores.
    Exits 1 when a leaf could not be graded (its judge call failed), unless --allow-invalid."""
    from repowright.config import Settings
    from repowright.grading.judge import JudgeConfig
    from repowright.grading.rubric import category_counts
    from repowright.grading.session import GradeRequest, grade_repo, prepare
    from repowright.models.metered import Budget
    from repowright.models.registry import open_model

    settings = Settings.load(
        {
            "model": model,
            "cache": False if no_cache else None,
            "reasoning_effort": reasoning_effort,
        }
    )
    request = GradeRequest(
        repo=repo,
        paper=paper,
        rubric=rubric,
        out=out_file or repo.resolve().with_name(f"{repo.resolve().name}-grade") / "graded.json",
        addendum=addendum,
        code_dev=code_dev,
        judge=JudgeConfig(
            concurrency=concurrency,
            context_budget=judge_context,
            rank_with_model=not bm25_only,
        ),
        budget=Budget(max_cost=max_cost),
        cache=settings.cache,
        max_retries=settings.max_retries,
    )
    prepared = prepare(request)
    progress: Progress = QuietProgress() if quiet or as_json else ConsoleProgress()
    counts = ", ".join(f"{n} {c}" for c, n in category_counts(prepared.rubric).items())
    progress.info(f"rubric: {len(prepared.rubric.leaves())} leaves ({counts})")
    if prepared.reproduction is None and not code_dev:
        progress.info("no reproduce.log: Code Execution and Result Analysis leaves score 0")
    spec = _spec(settings, progress)

    async def main() -> GradeReport:
        async with open_model(
            spec, timeout_s=settings.request_timeout_s, reasoning_effort=settings.reasoning_effort
        ) as raw:
            return await grade_repo(raw, prepared, progress)

    report = asyncio.run(main())
    if as_json:
        data = {"out": str(request.out), "cost": report.cost.model_dump()}
        typer.echo(json.dumps({**report.summary.model_dump(), **data}))
    elif not quiet:
        _print_report(report)
        out.print(f"Graded tree: {request.out}")
    if report.summary.invalid_leaves and not allow_invalid:
        raise typer.Exit(1)


def _print_report(report: GradeReport) -> None:
    summary = report.summary
    table = Table(title=f"Score {summary.score:.1%} ({report.variant})", title_justify="left")
    table.add_column("node")
    table.add_column("weight", justify="right")
    table.add_column("score", justify="right")
    for name, cat in summary.categories.items():
        share = f"{cat.share:.0%} of total"
        leaves = f"{cat.leaves} leaf" if cat.leaves == 1 else f"{cat.leaves} leaves"
        table.add_row(f"[bold]{name}[/] ({leaves})", share, f"{cat.score:.1%}")
    table.add_section()
    for node in summary.top_level:
        text = escape(node.requirements if len(node.requirements) < 70 else node.requirements[:67])
        table.add_row(f"{escape(node.id)}: {text}", f"{node.weight}", f"{node.score:.1%}")
    out.print(table)
    cost = report.cost
    price = f"${cost.cost_usd:.4f}"
    if cost.cached_cost_usd:
        price += f" (+${cost.cached_cost_usd:.4f} of cached replies, not paid again)"
    if cost.unpriced_calls:
        price += f" (+{cost.unpriced_calls} calls of unknown price)"
    failed = f", {cost.failed_calls} failed" if cost.failed_calls else ""
    out.print(
        f"judge {report.model}: {cost.calls + cost.failed_calls} calls ({cost.cached_calls} "
        f"cached{failed}), {cost.prompt_tokens + cost.completion_tokens} tokens, {price}, "
        f"{report.duration_s:.1f}s"
    )
    valid = summary.leaves - summary.invalid_leaves
    out.print(f"leaves: {valid} graded, {summary.invalid_leaves} invalid")
    if summary.invalid_leaves:
        out.print(
            f"[red]{summary.invalid_leaves} leaves could not be graded (their judge calls "
            "failed): the score counts them as 0 and is not a measurement[/]"
        )


def reproduce(
    repo: Annotated[Path, typer.Argument(help="A repository with reproduce.sh.")],
    timeout: Annotated[float, typer.Option(min=1, help="Wall-clock limit in seconds.")] = 3600.0,
    memory_mb: Annotated[int, typer.Option(min=64, help="Memory limit in MB.")] = 8192,
    network: Annotated[bool, typer.Option("--network", help="Allow network access.")] = False,
    sandbox: Annotated[
        str, typer.Option(help="auto (the strongest here), bwrap, namespaces, docker or none.")
    ] = "auto",
) -> None:
    """Run `bash reproduce.sh` in the sandbox; writes reproduce.log and reproduce.json."""
    from repowright.grading.reproduce import run_reproduce

    if not repo.is_dir():
        raise InputError(f"repository not found: {repo}")
    record = asyncio.run(
        run_reproduce(
            local_sandbox(repo, sandbox), timeout_s=timeout, memory_mb=memory_mb, network=network
        )
    )
    state = "timed out" if record.timed_out else f"exit code {record.returncode}"
    out.print(
        f"reproduce.sh: {state} after {record.duration_s:.1f}s; "
        f"{len(record.produced_files)} files created or changed; log: {repo / 'reproduce.log'}"
    )
    if record.timed_out or record.returncode != 0:
        raise typer.Exit(1)


def bench(
    papers_dir: Annotated[Path, typer.Argument(help="Folder of <paper_id>/ folders.")],
    split: Annotated[
        Path | None, typer.Option(help="A split file (one paper id per line) to run.")
    ] = None,
    papers: Annotated[str | None, typer.Option(help="Comma-separated paper ids to run.")] = None,
    model: ModelOpt = None,
    judge_model: Annotated[
        str | None, typer.Option(help="Model for grading (default: --model).")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Default runs/bench-<folder name>.")
    ] = None,
    code_dev: CodeDev = False,
    concurrency: Concurrency = 4,
    reproduce_timeout: Annotated[float, typer.Option(min=1, help="Seconds per paper.")] = 3600.0,
    max_cost: Annotated[float | None, typer.Option(help="USD cap per paper generation.")] = None,
    quiet: Quiet = False,
    as_json: JsonOut = False,
) -> None:
    """Generate, reproduce and grade every paper; resumable (rerun the same command)."""
    from repowright.config import Settings
    from repowright.grading.judge import JudgeConfig
    from repowright.grading.papers import Selection, discover
    from repowright.models.registry import open_model
    from repowright.pipeline.bench import BenchConfig, run_bench

    settings = Settings.load({"model": model, "max_cost": max_cost})
    ids = [p.strip() for p in (papers or "").split(",") if p.strip()]
    selected = discover(papers_dir, Selection(split=split, ids=ids))
    progress: Progress = QuietProgress() if quiet or as_json else ConsoleProgress()
    config = BenchConfig(
        out=out_dir or Path("runs") / f"bench-{slugify(papers_dir.resolve().name)}",
        settings=settings,
        sandbox_factory=functools.partial(local_sandbox, backend=settings.sandbox),
        judge=JudgeConfig(concurrency=concurrency),
        code_dev=code_dev,
        reproduce_timeout_s=reproduce_timeout,
    )
    opener = functools.partial(
        open_model,
        _spec(settings, progress, judge_model),
        timeout_s=settings.request_timeout_s,
        reasoning_effort=settings.reasoning_effort,
    )
    result = asyncio.run(run_bench(selected, opener, config, progress))
    if as_json:
        typer.echo(result.model_dump_json())
    elif not quiet:
        _print_bench(result)
        out.print(f"Results: {config.out / 'bench.json'}")
    if any(r.status != "graded" for r in result.papers):
        raise typer.Exit(1)


def _print_bench(result: BenchResult) -> None:
    table = Table(title="Benchmark", title_justify="left")
    for col in ("paper", "status", "score", "cost", "generate", "reproduce", "grade"):
        table.add_column(col, justify="left" if col in ("paper", "status") else "right")
    for r in result.papers:
        status = r.status if r.status == "graded" else f"[red]{escape(r.error or r.status)}[/]"
        table.add_row(
            escape(r.paper_id),
            status,
            "-" if r.score is None else f"{r.score:.1%}",
            f"${r.cost_usd:.4f}"
            + (f" (+${r.cached_cost_usd:.4f} cached)" if r.cached_cost_usd else ""),
            f"{r.generate_s:.1f}s",
            f"{r.reproduce_s:.1f}s" if r.reproduced else "-",
            f"{r.grade_s:.1f}s",
        )
    out.print(table)
    mean = "-" if result.mean_score is None else f"{result.mean_score:.1%}"
    out.print(f"mean score {mean}, total cost ${result.total_cost_usd:.4f}")


def register(app: typer.Typer) -> None:
    """Add `grade`, `bench` and `reproduce` to the CLI."""
    for command in (grade, bench, reproduce):
        app.command(name=command.__name__)(handle_errors(command))
