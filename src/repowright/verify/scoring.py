"""How the candidate fixes of repair compare: by the tests they make fail.

Each fix (an edit, a rewritten statement, function or file) is run against the failing tests'
files before it is kept; these say which files, how to weigh what fails, and when fewer
failures are not better.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.verify.retest import checks_value, test_node

TestProbe = Callable[[list[str]], Awaitable[list[Finding] | None]]
"""How these pytest node ids fail now ([]: they pass; None: they could not run)."""
EXAMPLE_WEIGHT = 1000
"""What one failing test of the document's examples counts, against 1 for any other test."""


def failing_test_files(repo: Path, found: list[Finding]) -> list[str]:
    """The test files of the findings when every one of them is a failing test, else []: what
    a change meant to fix them is run against before it is kept. The document's examples
    always come too: a change that breaks one of them to please a model's test loses."""
    nodes = [test_node(f) for f in found]
    if not found or None in nodes:
        return []
    files = {node[0] for node in nodes if node is not None}
    if (repo / EXAMPLES_PATH).is_file():
        files.add(EXAMPLES_PATH)
    return sorted(files)


def trades_values(repo: Path, before: list[Finding] | None, after: list[Finding] | None) -> bool:
    """Whether a change makes a test checking a value fail that passed, and every test it
    makes pass only checks that something raises: roman's `from_roman` once raised ValueError
    for every numeral, which passed the tests of bad numerals and failed the round trip."""
    if before is None or after is None:
        return False
    old, new = _nodes(before), _nodes(after)
    return any(checks_value(repo, *n) for n in new - old) and not any(
        checks_value(repo, *n) for n in old - new
    )


def _nodes(failures: list[Finding]) -> set[tuple[str, str]]:
    return {node for f in failures if (node := test_node(f)) is not None}


def count(failing: list[Finding] | None) -> float:
    """Failures as a number to compare: tests that could not run count as the most, and a
    failing document example more than any number of the model's own tests (rle's tests
    expected `decode(encode(x))` to raise for every input: a `decode` that gave back
    `'aaabcc'` for `'3a1b2c'`, as the document says, failed as many of them as the wrong one)."""
    if failing is None:
        return math.inf
    return sum(EXAMPLE_WEIGHT if _from_document(f) else 1 for f in failing)


def _from_document(failure: Finding) -> bool:
    node = test_node(failure)
    return node is not None and node[0] == EXAMPLES_PATH
