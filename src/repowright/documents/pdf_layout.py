"""PDF lines with their typography: font size, weight and position on the page.

pypdf's text visitor sees every piece of text with its font and matrices, and the pieces it
sees concatenate to exactly `extract_text()`'s output, so each line keeps pypdf's reading
order and gains the size and weight of its letters. Headings are told by that typography
together with their numbering; running headers and footers by repeating at the top or bottom
of many pages; footnotes by a smaller size below the last body line of a page.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

BOLD_FONT = re.compile(r"bold|black|heavy|semibold|medi|demi|cmbx|-b$|\.b$|,b$", re.I)
DIGITS = re.compile(r"\d+")
LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                           "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})  # fmt: skip
"""Typeset ligatures spelt out: "classiﬁcation" must match (and be found as) "classification"."""


@dataclass
class Line:
    text: str
    size: float = 0.0
    """Font size (points) of most of its letters; 0 when unknown."""
    bold: bool = False
    y: float | None = None
    page: int = 0
    x: float | None = None
    x_end: float | None = None
    """Where its last piece would end if its characters were narrow (a low estimate)."""
    pieces: list[tuple[str, float | None]] = field(default_factory=list)
    """The line cut at wide horizontal gaps, each piece with where it starts."""
    cells: list[str] = field(default_factory=list)
    """The line cut where wide gaps separate its pieces (table cells); [] for running text."""


@dataclass
class _Run:
    chars: int
    size: float
    bold: bool
    y: float | None
    x: float | None = None
    start: int = 0
    """Offset of the piece in its line's text."""
    length: int = 0


CHAR_WIDTH = 0.45
"""A low estimate of a character's width in ems: a gap is measured from where a piece would
end if its characters were this narrow, so wide type never opens false gaps."""
MIN_GAP_EMS = 2.0


def _scale(m: Any) -> float:
    """The vertical scale of a PDF matrix [a b c d e f]."""
    try:
        return math.hypot(float(m[1]), float(m[3])) or abs(float(m[0])) or 1.0
    except (TypeError, ValueError, IndexError):
        return 1.0


def page_lines(page: Any, number: int) -> list[Line]:
    """One page's lines in pypdf's reading order, each with its dominant size and weight."""
    runs: list[tuple[str, float, bool, float | None, float | None]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text:
            return
        name = str(font.get("/BaseFont", "")) if font else ""
        scaled = float(size or 0) * _scale(tm) * _scale(cm)
        try:
            x: float | None = float(tm[4]) * float(cm[0]) + float(cm[4])
            y: float | None = float(tm[5]) * _scale(cm) + float(cm[5])
        except (TypeError, ValueError, IndexError):
            x = y = None
        runs.append((text, scaled, bool(BOLD_FONT.search(name.split("+")[-1])), y, x))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(r[0] for r in runs) != text:  # a pypdf that visits differently: text only
        return [Line(t.translate(LIGATURES), page=number) for t in text.splitlines()]
    lines: list[Line] = []
    current: list[str] = []
    parts: list[_Run] = []
    base: tuple[float, float | None] | None = None  # size and baseline of the line's type
    for piece, size, bold, y, x in runs:
        chunks = piece.split("\n")
        for k, chunk in enumerate(chunks):
            if k:
                lines.append(_line("".join(current), parts, number))
                current, parts, base = [], [], None
            start = sum(len(c) for c in current)
            script = _script(size, y, base) if k == 0 and chunk.strip() else ""
            if script:  # marked in private-use characters, written out per line
                chunk = f"{OPEN[script]}{chunk.strip()}{CLOSE}"
            elif chunk.strip() and size:
                base = (size, y)
            current.append(chunk)
            letters = sum(c.isalnum() for c in chunk)
            if letters:
                parts.append(
                    _Run(
                        letters,
                        size,
                        bold,
                        y,
                        x if k == 0 else None,
                        start,
                        len(chunk.strip(MARKS)),
                    )
                )
    lines.append(_line("".join(current), parts, number))
    if lines and not lines[-1].text and not text.endswith("\n"):
        lines.pop()
    return lines if text.endswith("\n") or not lines or lines[-1].text else lines[:-1]


OPEN = {"^": "\ue000", "_": "\ue001"}
CLOSE = "\ue002"
MARKS = "\ue000\ue001\ue002"
SCRIPTS = re.compile("([\ue000\ue001])([^\ue000-\ue002]*)\ue002")
SAME = {k: re.compile(f"({k}[^\ue000-\ue002]*)\ue002{k}") for k in OPEN.values()}


def _written(text: str) -> str:
    """Marked scripts as ^x / _x, or ^{xy} / _{xy} when longer; pieces of one script set one
    after another (a power `−9` drawn glyph by glyph) become one."""
    for same in SAME.values():
        while (joined := same.sub(r"\1", text)) != text:
            text = joined
    return SCRIPTS.sub(
        lambda m: ("^" if m[1] == OPEN["^"] else "_") + (m[2] if len(m[2]) == 1 else f"{{{m[2]}}}"),
        text,
    )


def _script(size: float, y: float | None, base: tuple[float, float | None] | None) -> str:
    """`^` for a piece set smaller and raised against the line's type, `_` for smaller and
    lowered (QK^T, d_k, d_{model}): flattened math keeps what is an index and what a power."""
    if base is None or y is None or base[1] is None or not size or size >= base[0] * 0.85:
        return ""
    shift = y - base[1]
    return "^" if shift > 0.15 * base[0] else "_" if shift < -0.08 * base[0] else ""


def _line(text: str, parts: list[_Run], page: int) -> Line:
    if not parts:
        return Line(_written(text).translate(LIGATURES), page=page)
    sizes: Counter[float] = Counter()
    bold = 0
    for p in parts:
        sizes[round(p.size, 1)] += p.chars
        bold += p.chars if p.bold else 0
    total = sum(p.chars for p in parts)
    line = Line(
        _written(text).translate(LIGATURES), sizes.most_common(1)[0][0], bold * 2 > total,
        parts[0].y, page,
    )  # fmt: skip
    line.pieces = _pieces(text, parts)
    line.cells = [t for t, _ in line.pieces] if len(line.pieces) >= 3 else []
    placed = [p for p in parts if p.x is not None]
    if placed:
        line.x = placed[0].x
        last = placed[-1]
        assert last.x is not None
        line.x_end = last.x + CHAR_WIDTH * last.size * (len(text) - last.start)
    return line


def _pieces(text: str, parts: list[_Run]) -> list[tuple[str, float | None]]:
    """The line's text cut at wide horizontal gaps between pieces (table cells, or the two
    columns of a page drawn row by row), each with the x where it starts."""
    bounds: list[tuple[int, float | None]] = [(0, parts[0].x)]
    for a, b in itertools.pairwise(parts):
        if a.x is None or b.x is None or not a.size:
            continue
        end = a.x + CHAR_WIDTH * a.size * a.length
        if b.x - end > max(MIN_GAP_EMS * a.size, 0.15 * a.size * a.length):
            bounds.append((b.start, b.x))
    ends = [i for i, _ in bounds[1:]] + [len(text)]
    pieces = [(text[i:j].strip(), x) for (i, x), j in zip(bounds, ends, strict=True)]
    return [(_written(t).translate(LIGATURES), x) for t, x in pieces if t]


def body_size(lines: list[Line]) -> float:
    """The size most letters are set in (0 when sizes are unknown)."""
    sizes: Counter[float] = Counter()
    for line in lines:
        if line.size:
            sizes[line.size] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def running_lines(pages: list[list[Line]], edge: int = 2) -> set[str]:
    """Texts (digits ignored) that open or close many pages: running heads and footers."""
    if len(pages) < 4:
        return set()
    seen: Counter[str] = Counter()
    for lines in pages:
        texts = [ln.text.strip() for ln in lines if ln.text.strip()]
        keys = {DIGITS.sub("#", t) for t in texts[:edge] + texts[-edge:]}
        seen.update(k for k in keys if len(k) > 3 or "#" not in k)
    return {k for k, n in seen.items() if n >= max(3, len(pages) * 0.3)}


def footnote_start(lines: list[Line], body: float) -> int:
    """Index where a page's footnotes begin (len(lines) when none): the trailing run of lines
    set smaller than the body, after the page's last body-size line."""
    if not body:
        return len(lines)
    start = len(lines)
    while start > 0 and (
        not lines[start - 1].text.strip() or 0 < lines[start - 1].size < body * 0.9
    ):
        start -= 1
    has_body = any(abs(ln.size - body) < 0.5 for ln in lines[:start])
    smalls = [ln for ln in lines[start:] if ln.text.strip()]
    return start if has_body and smalls else len(lines)


TABLE_CAPTION = re.compile(r"^\s*Table\s+[A-Z]?\d+\s*[.:]")


def table_rows(lines: list[Line], reach: int = 10) -> set[int]:
    """Indexes of lines that are rows of a captioned table: a run of at least two lines cut
    into cells (one uncut line inside may continue a header), with a `Table N:` caption at
    most `reach` lines before it or a few after. Cut lines far from any caption (a formula
    with wide spacing, a row of author names) stay text."""
    captions = [i for i, ln in enumerate(lines) if TABLE_CAPTION.match(ln.text)]
    rows: set[int] = set()
    i = 0
    while i < len(lines):
        if not lines[i].cells:
            i += 1
            continue
        end = i
        while end + 1 < len(lines) and (
            lines[end + 1].cells
            or (end + 2 < len(lines) and lines[end + 2].cells and lines[end + 1].text.strip())
        ):
            end += 1
        cut = sum(1 for k in range(i, end + 1) if lines[k].cells)
        if cut >= 2 and any(i - reach <= c < i or end < c <= end + 4 for c in captions):
            rows.update(range(i, end + 1))
        i = end + 1
    return rows


CAPTION = re.compile(r"^\s*(?:Figure|Fig\.|Table)\s+[A-Z]?\d+\s*[.:]")
LABEL_WORDS = 6
"""Lines of at most this many words, without sentence punctuation, right before a figure's
caption are the figure's own labels, not body text."""


def caption_spans(lines: list[Line]) -> dict[int, int]:
    """Caption start -> last line: a `Figure N:`/`Table N:` line and the lines set at the
    normal leading right below it (a jump in position ends it; without positions, the first
    line that ends a sentence does)."""
    spans: dict[int, int] = {}
    for i, line in enumerate(lines):
        if not CAPTION.match(line.text):
            continue
        end = i
        while end + 1 < len(lines) and not CAPTION.match(lines[end + 1].text):
            prev, nxt = lines[end], lines[end + 1]
            if prev.y is not None and nxt.y is not None and prev.size:
                if not 0 < prev.y - nxt.y < 1.6 * prev.size:
                    break
            elif prev.text.rstrip().endswith("."):
                break
            end += 1
        spans[i] = end
    return spans


def figure_labels(
    lines: list[Line], spans: dict[int, int], heading: Callable[[Line], bool], body: float
) -> dict[int, list[int]]:
    """Caption start -> the indexes of the short label lines right before a figure caption
    (never past a heading, or a line set bold and larger than the `body` size)."""
    labels: dict[int, list[int]] = {}
    taken = {k for start, end in spans.items() for k in range(start, end + 1)}
    taken |= {
        k for k, ln in enumerate(lines)
        if heading(ln) or (body and ln.bold and ln.size >= body * 1.1)
    }  # fmt: skip
    for start in spans:
        if not lines[start].text.lstrip().startswith("Fig"):
            continue
        k = start - 1
        while k >= 0 and k not in taken and _label(lines[k].text):
            k -= 1
        if start - 1 - k >= 2 or (start - 1 - k == 1 and lines[k + 1].bold):
            labels[start] = list(range(k + 1, start))
    return labels


def _label(text: str) -> bool:
    words = text.split()
    if len(words) == 1 and not any(c.isalnum() for c in words[0]):
        return True  # a lone mark of a figure's token grid
    return 0 < len(words) <= LABEL_WORDS and not text.rstrip().endswith((".", ",", ";", ":"))
