"""`repowright doctor`: one line per check; non-zero exit when a required check fails."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from repowright.cli.common import handle_errors

out = Console(highlight=False, soft_wrap=True)
STYLE = {"ok": "green", "warn": "yellow", "fail": "bold red"}


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def doctor(
        runs_dir: Annotated[
            Path, typer.Option("--runs-dir", help="Where runs will be written (disk check).")
        ] = Path("runs"),
        as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
    ) -> None:
        """Check this machine: Python, the local model runtime, keys, sandbox, disk, prices."""
        from repowright.doctor.checks import run_checks

        checks = run_checks(runs_dir)
        if as_json:
            typer.echo(json.dumps({"checks": [c.model_dump() for c in checks]}))
        else:
            width = max(len(c.name) for c in checks)
            for c in checks:
                out.print(
                    f"[{STYLE[c.status]}]{c.status:<4}[/]  {c.name:<{width}}  {escape(c.detail)}"
                )
        if any(c.status == "fail" for c in checks):
            raise typer.Exit(1)
