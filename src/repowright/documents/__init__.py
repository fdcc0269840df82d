"""Document ingestion: papers and specs (PDF, Markdown, LaTeX, HTML, text) into a `Document`.

Every reader produces one markdown-like intermediate text that `build_document` turns into a
section tree with whole blocks, segments and references; `Document.select` then retrieves
the few segments an agent needs within a token budget.
"""

from __future__ import annotations

import os
from pathlib import Path

from repowright.documents.schema import Block, Document, Reference, Section, Segment
from repowright.errors import InputError

__all__ = [
    "Block", "Document", "Reference", "Section", "Segment", "load_document", "load_text",
]  # fmt: skip

MAX_BYTES_ENV = "REPOWRIGHT_MAX_INPUT_MB"
DEFAULT_MAX_MB = 50
MARKDOWN = {".md", ".markdown", ".mmd"}
TEXT = {".txt", ".text", ""}
HTML = {".html", ".htm", ".xhtml"}
LATEX = {".tex", ".zip"}
SUPPORTED = sorted(MARKDOWN | TEXT | HTML | LATEX | {".pdf"} - {""})


def _check_size(path: Path) -> None:
    limit = float(os.environ.get(MAX_BYTES_ENV, DEFAULT_MAX_MB)) * 2**20
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"input is empty: {path}")
    if size > limit:
        raise InputError(
            f"{path} is {size / 2**20:.0f} MB, over the {limit / 2**20:.0f} MB limit "
            f"(raise it with {MAX_BYTES_ENV})"
        )


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise InputError(f"{path} looks binary, not a text document")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        if sum(not (c.isprintable() or c.isspace()) for c in text[:4096]) > 40:
            raise InputError(f"{path} looks binary, not a text document") from None
    if not text.strip():
        raise InputError(f"input is empty: {path}")
    return text


def check_input(path: Path) -> None:
    """The checks that need no parsing (exists, a supported type, not too big): done before a
    run directory is made, so a bad input leaves nothing behind and is never copied."""
    if not path.exists():
        raise InputError(f"input not found: {path}")
    if path.is_dir():
        return
    suffix = path.suffix.lower()
    if suffix not in (".pdf", *LATEX, *HTML, *MARKDOWN, *TEXT):
        raise InputError(
            f"unsupported input type {suffix!r} for {path.name}; use one of {', '.join(SUPPORTED)}"
        )
    _check_size(path)


def load_document(path: Path) -> Document:
    """Read any supported input; bad input raises `InputError` with one clear line."""
    check_input(path)
    suffix = path.suffix.lower()
    if path.is_dir():
        from repowright.documents.latex import latex_to_markdown

        text, title = latex_to_markdown(path)
        return _built(text, path, "latex", title)
    if suffix == ".pdf":
        from repowright.documents.pdf import pdf_to_markdown

        text, title, _pages = pdf_to_markdown(path)
        return _built(text, path, "pdf", title)
    if suffix in LATEX:
        from repowright.documents.latex import latex_to_markdown

        text, title = latex_to_markdown(path)
        return _built(text, path, "latex", title)
    if suffix in HTML:
        from repowright.documents.html import html_to_markdown

        text, title = html_to_markdown(_read_text(path))
        return _built(text, path, "html", title)
    kind = "markdown" if suffix in MARKDOWN else "text"  # check_input allows nothing else
    return _built(_read_text(path), path, kind, "")


def _built(text: str, path: Path, kind: str, title: str) -> Document:
    from repowright.documents.build import build_document  # bm25s + numpy: not for --help

    doc = build_document(text, source=str(path), kind=kind, title=title)
    if not doc.segments:
        raise InputError(f"no text could be extracted from {path}")
    return doc


def load_text(text: str, source: str = "spec") -> Document:
    """A plain-language spec given on the command line."""
    if not text.strip():
        raise InputError("the spec is empty")
    from repowright.documents.build import build_document

    return build_document(text, source=source, kind="spec")
