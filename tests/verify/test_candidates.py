"""Which candidates a rewrite tries and how long each may be."""

from __future__ import annotations

from repowright.models.tokens import estimate_tokens
from repowright.verify.candidates import FOCUSED, REPLY_FLOOR, candidates, reply_limit


def test_a_rewrite_may_take_twice_what_it_replaces() -> None:
    long = "x = 1\n" * 1000
    assert reply_limit("") == REPLY_FLOOR
    assert reply_limit(long) == 2 * estimate_tokens(long) > REPLY_FLOOR


def test_only_code_functions_get_a_focused_candidate() -> None:
    """A test function needs the code under test in its prompt; a code function is asked
    for once more with only what the document says and the signatures it can call."""
    assert FOCUSED in [view for _, view in candidates("mini/core.py", True)]
    assert FOCUSED not in [view for _, view in candidates("tests/test_core.py", True)]
    assert FOCUSED not in [view for _, view in candidates("mini/core.py", False)]
