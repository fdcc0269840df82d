"""Assemble one file's prompt: its blueprint entry, CodeMem of its direct dependencies, the
planned purposes of its dependents, drift notes, relevant document segments and optional
references. Nothing else from the repository goes in (except in the `full` ablation).

Only direct dependencies: a dependency's real interface already names the types it takes and
returns, and the transitive closure would grow with the repository, which is what CodeMem is
there to prevent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from repowright.artifacts.blueprint import Blueprint, FileSpec
from repowright.artifacts.drift import Drift
from repowright.artifacts.memory import MemoryEntry
from repowright.blueprint.deliverables import is_test_file
from repowright.blueprint.named import commands
from repowright.documents import Document
from repowright.generate.context import FileContext
from repowright.generate.formats import standard_parsers
from repowright.models.base import Message
from repowright.models.tokens import estimate_tokens
from repowright.prompts import chat

SEGMENT_SHARE = 0.35
"""At most this share of the budget is offered to document segments before fitting."""
MAX_DEPENDENTS = 12
"""A hub module (config, utils) lists only this many of its planned users."""
PUBLIC_KINDS = ("function", "class", "constant", "export")
ARRAYS = re.compile(r"\b(?:numpy|pytorch|torch|jax)\b", re.I)
"""A document about array code: its Python files get the array rules (a 1.5B model wrote the
gradient Xᵀ(p − y) as `X.T * (p - y)` and checked labels with `(y == 0 or y == 1).all()`,
and nine rewrites kept both)."""


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


def planned_dependents(bp: Blueprint, spec: FileSpec) -> list[FileSpec]:
    """Planned files that import this one, at most `MAX_DEPENDENTS` (in planned order)."""
    return [other for other in bp.files if spec.path in other.dependencies][:MAX_DEPENDENTS]


def module_name(path: str) -> str:
    """The dotted module a repository `.py` path is imported as ('' for `__main__.py`)."""
    parts = list(PurePosixPath(path).with_suffix("").parts)
    parts = parts[1:] if parts and parts[0] == "src" else parts
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return "" if not parts or parts[-1] == "__main__" else ".".join(parts)


def public_names(entry: MemoryEntry) -> list[str]:
    """The names other files import from a written file: `__all__`, else its public symbols."""
    public = [i.name for i in entry.interface if i.kind in PUBLIC_KINDS]
    names = [n for n in entry.exports or public if "." not in n and not n.startswith("_")]
    return list(dict.fromkeys(names))


def import_line(entry: MemoryEntry) -> str:
    """The exact import statement for a written Python file's public names ('' if none), so a
    file never guesses a module path (`rpn.errors` vs `rpn.RPNError`)."""
    module = module_name(entry.path) if entry.path.endswith(".py") else ""
    names = public_names(entry) if module else []
    return f"from {module} import {', '.join(names)}" if names else ""


_NEXT_SENTENCE = re.compile(r" [A-Z`\"']")


def points(text: str) -> list[str]:
    """A description split into its sentences and `;`-clauses (not inside backticks or
    parentheses): one requirement per line, so a small model checks each one (a whole
    paragraph after a signature lost "input containing a digit raises ValueError")."""
    found, start, depth, code = [], 0, 0, False
    for i, ch in enumerate(text):
        code ^= ch == "`"
        if code:
            continue
        depth += (ch in "([{") - (ch in ")]}")
        after = text[i + 1 : i + 3]  # a sentence ends where the next begins (not "e.g. 0.5")
        ends = ch == ";" or (ch == "." and (not after or _NEXT_SENTENCE.match(after) is not None))
        if depth <= 0 and ends:
            found.append(text[start : i + (ch == ".")].strip())
            start = i + 1
    found.append(text[start:].strip())
    return [p for p in found if p]


def about_arrays(doc: Document | None) -> bool:
    """Whether the document is about array code (its Python files get the array rules)."""
    return doc is not None and bool(ARRAYS.search(doc.full_text()))


def file_kind(path: str) -> str:
    """What sort of file a path is, for the kind-specific rules in its prompt."""
    if path.endswith(".sh"):
        return "shell"
    if path.lower().endswith((".md", ".markdown")):
        return "markdown"
    if not path.endswith(".py"):
        return "other"
    if is_test_file(path):
        return "test"
    return "main" if path.endswith("__main__.py") else "python"


def run_line(path: str) -> str:
    """The shell command that runs a Python file of the repository (for scripts and READMEs)."""
    if is_test_file(path):
        return f"python -m pytest -q {path}"
    if "/" not in path:
        return f"python {path}"
    if path.endswith("/__main__.py"):  # `python -m` runs the package
        return f"python -m {module_name(path.rpartition('/')[0] + '/__init__.py')}"
    return f"python -m {module_name(path)}"


def build_context(inp: PromptInputs) -> FileContext:
    ctx = FileContext()
    if inp.mode == "codemem":
        for path in dict.fromkeys(inp.spec.dependencies):
            if path in inp.memory:
                entry = inp.memory[path]
                ctx.add("dependencies", path, entry, entry.model_dump_json())
        # Always the plan, never whether it is written yet: prompts must not depend on
        # timing, or a resumed run would miss the response cache.
        for other in planned_dependents(inp.blueprint, inp.spec):
            ctx.add("dependents", other.path, other, other.model_dump_json())
        for path, source in inp.sources.items():  # a test file's code under test
            ctx.add("dependencies", path, (path, source), source)
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
    deps = [e for e in ctx.values("dependencies") if isinstance(e, MemoryEntry)]
    dep_paths = {e.path for e in deps}
    kind = file_kind(inp.spec.path)
    runs = kind in ("shell", "markdown")
    messages = chat(
        "generate_system",
        "generate_user",
        blueprint=inp.blueprint,
        spec=inp.spec,
        points={sym.name: points(sym.description) for sym in inp.spec.interface},
        deps=deps,
        kind=kind,
        imports={e.path: "" if runs else import_line(e) for e in deps},
        runs={e.path: run_line(e.path) if runs and e.path.endswith(".py") else "" for e in deps},
        sources=[v for v in ctx.values("dependencies") if isinstance(v, tuple)],
        dependents=ctx.values("dependents"),
        drift=[d for p, d in inp.drift.items() if p in dep_paths and d.any],
        segments=ctx.values("segments"),
        references=(ctx.values("references") or [""])[0],
        commands=commands(inp.doc.full_text(), inp.spec.path, module_name(inp.spec.path))
        if inp.doc is not None and kind == "python"  # a __main__.py calls another file's CLI
        else [],
        retry_note=inp.retry_note,
        arrays=about_arrays(inp.doc),
        formats=standard_parsers(inp.doc),
    )
    return messages, ctx
