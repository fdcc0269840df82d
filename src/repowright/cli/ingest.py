"""`repowright ingest`: parse a document, write document.json, show its outline."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.tree import Tree

from repowright.cli.common import handle_errors
from repowright.fsio import atomic_write

if TYPE_CHECKING:
    from repowright.documents import Document


def outline(doc: Document) -> Tree:
    tree = Tree(f"[bold]{doc.title}[/] ({doc.kind}, {doc.total_tokens()} tokens)")
    nodes: dict[str, Tree] = {}
    for sec in doc.sections:
        label = f"{sec.title} [dim]{sec.tokens} tok{' · appendix' if sec.appendix else ''}[/]"
        parent = nodes.get(sec.parent, tree) if sec.parent is not None else tree
        nodes[sec.id] = parent.add(label)
    if doc.references:
        code = sum(1 for r in doc.references if r.code_urls)
        tree.add(f"[dim]{len(doc.references)} references ({code} with code links)[/]")
    return tree


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def ingest(
        input: Annotated[
            Path, typer.Argument(help="PDF, Markdown, LaTeX (file/folder/zip), HTML or text.")
        ],
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Where to write document.json.")
        ] = Path("document.json"),
        as_json: Annotated[
            bool, typer.Option("--json", help="Print the Document as JSON.")
        ] = False,
    ) -> None:
        """Parse INPUT into a structured, indexed document and print its outline."""
        from repowright.documents import load_document

        doc = load_document(input)
        atomic_write(out, doc.model_dump_json(indent=2) + "\n")
        if as_json:
            typer.echo(doc.model_dump_json())
            return
        console = Console(highlight=False)
        console.print(outline(doc))
        console.print(f"wrote {out}")
