"""Line typography from pypdf's visitor: sizes, weight, running heads, footnotes, ligatures."""

from __future__ import annotations

from repowright.documents.pdf_layout import (
    Line,
    _line,
    _Run,
    _script,
    _written,
    footnote_start,
    running_lines,
)


def test_a_line_takes_the_size_and_weight_of_most_of_its_letters() -> None:
    line = _line(
        "3.2 Attention\u00b9", [_Run(12, 12.0, True, 700.0), _Run(1, 7.0, False, 704.0)], 2
    )
    assert (line.size, line.bold, line.y, line.page) == (12.0, True, 700.0, 2)
    assert _line("classi\ufb01cation", [], 0).text == "classification"


def test_running_heads_repeat_at_page_edges_with_any_page_number() -> None:
    pages = [
        [Line(f"Journal of Things {n}"), *(Line(f"{w} on page {'vwxyz'[n]}") for w in "abc"),
         Line(str(n))]
        for n in range(5)
    ]  # fmt: skip
    assert running_lines(pages) == {"Journal of Things #"}
    assert running_lines(pages[:3]) == set()


def test_footnotes_are_the_small_lines_after_the_last_body_line() -> None:
    page = [Line("Text", 10.0), Line("more text", 10.0), Line("1 A note", 8.0), Line("", 0.0)]
    assert footnote_start(page, 10.0) == 2
    assert footnote_start([Line("small", 8.0)], 10.0) == 1  # no body line: nothing to keep apart
    assert footnote_start(page, 0.0) == 4


def test_smaller_raised_or_lowered_type_marks_powers_and_indexes() -> None:
    base = (10.0, 300.0)
    assert _script(7.0, 303.6, base) == "^"  # QK^T
    assert _script(7.0, 298.5, base) == "_"  # d_k
    assert _script(10.0, 292.0, base) == ""  # a radical's operand: same size
    assert _script(7.0, 300.0, base) == "" and _script(7.0, 303.6, None) == ""


def test_scripts_are_written_as_powers_and_indexes() -> None:
    marked = "d\ue000\u2212\ue002\ue0000.5\ue002\ue001model\ue002 and d\ue001k\ue002"
    assert _written(marked) == "d^{\u22120.5}_{model} and d_k"
