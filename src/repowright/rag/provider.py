"""The hook the generator calls: references for a file, decided by the gate and logged."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.blueprint import FileSpec
from repowright.config import Settings
from repowright.rag.embed import SentenceTransformerEmbedder
from repowright.rag.gate import RagDecided, decide
from repowright.rag.index import default_index_dir, find_index
from repowright.rag.retrieve import Retriever
from repowright.runs.context import ReferenceProvider
from repowright.runs.store import EventLog


def make_reference_provider(
    settings: Settings, log: EventLog, index_dir: Path | None = None
) -> ReferenceProvider:
    """Load the configured indexes once; every decision is appended to the event log."""
    indexes = [find_index(ref, index_dir or default_index_dir()) for ref in settings.rag_indexes]
    embedder = SentenceTransformerEmbedder() if indexes and settings.rag_embeddings else None
    retriever = Retriever(indexes, embedder) if indexes else None

    async def provide(spec: FileSpec, token_budget: int) -> str | None:
        decision = decide(spec, retriever, settings.rag, token_budget)
        log.append(
            RagDecided(
                path=spec.path,
                inject=decision.inject,
                reason=decision.reason,
                confidence=decision.confidence,
                snippets=[f"{s.repo}:{s.path}:{s.symbol}" for s in decision.snippets],
            )
        )
        return decision.render() or None

    return provide
