"""Whole-file repair: the model rewrites a short failing file instead of editing it.

A small model asked for SEARCH/REPLACE edits inside JSON mis-copies the lines to search for,
escapes code wrongly, or fixes the line named in the traceback and leaves the bug that caused
it (measured on the e2e benchmark: a 1.5B coder model "proposed no applicable edit" or
repeated the same failure in most repair rounds). Writing a whole short file is what it does
best, so each round picks the files to blame and asks for each one complete, with what it
needs to get it right: the document's relevant parts, the failing tests' code and errors, the
project files it uses, and the code under test when the file is a test. Failing test
functions are written again alone (`verify/retest.py`). When the failures are tests, each
candidate is run at once and the first that makes them pass is kept: a small model's greedy
rewrite repeats its mistake (roman's `from_roman`, rewritten, still accepted "IIII"), so
sampled and fresh candidates, written without the failing code, get their turn.

Whom to blame is `verify/blame.py`; which candidates, in what order, `verify/candidates.py`.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repowright.artifacts.blueprint import Blueprint, FileSpec
from repowright.artifacts.memory import MemoryEntry
from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.code.python import defined_names
from repowright.documents import Document
from repowright.fsio import atomic_write, read_or_empty
from repowright.generate.body import (
    at_most_tests,
    file_body,
    unusable,
    without_unstated_messages,
)
from repowright.generate.contradictions import without_contradicted_raises
from repowright.generate.formats import standard_parsers
from repowright.generate.prompt import about_arrays, import_line
from repowright.generate.shared import import_shared
from repowright.generate.tidy import tidy
from repowright.models.base import Model, ModelRequest
from repowright.prompts import chat
from repowright.verify.candidates import (
    FOCUSED,
    FRESH,
    SEARCH_SAMPLES,
    SEARCHED,
    SHOWN,
    TEMPERATURES,
    candidates,
    probe_nodes,
    reply_limit,
)
from repowright.verify.edits import safe_path
from repowright.verify.retest import (
    checking_tests,
    document_examples,
    failing_functions,
    failing_tests,
    first_line,
    splice_functions,
    string_literals,
    test_node,
    without_functions,
)
from repowright.verify.scoring import (
    EXAMPLE_WEIGHT,
    TestProbe,
    count,
    trades_values,
)

WHOLE_MAX_LINES = 200
"""Files up to this long are rewritten whole; longer ones get SEARCH/REPLACE edits."""
MAX_FILES = 2
"""Files rewritten per round: each is a model call."""
SEGMENT_SHARE = 0.3
UNCHANGED = "the rewritten file is unchanged"
"""The model holds the file right as it is: whoever is blamed next deserves a turn."""
NO_BETTER = "no rewrite made fewer of its tests fail"
"""The candidates were run and none did better than the file as it is, which stays: roman's
fresh rewrite fixed `from_roman` and broke `to_roman`, and keeping it cost the next round."""
TRADES_VALUES = "the rewrite makes a test of a value fail to make only tests of errors pass"
PASS_ON = frozenset({UNCHANGED, NO_BETTER, TRADES_VALUES})


def function_source(path: Path, name: str) -> str:
    """The source of top-level function (or test method) `name` in `path`, decorators
    included, or ''."""
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
        tree = ast.parse(source)
    except (OSError, SyntaxError, ValueError):
        return ""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            lines = source.splitlines()[first_line(node) - 1 : node.end_lineno]
            return "\n".join(lines).strip()
    return ""


def short_enough(repo: Path, path: str) -> bool:
    """Whether `path` exists and is short enough to be rewritten whole."""
    try:
        target = safe_path(repo, path)
    except ValueError:
        return False
    if not target.is_file():
        return False
    return len(target.read_text(encoding="utf-8", errors="replace").splitlines()) <= WHOLE_MAX_LINES


@dataclass
class Rewriter:
    """Asks the model for one file, complete, that fixes its findings."""

    model: Model
    repo: Path
    blueprint: Blueprint | None
    doc: Document | None
    budget_tokens: int
    own: frozenset[str] = frozenset()
    probe: TestProbe | None = None

    async def rewrite(
        self, path: str, found: list[Finding], entries: dict[str, MemoryEntry]
    ) -> str:
        """Rewrite `path`; '' when done, else why no reply was used. A greedy reply that is
        unusable (or the file unchanged) would come back the same: the retry samples. When the
        failures are tests, each usable candidate is run in the sandbox against them: the first
        that passes is kept, else the one with the fewest failures if that is fewer than the
        file as it is has, else the file stays as it is. While a test still fails, code
        functions get `SEARCH_SAMPLES` more focused samples, each with its own seed."""
        target = safe_path(self.repo, path)
        current = target.read_text(encoding="utf-8", errors="replace")
        only = (
            failing_tests(path, current, found)
            if is_test_file(path)
            else failing_functions(path, current, found, self.repo)
            if path.endswith(".py")
            else []
        )
        context = self.context(path, current, found, entries, only)
        why = ""
        run = self.probe
        probe = probe_nodes(self.repo, path, only, found) if run is not None else []
        failed_before = await run(probe) if run is not None and probe else None
        before = count(failed_before)
        best: tuple[float, str] | None = None  # the fewest failures of a candidate, and it
        samples = candidates(path, bool(only)) if probe else [(t, SHOWN) for t in TEMPERATURES]
        focused = any(view == FOCUSED for _, view in samples)
        searched = SEARCH_SAMPLES if focused and 0 < before < math.inf else 0
        held = False  # written without seeing the code, it came back the same: held right
        for n, (temperature, view) in enumerate([*samples, *[SEARCHED] * searched]):
            searching = n >= len(samples)
            if searching and (
                (best is not None and best[0] < EXAMPLE_WEIGHT <= before)
                or (held and before < EXAMPLE_WEIGHT)
            ):
                break
            user = "verify_focus_user" if view == FOCUSED else "verify_rewrite_user"
            messages = chat("verify_rewrite_system", user, **context, fresh=view == FRESH)
            reply = await self.model.complete(
                ModelRequest(
                    messages=messages,
                    temperature=temperature,
                    seed=n - len(samples) if searching else None,
                    max_tokens=reply_limit(context["functions"] if only else current),
                    tag=f"verify_rewrite:{path}",
                )
            )
            text = file_body(path, reply.text)
            if only:
                spliced = splice_functions(current, only, text)
                if spliced is None:
                    why = _parse_error(text) or f"the reply defines none of {', '.join(only)}"
                    continue
                text = spliced
            uses = entries[path].depends_on if path in entries else []
            text = import_shared(path, tidy(path, text, self.own), entries, uses)
            if is_test_file(path):
                text = without_contradicted_raises(at_most_tests(text))
                if self.doc is not None:
                    text = without_unstated_messages(text, self.doc.full_text())
            why = self._problem(path, text, current, reply.finish_reason)
            held = held or (why == UNCHANGED and view != SHOWN)
            if why:
                continue
            atomic_write(target, text)
            if run is None or not probe:
                return ""
            failed = await run(probe)
            failing = count(failed)
            if failing == 0:
                return ""
            if trades_values(self.repo, failed_before, failed):
                why = TRADES_VALUES
                continue
            if best is None or failing < best[0]:
                best = (failing, text)
        if best is None:
            atomic_write(target, current)
            return why
        # a finding no test shows (rle's smoke run, stopped by the error its tests also hit)
        # may be what an equal candidate fixes: without tests to tell, the first one is kept
        kept = best[0] < before or (best[0] == before and not all(map(test_node, found)))
        atomic_write(target, best[1] if kept else current)
        return "" if kept else NO_BETTER

    def _problem(self, path: str, text: str, current: str, finish_reason: str | None) -> str:
        """Why a rewritten file is not used, or ''."""
        if why := unusable(path, text, finish_reason):
            return why
        if path.endswith(".py"):
            if why := _parse_error(text):
                return why
            defined = defined_names(ast.parse(text))
            had = _names(current)
            spec = self._spec(path)
            planned = [s.name for s in (spec.interface if spec else []) if s.kind != "method"]
            if lost := [n for n in planned if n in had and n not in defined]:
                return f"the rewritten file drops planned names: {', '.join(lost)}"
            if is_test_file(path) and (idle := _emptied(current, text)):
                return f"the rewrite leaves {', '.join(idle)} checking nothing (no assert)"
            if is_test_file(path) and self.doc is not None:
                quoted = document_examples(current, self.doc.full_text())
                if dropped := sorted(quoted - string_literals(text)):
                    listed = ", ".join(map(repr, dropped))
                    return f"the rewrite drops the document's examples: {listed}"
        return UNCHANGED if text == current else ""

    def context(
        self,
        path: str,
        current: str,
        found: list[Finding],
        entries: dict[str, MemoryEntry],
        only: list[str] | None = None,
    ) -> dict[str, Any]:
        """What the rewrite prompt shows; with `only` (the failing functions), the file without
        them, and for code their current source."""
        spec = self._spec(path)
        entry = entries.get(path)
        deps = [entries[p] for p in (entry.depends_on if entry else []) if p in entries]
        shown_source = is_test_file(path)
        is_code = path.endswith(".py") and not shown_source
        failures = []
        lines = current.splitlines()
        shown: set[str] = set()  # a parametrized test failing for six inputs is shown once
        for f in found:
            node = test_node(f)
            code = function_source(self.repo / node[0], node[1]) if node else ""
            code = code if node and (node[0] != path or only) and code not in shown else ""
            shown.add(code)
            here = f.file == path and f.line is not None and 0 < f.line <= len(lines)
            failures.append(
                {
                    "label": f.label(),
                    "test": code,
                    "line": lines[f.line - 1].strip() if here and f.line else "",
                }
            )
        segments = []
        if self.doc is not None:
            query = " ".join([spec.purpose, *spec.sections]) if spec else path
            segments = self.doc.select(query, int(self.budget_tokens * SEGMENT_SHARE))
        smoke = self.blueprint.verification.smoke_command if self.blueprint else ""
        script = self.blueprint.verification.reproduce_script if self.blueprint else ""
        runs_smoke = any(f.check == "smoke" for f in found) and bool(smoke)
        shown_script = runs_smoke and script != path
        return {
            "smoke": smoke if runs_smoke else "",
            "script": read_or_empty(self.repo / script).rstrip() if shown_script else "",
            "project": self.blueprint.project_name if self.blueprint else "",
            "summary": self.blueprint.summary if self.blueprint else "",
            "path": path,
            "purpose": spec.purpose if spec else (entry.purpose if entry else ""),
            "planned": spec.interface if spec else [],
            "is_test": is_test_file(path),
            "deps": [
                {
                    "path": d.path,
                    "import": import_line(d),
                    "interface": [i.signature or i.name for i in d.interface]
                    + [f"builds {b}" for b in d.builds],
                    "source": read_or_empty(self.repo / d.path).rstrip() if shown_source else "",
                }
                for d in deps
            ],
            "failures": failures,
            "segments": segments,
            "content": (without_functions(current, only) if only else current).strip("\n"),
            "functions": "\n\n\n".join(function_source(self.repo / path, n) for n in only or []),
            "others": [
                i.signature or i.name
                for i in (entry.interface if entry else [])
                if i.name not in (only or [])
            ],
            "described": any(s.description for s in (spec.interface if spec else [])),
            "only": only or [],
            "lang": "python" if path.endswith(".py") else "bash" if path.endswith(".sh") else "",
            "arrays": path.endswith(".py") and about_arrays(self.doc),
            "formats": standard_parsers(self.doc) if is_code else [],
        }

    def _spec(self, path: str) -> FileSpec | None:
        if self.blueprint is None:
            return None
        return next((s for s in self.blueprint.files if s.path == path), None)


def _emptied(current: str, text: str) -> list[str]:
    """Test functions that checked something in `current` and check nothing in `text`."""
    before, after = checking_tests(current), checking_tests(text)
    return sorted(n for n, checks in after.items() if not checks and before.get(n))


def _parse_error(text: str) -> str:
    """Why Python source `text` does not parse, or ''."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return f"the rewritten file does not parse: {exc.msg} (line {exc.lineno})"
    return ""


def _names(source: str) -> set[str]:
    try:
        return defined_names(ast.parse(source))
    except SyntaxError:
        return set()
