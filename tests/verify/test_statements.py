"""Which lines a failing statement is asked for by, and how a reply is spliced back."""

from __future__ import annotations

from repowright.verify.statements import MAX_LINES, feeding_span, splice, statement_span
from tests.verify.test_line_fix import CODE, LOOP, RIGHT


def test_the_statement_is_the_innermost_one_and_a_compound_ones_header() -> None:
    source = CODE.format(tail="")
    assert statement_span(source, 3) == (3, 3)  # the `if` header, not its body
    assert statement_span(source, 2) == (2, 2)
    assert statement_span(source, 4) is None  # a raise does what it is for
    assert statement_span(source, 1) is None  # a definition
    long = "x = [\n" + "    1,\n" * 8 + "]\n"
    assert statement_span(long, 3) is None  # left to the whole-file rewrite
    assert statement_span("total = (\n    1 +\n    2)\n", 2) == (1, 3)


def test_the_assignments_just_before_of_what_the_statement_reads_come_with_it() -> None:
    """A shape error raised at `w -= lr * grad` is made where `grad` is computed."""
    step = (
        "def step(w, X, r):\n    grad = X.T * r\n    lr = 0.1\n    w -= lr * grad\n    return w\n"
    )
    assert statement_span(step, 4) == (2, 4)
    far = step.replace("    lr = 0.1\n", "    lr = 0.1\n" * (MAX_LINES - 1))
    assert statement_span(far, MAX_LINES + 2) == (3, MAX_LINES + 2)  # within MAX_LINES


def test_the_reply_is_indented_as_the_statement_was_and_must_parse() -> None:
    source = CODE.format(tail="")
    assert RIGHT in (splice(source, (3, 3), "if a < 0 or b < 0:") or "")
    assert splice(source, (3, 3), "x = 1") is None  # the `if` body would not parse
    assert splice(source, (3, 3), "    if (a, b) < 0:\n") is None  # unchanged


def test_what_feeds_a_statement_in_a_loop_is_the_assignments_before_the_loop() -> None:
    assert statement_span(LOOP, 5) == (5, 5)
    assert feeding_span(LOOP, 5) == (2, 2)  # `total` is only written
    assert feeding_span(LOOP, 2) is None  # not in a loop or `if`
    assert feeding_span(CODE.format(tail=""), 3) is None  # reads only parameters
