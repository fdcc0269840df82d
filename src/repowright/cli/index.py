"""`repowright index`: build or refresh reference indexes for CodeRAG."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from repowright.cli.common import handle_errors
from repowright.errors import InputError
from repowright.fsio import slugify

if TYPE_CHECKING:
    from repowright.rag.index import RepoIndex

URL_PREFIXES = ("http://", "https://", "git@", "ssh://", "git://")


async def _summarize(index: RepoIndex, target: Path, spec: str) -> int:
    """Model summaries; every call is logged with tokens/cost in the index's events.jsonl."""
    from repowright.config import Settings
    from repowright.models.metered import metered_stack
    from repowright.models.registry import open_model
    from repowright.rag.summaries import summarize_index
    from repowright.runs.store import EventLog

    settings = Settings.load({"model": spec})
    async with open_model(
        spec, timeout_s=settings.request_timeout_s, reasoning_effort=settings.reasoning_effort
    ) as raw:
        log = EventLog(target / index.name / "events.jsonl")
        metered = metered_stack(raw, log, max_retries=settings.max_retries)
        return await summarize_index(index, target, metered)


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def index(
        sources: Annotated[list[str], typer.Argument(help="Local folders or git URLs.")],
        index_dir: Annotated[
            Path | None, typer.Option(help="Where indexes live (default ~/.cache/repowright/rag).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print stats as JSON.")] = False,
        model: Annotated[
            str | None,
            typer.Option(help="Also write file summaries with this model (cached by hash)."),
        ] = None,
    ) -> None:
        """Index reference repositories (symbols, docs, imports) for CodeRAG; incremental."""
        from repowright.rag.index import build_index, clone, default_index_dir

        target = index_dir or default_index_dir()
        if target.exists() and not target.is_dir():
            raise InputError(f"--index-dir {target} is a file; name a folder")
        console = Console(stderr=True, highlight=False)
        results = []
        for source in sources:
            with tempfile.TemporaryDirectory() as tmp:
                if source.startswith(URL_PREFIXES):
                    name = slugify(source.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1])
                    root = clone(source, Path(tmp) / name)
                else:
                    root = Path(source)
                    if not root.is_dir():
                        raise InputError(f"not a folder or git URL: {source}")
                    name = None
                count = 0

                def tick(path: str) -> None:
                    nonlocal count
                    count += 1
                    if not as_json and count % 200 == 0:
                        console.print(f"  {count} files parsed… ({path})")

                built, stats = build_index(root, target, name=name, on_file=tick)
                if model:
                    stats["summarized"] = asyncio.run(_summarize(built, target, model))
            symbols = sum(len(f.symbols) for f in built.files)
            results.append(
                {"name": built.name, "files": len(built.files), "symbols": symbols, **stats}
            )
            if not as_json:
                console.print(
                    f"[bold]{built.name}[/]: {len(built.files)} files, {symbols} symbols "
                    f"({stats['indexed']} parsed, {stats['reused']} unchanged, "
                    f"{stats['skipped']} skipped) -> {target / built.name}"
                )
        if as_json:
            typer.echo(json.dumps(results))
