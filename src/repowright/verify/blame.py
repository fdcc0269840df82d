"""Whom a repair rewrites for a set of findings.

The file where the error was raised, and when the same failure comes back after that file was
rewritten (or it came back unchanged), the test that called it; for a failed assertion inside
a test, first the code under test, then the test itself (a small model's test often expects,
or passes, what the document never said).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from repowright.artifacts.memory import MemoryEntry
from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.generate.drift import params
from repowright.verify.retest import called, test_node

SIGNATURE_MISMATCH = re.compile(
    r"TypeError: (?P<name>\w+)(?:\.__init__)?\(\) (?:takes|missing|got an unexpected)"
)
TEST_OUTPUT = re.compile(r"\b\d+ (?:failed|errors?)\b|^(?:FAILED|ERROR) ", re.M)
"""A script's failure that only reports failing tests: the tests' own findings cover it."""


def is_assertion(finding: Finding) -> bool:
    text = finding.message.partition(": ")[2]
    return text.startswith(("assert ", "AssertionError", "Failed: DID NOT RAISE"))


@dataclass
class Blame:
    """Which files to rewrite for a set of findings, remembering earlier rounds' choices."""

    repo: Path
    stated: dict[str, str] = field(default_factory=dict)
    """Signatures the document states, by function name (`generate/drift.stated_signatures`)."""
    tried: dict[tuple[str, str, str], set[str]] = field(default_factory=dict)

    def culprits(
        self, findings: list[Finding], entries: dict[str, MemoryEntry]
    ) -> dict[str, list[Finding]]:
        """Files to rewrite, most findings first, each with the findings it is blamed for."""
        out: dict[str, list[Finding]] = {}
        for f in findings:
            path = self._culprit(f, entries)
            if path is not None and path != EXAMPLES_PATH:  # the document's: never rewritten
                out.setdefault(path, []).append(f)
        return dict(sorted(out.items(), key=lambda kv: -len(kv[1])))

    def mark(self, path: str, findings: list[Finding]) -> None:
        """`path` was rewritten for `findings`: if they come back, blame someone else."""
        for f in findings:
            self.tried.setdefault(f.key(), set()).add(path)

    def _culprit(self, f: Finding, entries: dict[str, MemoryEntry]) -> str | None:
        if not f.file:
            return None
        if f.file.endswith(".sh") and TEST_OUTPUT.search(f.message):
            return None
        if (callee := self._callee(f, entries)) is not None:
            return callee
        node = test_node(f)
        if node is not None and not is_test_file(f.file) and is_test_file(node[0]):
            # raised in the code under test: the code first, then the test that called it
            # (it may pass what the document never said the code takes)
            return node[0] if f.file in self.tried.get(f.key(), set()) else f.file
        if not is_test_file(f.file) or not is_assertion(f):
            return f.file
        tested = [
            p
            for p in entries.get(f.file, MemoryEntry(path=f.file, purpose="")).depends_on
            if p.endswith(".py") and not is_test_file(p)
        ]
        before = self.tried.get(f.key(), set())
        fresh = [p for p in tested if p not in before]
        # The module defining what the failing test calls first: infix's `evaluate` test
        # blamed `calc/errors.py` (imported first) and `calc/lexer.py`, six rewrites that
        # could not help, before the parser.
        calls = set(called(self.repo / node[0], node[1])) if node else set()
        fresh.sort(key=lambda p: p not in entries or not defines(entries[p], calls))
        return fresh[0] if fresh else f.file

    def _callee(self, f: Finding, entries: dict[str, MemoryEntry]) -> str | None:
        """`CalcError.__init__() takes 1 positional argument but 2 were given` is raised where
        the call is, but the definition is what disagrees with the document (an exception
        that takes no message): blame the project file defining it, first. Not a function
        defined with the parameters the document states for it: csv2json's tests called
        `convert(text, output=path)`, and `convert` was rewritten for them."""
        m = SIGNATURE_MISMATCH.search(f.message)
        if m is None:
            return None
        home, written = next(
            (
                (e.path, i.signature)
                for e in entries.values()
                for i in e.interface
                if i.name == m["name"]
            ),
            (None, ""),
        )
        if home is None or home == f.file or home in self.tried.get(f.key(), set()):
            return None
        said = self.stated.get(m["name"])
        if said is not None and (stated := params(said)) is not None and stated == params(written):
            return None  # written as the document states it: the call is what is wrong
        return home


def defines(entry: MemoryEntry, names: set[str]) -> bool:
    """Whether a module defines (not re-exports) one of `names`: a function, a class or one of
    its methods."""
    return any(
        item.name in names or any(f"def {n}(" in item.signature for n in names)
        for item in entry.interface
        if item.kind in ("function", "class")
    )
