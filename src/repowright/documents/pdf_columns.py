"""Reading order from geometry, for pages whose text pypdf returns across the columns.

pypdf follows the content stream, which for most papers is the reading order. A page drawn
row by row across two columns (some generators do) comes out interleaved: the left column's
first line, then the right column's, and so on. Such a page is recognised by its lines
switching column again and again, and is put back in order: between lines that span both
columns (title, wide figures and captions), the left column top to bottom, then the right.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import replace

from repowright.documents.pdf_layout import CHAR_WIDTH, Line

MIN_SWITCHES = 6
"""Column changes, in pypdf's order, that make a page interleaved: at least this many and as
many as the shorter column has lines (interleaved columns change at almost every line; a
normal two-column page changes once or twice, plus the rows of a wide table)."""
MIN_PER_COLUMN = 4
ALIGN_PT = 4.0
"""Lines starting within this many points of each other start at the same margin."""


def reading_order(lines: list[Line], page_width: float) -> list[Line]:
    """The page's lines in reading order: unchanged unless they are interleaved columns."""
    mid = page_width / 2
    split = [half for ln in lines for half in _split(ln, mid)]
    placed = [ln for ln in split if ln.x is not None and ln.y is not None and ln.text.strip()]
    if len(placed) != len([ln for ln in split if ln.text.strip()]) or page_width <= 0:
        return lines
    side = {id(ln): _side(ln, mid) for ln in placed}
    columns = [side[id(ln)] for ln in placed if side[id(ln)] != "span"]
    if min(columns.count("left"), columns.count("right")) < MIN_PER_COLUMN:
        return lines
    if len(columns) < 0.6 * len(placed) or not all(
        _aligned([ln for ln in placed if side[id(ln)] == s]) for s in ("left", "right")
    ):
        return lines  # a table or a figure on a one-column page, not two columns of text
    switches = sum(a != b for a, b in itertools.pairwise(columns))
    if switches < max(MIN_SWITCHES, min(columns.count("left"), columns.count("right"))):
        return lines  # columns read one after the other, a few wide rows aside
    ordered: list[Line] = []
    band: list[Line] = []
    for line in sorted(placed, key=lambda ln: -(ln.y or 0.0)):
        if side[id(line)] == "span":
            ordered += _columns(band, side)
            ordered.append(line)
            band = []
        else:
            band.append(line)
    return ordered + _columns(band, side)


def _split(line: Line, mid: float) -> list[Line]:
    """A line that pypdf joined across the columns (both on one baseline), cut in two at the
    first wide gap past the middle of the page."""
    k = next((i for i, (_, x) in enumerate(line.pieces) if i and x is not None and x >= mid), 0)
    if not k or line.x is None:
        return [line]
    left, right = line.pieces[:k], line.pieces[k:]
    left_text = " ".join(t for t, _ in left)
    return [
        replace(line, text=left_text, pieces=left, cells=[],
                x_end=line.x + CHAR_WIDTH * line.size * len(left_text)),
        replace(line, text=" ".join(t for t, _ in right), pieces=right, cells=[], x=right[0][1]),
    ]  # fmt: skip


def _side(line: Line, mid: float) -> str:
    assert line.x is not None
    if line.x >= mid:
        return "right"
    return "span" if line.x_end is not None and line.x_end > mid + 0.05 * mid else "left"


def _aligned(column: list[Line]) -> bool:
    """Most of a text column's lines start at its margin (a table's cells start anywhere)."""
    starts = Counter(round((ln.x or 0.0) / ALIGN_PT) for ln in column)
    return starts.most_common(1)[0][1] >= 0.7 * len(column)


def _columns(band: list[Line], side: dict[int, str]) -> list[Line]:
    left = [ln for ln in band if side[id(ln)] == "left"]
    right = [ln for ln in band if side[id(ln)] == "right"]
    return left + right  # each already top to bottom
