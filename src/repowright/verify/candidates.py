"""Which candidates a rewrite tries, in what order, with what each is shown, and which tests
each must pass: the search of `verify/rewrite.py`, as data."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.models.tokens import estimate_tokens
from repowright.verify.retest import test_node
from repowright.verify.scoring import failing_test_files

REPLY_FLOOR = 1024
"""The least a rewrite may take, in tokens (a stub may become a whole function)."""
TEMPERATURES = (0.0, 0.7)
"""Greedy first; one sampled retry when that reply cannot be used."""
SHOWN, FRESH, FOCUSED = "shown", "fresh", "focused"
"""What a candidate's prompt shows: the failing code; the rest of the file and the document
without it; or only what the document says of the file's names, the signatures it can call
and the failing tests."""
FUNCTION_SAMPLES = ((0.0, SHOWN), (0.0, FOCUSED), (0.0, FRESH), (0.7, FRESH), (0.7, SHOWN))
"""(temperature, view) of the candidates for failing functions, tests or code, written again
alone: short and run at once, so more are tried. "fresh" ones are written without the failing
function, which a small model otherwise copies back with its mistake (the demo's test_done
expected an item it never added, in eight rewrites; roman's `from_roman` indexed a list of
pairs by a letter, and both candidates shown it came back unchanged). A "focused" one (code
only) sees no other code of the file and no document section twice: shown rle's whole file
and document, the 1.5B model rewrote `decode` wrong every time; shown the two items
defining `encode` and `decode` and the failing tests, it decoded `'3a1b2c'` right."""
SEARCH_SAMPLES = 8
"""Focused candidates sampled after those while a test still fails: they are short and run at
once (5-20 s each on two cores), and where the greedy and the first sampled rewrites of rle's
`decode` never decoded `'3a1b2c'` right, about one sample in six of the 1.5B model at 0.8 did
(6 of 38 over five prompt variants). Where a document example fails, the search ends at the
first candidate that passes every one; else at the first that passes every test. The model's
own tests may be wrong, but the greedy candidates were already kept by them: sampling gives
the right code its chances, and the document's examples still outweigh those tests."""
SEARCH_TEMPERATURE = 0.8
CODE_SAMPLES = ((0.0, SHOWN), (0.7, SHOWN), (0.7, FRESH))
"""(temperature, view) of the candidates for a whole file: a longer call than a function, so
fewer; the fresh one is written from the document, its interface and the failing tests,
without the current code."""
SEARCHED = (SEARCH_TEMPERATURE, FOCUSED)
"""What each search sample is: focused, sampled."""


def candidates(path: str, functions: bool) -> list[tuple[float, str]]:
    """(temperature, view) of the candidates tried for `path`: the failing `functions` alone, or
    the whole file; a test function is never focused (it needs the code under test)."""
    if not functions:
        return list(CODE_SAMPLES)
    test = is_test_file(path)
    return [(t, view) for t, view in FUNCTION_SAMPLES if not (test and view == FOCUSED)]


def probe_nodes(repo: Path, path: str, only: list[str], found: list[Finding]) -> list[str]:
    """The pytest node ids a candidate for `path` must pass, [] when it is not tried: the
    failing test functions being rewritten, or, for a module blamed for failing tests, those
    tests' files (so a candidate that breaks their other tests loses). Its other findings (a
    smoke run, a lint error) do not stop the tests from telling candidates apart: rle's
    `decode`, blamed for a document example and the smoke run, was rewritten once, unrun."""
    if only and is_test_file(path):
        return [f"{path}::{name}" for name in only]
    if not path.endswith(".py") or is_test_file(path):
        return []
    return failing_test_files(repo, [f for f in found if test_node(f)])


def reply_limit(rewritten: str) -> int:
    """Tokens a rewrite may take: twice what it replaces, and room for a short file. Without
    it a looping reply runs on to the model's 2048-token default, minutes on two cores (the
    limit the generated test files got for the same reason)."""
    return max(REPLY_FLOOR, 2 * estimate_tokens(rewritten))
