"""Pipeline step `ingest`: input/ -> document.json."""

from __future__ import annotations

from typing import Any

from repowright.documents import load_document
from repowright.runs.context import RunContext


async def run_ingest(ctx: RunContext) -> dict[str, Any]:
    doc = load_document(ctx.run.input_path())
    ctx.run.write_document(doc)
    return {
        "title": doc.title,
        "kind": doc.kind,
        "sections": len(doc.sections),
        "segments": len(doc.segments),
        "references": len(doc.references),
        "tokens": doc.total_tokens(),
    }
