"""Document ingestion: papers and specs into a structured, indexed `Document`."""

from __future__ import annotations

import re
from pathlib import Path

from repowright.documents.schema import Document, Section, Segment
from repowright.errors import InputError
from repowright.models.tokens import estimate_tokens

__all__ = ["Document", "Section", "Segment", "load_document", "load_text"]

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


def load_document(path: Path) -> Document:
    """Read a Markdown or text file (thin foundation reader)."""
    if not path.is_file():
        raise InputError(f"input not found: {path}")
    if path.suffix.lower() not in {".md", ".markdown", ".txt", ""}:
        raise InputError(f"unsupported input type {path.suffix!r} (use .md or .txt)")
    text = path.read_text(encoding="utf-8", errors="replace")
    if not text.strip():
        raise InputError(f"input is empty: {path}")
    return load_text(text, source=str(path))


def load_text(text: str, source: str = "spec") -> Document:
    sections: list[Section] = []
    segments: list[Segment] = []
    title, current, buf = "", "Preamble", []

    def flush() -> None:
        body = "\n".join(buf).strip()
        if body:
            sid = f"s{len(sections)}"
            sections.append(Section(id=sid, title=current))
            segments.append(
                Segment(
                    id=sid, section_id=sid, title=current, text=body, tokens=estimate_tokens(body)
                )
            )

    for line in text.splitlines():
        match = _HEADING.match(line)
        if match:
            flush()
            buf = []
            current = match.group(2)
            title = title or current
        else:
            buf.append(line)
    flush()
    return Document(title=title or source, source=source, sections=sections, segments=segments)
