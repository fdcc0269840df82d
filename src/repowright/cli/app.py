"""The `repowright` command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from repowright import __version__
from repowright.cli.common import err, handle_errors
from repowright.errors import RepowrightError
from repowright.runs.progress import ConsoleProgress, JsonProgress, Progress, QuietProgress

# The pipeline (and the model SDKs behind it) is imported by the commands that run it, so
# `repowright --help` and quick commands start fast (benchmarks/cli_startup.py).

app = typer.Typer(
    name="repowright",
    help="Turn a research paper or a plain-language spec into a complete, verified repository.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)
out = Console(highlight=False)

ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model", "-m", help="Model spec, e.g. openai:gpt-4.1, anthropic:claude-sonnet-4-5, local."
    ),
]
MaxCost = Annotated[float | None, typer.Option(help="Stop cleanly past this many USD.")]
MaxTokens = Annotated[int | None, typer.Option(help="Stop cleanly past this many tokens.")]
MaxCalls = Annotated[int | None, typer.Option(help="Stop cleanly past this many model calls.")]
Price = Annotated[
    str | None,
    typer.Option(help="IN,OUT: USD per million prompt/completion tokens, for an unpriced model."),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]
JsonOut = Annotated[bool, typer.Option("--json", help="Machine-readable output.")]
SandboxOpt = Annotated[
    str | None,
    typer.Option(
        help="Isolation for generated code: auto (default: the strongest here), bwrap, "
        "namespaces, docker or none."
    ),
]


def _progress(quiet: bool, as_json: bool) -> Progress:
    if as_json:
        return JsonProgress()
    return QuietProgress() if quiet else ConsoleProgress()


def _finish(outcome_status: str, run_dir: Path, as_json: bool, quiet: bool) -> None:
    from repowright.pipeline.session import run_state
    from repowright.runs.store import RunDir

    state = run_state(RunDir.open(run_dir))
    if as_json:
        typer.echo(json.dumps(state))
    elif not quiet:
        _print_state(state)
        if outcome_status == "blueprint_ready":
            out.print(
                f"Blueprint ready for review: {run_dir}/blueprint.yaml — edit it, then "
                f"`repowright resume {run_dir}`"
            )
        else:
            out.print(f"Report: {run_dir}/report.md")
    if outcome_status == "failed":
        raise typer.Exit(1)


def _print_state(state: dict[str, Any]) -> None:
    table = Table(show_header=False, box=None)
    for key, value in state.items():
        if key in ("reason", "phase") and not value:
            continue
        table.add_row(f"[bold]{key}[/]", str(value))
    out.print(table)


@app.command()
@handle_errors
def run(
    input: Annotated[
        Path | None, typer.Argument(help="Paper or spec file (PDF, Markdown, LaTeX, HTML, text).")
    ] = None,
    spec: Annotated[
        str | None, typer.Option(help="A plain-language spec instead of a file.")
    ] = None,
    model: ModelOpt = None,
    planner_model: Annotated[
        str | None, typer.Option(help="Model of the blueprint agents (default: --model).")
    ] = None,
    coder_model: Annotated[
        str | None, typer.Option(help="Model that writes the files (default: --model).")
    ] = None,
    repair_model: Annotated[
        str | None, typer.Option(help="Model of the repair loop (default: --model).")
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", "-o", help="Run directory (default runs/<time>-<name>).")
    ] = None,
    max_cost: MaxCost = None,
    max_tokens: MaxTokens = None,
    max_calls: MaxCalls = None,
    price: Price = None,
    jobs: Annotated[int | None, typer.Option(help="Files generated in parallel.")] = None,
    context_budget: Annotated[
        int | None, typer.Option(help="Hard token budget of each file's generation prompt.")
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(help="Context about other files: codemem (default), full or none."),
    ] = None,
    rag: Annotated[
        str | None, typer.Option(help="Reference injection: auto (default), always or off.")
    ] = None,
    rag_index: Annotated[
        list[str] | None,
        typer.Option(help="A reference index (name or folder) for CodeRAG; repeatable."),
    ] = None,
    fix_rounds: Annotated[
        int | None,
        typer.Option(min=0, max=20, help="Repair rounds after failed verification (0: none)."),
    ] = None,
    replan_rounds: Annotated[
        int | None,
        typer.Option(
            min=0,
            max=5,
            help="Blueprint revisions when failures left after repair point at the plan "
            "(default 1; 0: none).",
        ),
    ] = None,
    repair: Annotated[
        str | None,
        typer.Option(help="Repair of short files: whole (rewrite, default) or edits."),
    ] = None,
    review: Annotated[
        bool | None, typer.Option("--review", help="Stop after the blueprint for editing.")
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not reuse responses.")] = False,
    sandbox: SandboxOpt = None,
    quiet: Quiet = False,
    as_json: JsonOut = False,
) -> None:
    """Generate and verify a repository from INPUT (or --spec). Exit 0 only if it verified."""
    from repowright.config import Settings
    from repowright.pipeline.session import create_run, drive

    settings = Settings.load(
        {
            "model": model,
            "planner_model": planner_model,
            "coder_model": coder_model,
            "repair_model": repair_model,
            "max_cost": max_cost,
            "max_tokens": max_tokens,
            "max_calls": max_calls,
            "price": price,
            "jobs": jobs,
            "context_budget": context_budget,
            "memory": memory,
            "rag": rag,
            "rag_indexes": rag_index,
            "fix_rounds": fix_rounds,
            "replan_rounds": replan_rounds,
            "repair": repair,
            "review": review,
            "cache": False if no_cache else None,
            "sandbox": sandbox,
        }
    )
    run_dir = create_run(input, spec, settings, out_dir)
    progress = _progress(quiet, as_json)
    progress.info(f"run directory: {run_dir.root}")
    outcome = _guarded(run_dir.root, lambda: drive(run_dir, settings, progress), fresh=True)
    _finish(outcome.status, outcome.run_dir, as_json, quiet)


@app.command()
@handle_errors
def resume(
    run_dir: Annotated[Path, typer.Argument(help="A run directory made by `repowright run`.")],
    max_cost: MaxCost = None,
    max_tokens: MaxTokens = None,
    max_calls: MaxCalls = None,
    price: Price = None,
    sandbox: SandboxOpt = None,
    quiet: Quiet = False,
    as_json: JsonOut = False,
) -> None:
    """Continue a run from its last completed step (after a crash, Ctrl-C, budget or review)."""
    from repowright.pipeline.session import drive, load_settings
    from repowright.runs.store import RunDir

    run = RunDir.open(run_dir)
    settings = load_settings(
        run,
        {
            "max_cost": max_cost,
            "max_tokens": max_tokens,
            "max_calls": max_calls,
            "price": price,
            "sandbox": sandbox,
        },
    )
    progress = _progress(quiet, as_json)
    outcome = _guarded(run.root, lambda: drive(run, settings, progress))
    _finish(outcome.status, outcome.run_dir, as_json, quiet)


@app.command()
@handle_errors
def status(
    run_dir: Annotated[Path, typer.Argument(help="A run directory.")],
    as_json: JsonOut = False,
) -> None:
    """Show a run's phase, files done, tokens and cost."""
    from repowright.pipeline.session import run_state
    from repowright.runs.store import RunDir

    state = run_state(RunDir.open(run_dir))
    if as_json:
        typer.echo(json.dumps(state))
    else:
        _print_state(state)


@app.command()
@handle_errors
def version() -> None:
    """Print the version."""
    typer.echo(__version__)


def _guarded(run_dir: Path, make: Any, fresh: bool = False) -> Any:
    """Run the coroutine; on Ctrl-C or a stop, say how to resume instead of a traceback.

    A new run (`fresh`) that fails before any step or model call (a model that cannot be
    opened, say) leaves no directory behind: resuming it would only fail the same way."""
    import asyncio

    try:
        return asyncio.run(make())
    except KeyboardInterrupt:
        err.print(f"interrupted; nothing done is lost. Continue: repowright resume {run_dir}")
        raise typer.Exit(130) from None
    except RepowrightError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", emoji=False)
        from repowright.pipeline.session import has_progress
        from repowright.runs.store import RunDir

        if fresh and not has_progress(RunDir(run_dir)):
            shutil.rmtree(run_dir, ignore_errors=True)
        else:
            err.print(f"run directory: {run_dir} (continue with: repowright resume {run_dir})")
        raise typer.Exit(exc.exit_code) from None


COMMAND_MODULES: list[str] = ["grade", "rubric", "ingest", "index", "doctor", "mcp"]


def _register_all() -> None:
    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"repowright.cli.{name}").register(app)


_register_all()


def main() -> None:
    app()
