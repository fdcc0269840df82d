"""Pipeline step `ingest`: input/ -> document.json."""

from __future__ import annotations

from typing import Any

from repowright.documents import load_document
from repowright.pipeline.context import RunContext


async def run_ingest(ctx: RunContext) -> dict[str, Any]:
    inputs = sorted(p for p in (ctx.run.root / "input").iterdir() if p.is_file())
    doc = load_document(inputs[0])
    ctx.run.write_json("document.json", doc)
    return {"title": doc.title, "segments": len(doc.segments), "tokens": doc.total_tokens()}
