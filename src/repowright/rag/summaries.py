"""Model-written file summaries for an index, cached by file hash so re-indexing is free."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from pydantic import BaseModel, Field

from repowright.fsio import atomic_write
from repowright.models.base import Model
from repowright.prompts import chat
from repowright.prompts.structured import complete_structured
from repowright.rag.index import RepoIndex

HEAD_CHARS = 3000


class FileSummary(BaseModel):
    summary: str = Field(description="One or two sentences: what the file is for.", max_length=400)


async def summarize_index(
    index: RepoIndex, index_dir: Path, model: Model, *, concurrency: int = 4
) -> int:
    """Replace deterministic summaries with the model's; returns how many calls were made."""
    folder = index_dir / index.name
    cache_path = folder / "summaries.json"
    cache: dict[str, str] = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    slots = asyncio.Semaphore(concurrency)
    calls = 0

    async def one(i: int) -> None:
        nonlocal calls
        record = index.files[i]
        if record.sha256 not in cache:
            head = (Path(index.root) / record.path).read_text(errors="replace")[:HEAD_CHARS]
            async with slots:
                result = await complete_structured(
                    model,
                    chat("rag_summary_system", "rag_summary_user", record=record, head=head),
                    FileSummary,
                    tag=f"rag_summary:{record.path}",
                )
            cache[record.sha256] = result.summary
            calls += 1
        index.files[i] = record.model_copy(update={"summary": cache[record.sha256]})

    await asyncio.gather(*(one(i) for i in range(len(index.files))))
    atomic_write(cache_path, json.dumps(cache))
    atomic_write(folder / "index.json", index.model_dump_json())
    return calls
