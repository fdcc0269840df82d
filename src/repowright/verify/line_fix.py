"""One failing statement rewritten alone, before a whole file is.

When tests fail because a line of project code raises (`if not (y == 0 or y == 1).all():`
raises numpy's "truth value of an array is ambiguous"), a small model asked for the whole file
again copies the line back: in a saved logreg run nine whole-file rewrites over three rounds,
greedy, sampled and written fresh from the document, all kept it. Shown only the function, the
failing statement and the error, and asked for that statement alone, it replaces it (one of
three samples was right when measured). Each candidate is run against the failing tests'
files; one is kept when fewer of them fail, or as many fail but none at the statement any
more and the first failing line of the file now comes later: the code runs further (the next
error, a gradient's shape, is the next round's). Of such candidates the one that runs
furthest wins: a greedy "fix" that made every input invalid raised one line later.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.fsio import atomic_write
from repowright.generate.body import file_body
from repowright.models.base import Message, Model, ModelRequest
from repowright.prompts import chat
from repowright.verify.blame import is_assertion
from repowright.verify.edits import safe_path
from repowright.verify.retest import checks_value, test_node
from repowright.verify.scoring import TestProbe, count, failing_test_files
from repowright.verify.statements import context, feeding_span, splice, statement_span

SAMPLES = (0.0, 0.7, 1.0)
"""Temperatures of the candidates: a short call each, so several are tried (each different:
the response cache would answer a repeated request with the same reply)."""
REPLY_TOKENS = 200
"""A reply is at most MAX_LINES lines: a longer one is not the statement asked for."""
RAISED = re.compile(r"^(?P<type>[A-Za-z_][\w.]*(?:Error|Exception)):")
"""The exception a failing test reports, after its node id."""


@dataclass(frozen=True)
class Target:
    """A statement of project code that failing tests raise at."""

    path: str
    line: int
    """The line the tests raise at."""
    start: int
    end: int
    """First and last line to rewrite (the statement, or its header, and what feeds it)."""
    errors: tuple[str, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class Outcome:
    """How the failing tests' files fare with a candidate in place."""

    failing: float
    at_statement: int
    first_line: float
    """The first line of the file a failure is located at now (inf: none in the file)."""
    tests: frozenset[tuple[str, str]] = frozenset()
    """The failing tests: (file, function)."""


def raised_in_code(finding: Finding) -> str:
    """The `Type: message` of a failing test whose exception was raised in project code, or ''
    (an assertion, a timeout, a failure located in a test file)."""
    node = test_node(finding)
    if node is None or not finding.file or not finding.line or is_assertion(finding):
        return ""
    if is_test_file(finding.file) or not finding.file.endswith(".py"):
        return ""
    text = finding.message.partition(": ")[2]
    m = RAISED.match(text)
    return text if m and m["type"] != "TimeoutError" else ""


def targets(repo: Path, findings: list[Finding]) -> Iterator[Target]:
    """Statements failing tests raise at that can be asked for alone, most tests first, each
    followed by the assignments before its loop that feed it (asked for once the statement
    itself was: `LineFixer.asked`)."""
    groups: dict[tuple[str, int], list[Finding]] = {}
    for f in findings:
        if raised_in_code(f) and f.file and f.line:
            groups.setdefault((f.file, f.line), []).append(f)
    for (path, line), found in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        try:
            source = safe_path(repo, path).read_text(encoding="utf-8", errors="replace")
        except (ValueError, OSError):
            continue
        errors = tuple(dict.fromkeys(raised_in_code(f) for f in found))[:3]
        for lines_of in (statement_span, feeding_span):  # the second once the first was asked
            if (span := lines_of(source, line)) is not None:
                yield Target(path, line, span[0], span[1], errors, tuple(found))


def outcome(
    failures: list[Finding] | None, path: str, span: tuple[int, int], raised: int
) -> Outcome:
    """How the tests fail; at the statement means in the span or at the line that raised (the
    loop's statement, when the span is what fed it)."""
    if failures is None:
        return Outcome(math.inf, 0, -math.inf)
    here = [f.line for f in failures if f.file == path and f.line]
    at = sum(span[0] <= line <= span[1] or line == raised for line in here)
    tests = frozenset(node for f in failures if (node := test_node(f)) is not None)
    return Outcome(count(failures), at, min(here, default=math.inf), tests)


def better(new: Outcome, old: Outcome, end: int, values: Callable[[str, str], bool]) -> bool:
    """Fewer failing tests, or as many and the code now runs past the statement. While the
    statement still raises, fewer count only when a test checking a value (`values`) now
    passes: roman's `numerals[s[i]]` became `numerals[int(s[i])]`, a ValueError on every
    numeral, which passed the tests expecting ValueError for bad numerals and no other."""
    if new.failing < old.failing:
        gained = old.tests - new.tests
        return not new.at_statement or any(values(path, name) for path, name in gained)
    return new.failing == old.failing and new.at_statement == 0 and new.first_line > end


@dataclass
class LineFixer:
    """Rewrites the statement failing tests raise at; keeps a candidate only if it helps.

    One fixer serves a whole repair loop: a prompt it already asked (same function, statement
    and errors in a later round) would get the same replies back (the response cache answers
    them) and cost a probe each, so the next statement is asked for instead."""

    model: Model
    repo: Path
    probe: TestProbe
    asked: set[str] = field(default_factory=set)

    async def fix(self, findings: list[Finding]) -> Target | None:
        """The statement fixed, or None (nothing new to ask for, or no candidate helped: the
        file is as it was)."""
        for aim in targets(self.repo, findings):
            file = safe_path(self.repo, aim.path)
            current = file.read_text(encoding="utf-8", errors="replace")
            messages = self._messages(aim, current)
            key = repr(messages)
            if key not in self.asked:
                self.asked.add(key)
                return aim if await self._try(aim, file, current, messages) else None
        return None

    @staticmethod
    def _messages(aim: Target, current: str) -> list[Message]:
        lines = current.splitlines()
        return chat(
            "verify_line_system",
            "verify_line_user",
            path=aim.path,
            context=context(current, (aim.start, aim.end)),
            statement=textwrap.dedent("\n".join(lines[aim.start - 1 : aim.end])),
            line=aim.line,
            raised=lines[aim.line - 1].strip(),
            start=aim.start,
            end=aim.end,
            errors=list(aim.errors),
        )

    async def _try(self, aim: Target, file: Path, current: str, messages: list[Message]) -> bool:
        """Probes the samples; the best that helps is left in place (True), else the file is
        restored."""
        nodes = failing_test_files(self.repo, list(aim.findings))
        span = (aim.start, aim.end)
        old = outcome(await self.probe(nodes), aim.path, span, aim.line)
        if old.failing == math.inf:
            return False
        lines = current.splitlines()
        best: tuple[tuple[float, int, float], str] | None = None
        seen: set[str] = set()
        for temperature in SAMPLES:
            reply = await self.model.complete(
                ModelRequest(
                    messages=messages,
                    temperature=temperature,
                    max_tokens=REPLY_TOKENS,
                    tag=f"verify_line:{aim.path}",
                )
            )
            text = splice(current, span, file_body(aim.path, reply.text))
            if text is None or text in seen:
                continue
            seen.add(text)
            atomic_write(file, text)
            added = len(text.splitlines()) - len(lines)
            new_span = (aim.start, aim.end + added)
            raised = aim.line + added if aim.line > aim.end else aim.line
            new = outcome(await self.probe(nodes), aim.path, new_span, raised)
            if better(new, old, max(new_span[1], raised), partial(checks_value, self.repo)):
                key = (new.failing, new.at_statement, -new.first_line)
                if best is None or key < best[0]:
                    best = (key, text)
                if new.failing == 0:
                    break
        atomic_write(file, best[1] if best else current)
        return best is not None
