"""Assemble one file's prompt: its blueprint entry, CodeMem of its dependencies, the planned
interfaces of its dependents, drift notes, relevant document segments and optional references.
Nothing else from the repository goes in (except in the `full` ablation)."""

from __future__ import annotations

from dataclasses import dataclass

from repowright.blueprint.schema import Blueprint, FileSpec
from repowright.documents import Document
from repowright.generate.context import FileContext
from repowright.generate.drift import Drift
from repowright.memory.schema import MemoryEntry
from repowright.models.base import Message
from repowright.models.tokens import estimate_tokens
from repowright.prompts import chat

SEGMENT_SHARE = 0.35
"""At most this share of the budget is offered to document segments before fitting."""


@dataclass
class PromptInputs:
    blueprint: Blueprint
    spec: FileSpec
    mode: str
    memory: dict[str, MemoryEntry]
    sources: dict[str, str]
    drift: dict[str, Drift]
    doc: Document | None
    references: str | None
    budget: int
    retry_note: str = ""


def _dependency_order(bp: Blueprint, spec: FileSpec) -> list[str]:
    """Direct dependencies first (in planned order), then their dependencies, breadth-first."""
    seen: list[str] = []
    frontier = list(spec.dependencies)
    while frontier:
        path = frontier.pop(0)
        if path in seen or path == spec.path:
            continue
        seen.append(path)
        try:
            frontier.extend(bp.file(path).dependencies)
        except KeyError:
            continue
    return seen


def build_context(inp: PromptInputs) -> FileContext:
    ctx = FileContext()
    if inp.mode == "codemem":
        for path in _dependency_order(inp.blueprint, inp.spec):
            if path in inp.memory:
                entry = inp.memory[path]
                ctx.add("dependencies", path, entry, entry.model_dump_json())
        for other in inp.blueprint.files:
            # Always the plan, never whether it is written yet: prompts must not depend on
            # timing, or a resumed run would miss the response cache.
            if inp.spec.path in other.dependencies:
                ctx.add("dependents", other.path, other, other.model_dump_json())
    elif inp.mode == "full":
        for path, source in inp.sources.items():
            if path != inp.spec.path:
                ctx.add("dependencies", path, (path, source), source)
    if inp.references:
        ctx.add("references", "rag", inp.references, inp.references)
    if inp.doc is not None:
        query = " ".join([inp.spec.purpose, *inp.spec.sections])
        for seg in inp.doc.select(query, int(inp.budget * SEGMENT_SHARE)):
            ctx.add("segments", seg.id, seg, seg.text)
    return ctx


def build_messages(inp: PromptInputs) -> tuple[list[Message], FileContext]:
    """The chat messages for one file, and the fitted context (with what was dropped)."""
    ctx = build_context(inp)
    own = estimate_tokens(inp.spec.model_dump_json()) + estimate_tokens(inp.blueprint.summary)
    ctx.fit(max(0, inp.budget - own))
    dep_paths = {e.path for e in ctx.values("dependencies") if isinstance(e, MemoryEntry)}
    messages = chat(
        "generate_system",
        "generate_user",
        blueprint=inp.blueprint,
        spec=inp.spec,
        deps=[e for e in ctx.values("dependencies") if isinstance(e, MemoryEntry)],
        sources=[v for v in ctx.values("dependencies") if isinstance(v, tuple)],
        dependents=ctx.values("dependents"),
        drift=[d for p, d in inp.drift.items() if p in dep_paths and d.any],
        segments=ctx.values("segments"),
        references=(ctx.values("references") or [""])[0],
        retry_note=inp.retry_note,
    )
    return messages, ctx
