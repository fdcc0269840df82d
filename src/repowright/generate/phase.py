"""Pipeline step `generate`: every blueprint file, in dependency order, concurrently where the
graph allows, each a checkpoint; prompts carry CodeMem entries instead of the raw repository.

Artifacts: repo/<files>, memory.jsonl, drift.json; events file_generated,
file_generation_failed, interface_drift.
"""

from __future__ import annotations

import ast
import hashlib
from typing import Any

from repowright.artifacts.blueprint import FileSpec
from repowright.blueprint.deliverables import is_test_file
from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.blueprint.fixes import own_modules
from repowright.blueprint.graph import topological_order
from repowright.code.python import load_memory
from repowright.fsio import atomic_write
from repowright.generate.body import (
    at_most_tests,
    file_body,
    unchecked_setup,
    unusable,
    whole_tests,
    without_unstated_messages,
)
from repowright.generate.contradictions import without_contradicted_raises
from repowright.generate.drift import detect_drift, stated_changes
from repowright.generate.events import FileGenerated, FileGenerationFailed, InterfaceDrift
from repowright.generate.examples import examples_source
from repowright.generate.prompt import PromptInputs, build_messages
from repowright.generate.reexport import reexport_source
from repowright.generate.schedule import run_dag
from repowright.generate.shared import import_shared
from repowright.generate.tidy import tidy
from repowright.memory.store import MEMORY_FILE, append_entry, entry_for
from repowright.memory.stubs import stub_functions
from repowright.models.base import ModelRequest
from repowright.runs.context import RunContext

MAX_ATTEMPTS = 3
RETRY_TEMPERATURE = 0.4
TEST_MAX_TOKENS = 1280
"""Eight short tests take 300-650 tokens; a small model that loops in a test file (the same
`pytest.raises` block, a list of ever longer cases) runs to the limit, 300 s for 2048 tokens
on 2 cores. A cut reply keeps its complete tests (`whole_tests`) or is asked again."""
RETRY_TESTS = (
    "Write the complete file again: up to eight short test functions, one for each behaviour "
    "the document states, each with a few small cases (never a long list of cases)."
)
"""A test file is cut off when the model lists cases without end (rpn: one parametrize list
of ever longer expressions); asked only to be concise, it wrote a single test."""
REFERENCE_SHARE = 0.2


def unfinished(path: str, text: str) -> str:
    """Functions the file declares without code ('' when none, or not Python that parses)."""
    if not path.endswith(".py"):
        return ""
    try:
        stubs = stub_functions(ast.parse(text))
    except SyntaxError:
        return ""
    if not stubs:
        return ""
    names = ", ".join(name for name, _ in stubs[:5])
    return f"{names} {'has' if len(stubs) == 1 else 'have'} no implementation"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


async def run_generate(ctx: RunContext, targets: frozenset[str] | None = None) -> dict[str, Any]:
    """Write every planned file not yet written; with `targets` (re-planning), only those,
    keeping every other file as it is now."""
    run, settings = ctx.run, ctx.settings
    bp = run.blueprint()
    project_modules = frozenset(own_modules(bp))
    doc = run.document()
    stated = doc.full_text() if doc is not None else ""
    order = [path for level in topological_order(bp) for path in level]
    memory = load_memory(run.path(MEMORY_FILE))
    # Recomputed from the memory log, not read from drift.json: a run killed mid-step never
    # wrote that file, and a prompt missing a drift note would miss the response cache.
    known = {f.path: f for f in bp.files}
    drift = {p: d for p, e in memory.items() if p in known and (d := detect_drift(known[p], e)).any}
    generated = {e.path: e.sha256 for e in run.events if isinstance(e, FileGenerated)}
    done = {
        p
        for p, sha in generated.items()
        if (run.repo / p).is_file() and _sha((run.repo / p).read_text(encoding="utf-8")) == sha
    }
    if targets is not None:
        done = {p for p in order if p not in targets} | (done & targets)
    failed: list[str] = []
    label = "generate" if targets is None else "regenerate"
    ctx.progress.phase(label, len(order) if targets is None else len(targets))

    async def generate(path: str) -> None:
        spec = bp.file(path)
        own = reexport_source(spec, memory)
        if path == EXAMPLES_PATH and doc is not None:
            own = examples_source(bp, stated)
        references = None
        if ctx.reference_provider is not None and own is None:
            references = await ctx.reference_provider(
                spec, int(settings.context_budget * REFERENCE_SHARE)
            )
        # Full mode shows every written file; CodeMem shows a test file the code it tests
        # (tests written from signatures alone guess return values and output formats).
        shown = memory if settings.memory == "full" else []
        if settings.memory == "codemem" and is_test_file(path):
            shown = [p for p in spec.dependencies if p in memory and p.endswith(".py")]
        sources = {
            p: (run.repo / p).read_text(encoding="utf-8") for p in shown if (run.repo / p).is_file()
        }
        note, text, problem, attempts, prompt_tokens, dropped = "", own or "", "", 0, 0, []
        while own is None and attempts < MAX_ATTEMPTS:
            attempts += 1
            messages, fitted = build_messages(
                PromptInputs(
                    blueprint=bp,
                    spec=spec,
                    mode=settings.memory,
                    memory=memory,
                    sources=sources,
                    drift=drift,
                    doc=doc,
                    references=references,
                    budget=settings.context_budget,
                    retry_note=note,
                )
            )
            # A retry samples (the greedy reply that looped until the token limit would loop
            # again, and an identical request would only be answered from the cache).
            temperature = 0.0 if attempts == 1 else RETRY_TEMPERATURE * (attempts - 1)
            reply = await ctx.model_for("coder").complete(
                ModelRequest(
                    messages=messages,
                    temperature=temperature,
                    max_tokens=TEST_MAX_TOKENS if is_test_file(path) else None,
                    tag=f"generate:{path}",
                )
            )
            prompt_tokens, dropped = reply.usage.prompt_tokens, fitted.dropped
            text = tidy(path, file_body(path, reply.text), project_modules)
            text = import_shared(path, text, memory, spec.dependencies)
            problem = unusable(path, text, reply.finish_reason)
            if problem and is_test_file(path) and (trimmed := whole_tests(text)):
                text, problem = trimmed, ""
            if is_test_file(path):
                text = without_contradicted_raises(at_most_tests(text))
                if doc is not None:
                    text = without_unstated_messages(text, stated)
            # A stub, a changed stated signature or tests checking nothing they set up are
            # asked again, but the last try is kept (verification reports the first two).
            note = _retry_note(spec, text, problem, stated)
            if not problem and (not note or attempts == MAX_ATTEMPTS):
                break
        atomic_write(run.repo / path, text)
        entry = entry_for(run.repo, path, spec.purpose)
        memory[path] = entry
        append_entry(run.path(MEMORY_FILE), entry)
        found = detect_drift(spec, entry)
        drift.pop(path, None)
        if found.any:
            drift[path] = found
            run.events.append(
                InterfaceDrift(path=path, missing=found.missing, changed=found.changed)
            )
        if problem:
            failed.append(path)
            run.events.append(FileGenerationFailed(path=path, reason=problem))
        else:
            run.events.append(
                FileGenerated(
                    path=path,
                    sha256=_sha(text),
                    attempts=attempts,
                    prompt_tokens=prompt_tokens,
                    dropped=dropped,
                )
            )
        how = f" (unusable: {problem})" if problem else " (re-exports only)" if own else ""
        ctx.progress.advance(label, path + how)

    try:
        deps = {f.path: list(f.dependencies) for f in bp.files}
        await run_dag(order, deps, generate, jobs=settings.jobs, done=done)
    finally:
        run.write_drift(list(drift.values()))
    return {
        "files": len(order),
        "generated": len(order) - len(done) - len(failed),
        "reused": len(done),
        "failed": failed,
        "drift": sorted(drift),
    }


def _retry_note(spec: FileSpec, text: str, problem: str, document: str) -> str:
    """Why the reply for `spec` is asked for again, told to the model; '' to keep it."""
    path = spec.path
    if problem:
        again = (
            RETRY_TESTS if is_test_file(path) else "Write the complete file again, more concisely."
        )
        return f"Your previous reply for this file was unusable: {problem}. {again}"
    stubbed = unfinished(path, text)
    if changed := [] if stubbed else _stated_changes(spec, text, document):
        return (
            f"Your previous reply defined {'; '.join(changed)}. Write the complete file again "
            "with exactly the document's signature: its users call it so."
        )
    if idle := unchecked_setup(text) if is_test_file(path) else []:
        return (
            f"Your previous reply's tests set values they never check: {'; '.join(idle[:3])}. "
            "Write the complete file again: each test asserts what the call returns equals the "
            "value it expects (`pytest.raises` only for input the document says is rejected)."
        )
    if stubbed:
        return (
            f"Your previous reply left code out: {stubbed} (only a docstring, a comment or "
            "`pass`). Write the complete file again with every function fully implemented."
        )
    return ""


def _stated_changes(spec: FileSpec, text: str, document: str) -> list[str]:
    """What differs from the signatures the document states ([] for a reply that does not
    parse: verification reports that)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    return [said for _, said in stated_changes(spec, tree, document)]


__all__ = ["run_generate", "unusable"]
