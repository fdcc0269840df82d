"""PDF lines with their typography: font size, weight and position on the page.

pypdf's text visitor sees every piece of text with its font and matrices, and the pieces it
sees concatenate to exactly `extract_text()`'s output, so each line keeps pypdf's reading
order and gains the size and weight of its letters. Headings are told by that typography
together with their numbering; running headers and footers by repeating at the top or bottom
of many pages; footnotes by a smaller size below the last body line of a page.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
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


@dataclass
class _Run:
    chars: int
    size: float
    bold: bool
    y: float | None


def _scale(m: Any) -> float:
    """The vertical scale of a PDF matrix [a b c d e f]."""
    try:
        return math.hypot(float(m[1]), float(m[3])) or abs(float(m[0])) or 1.0
    except (TypeError, ValueError, IndexError):
        return 1.0


def page_lines(page: Any, number: int) -> list[Line]:
    """One page's lines in pypdf's reading order, each with its dominant size and weight."""
    runs: list[tuple[str, float, bool, float | None]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: float) -> None:
        if not text:
            return
        name = str(font.get("/BaseFont", "")) if font else ""
        scaled = float(size or 0) * _scale(tm) * _scale(cm)
        try:
            y = float(tm[5]) * _scale(cm) + float(cm[5])
        except (TypeError, ValueError, IndexError):
            y = None
        runs.append((text, scaled, bool(BOLD_FONT.search(name.split("+")[-1])), y))

    text = page.extract_text(visitor_text=visit) or ""
    if "".join(r[0] for r in runs) != text:  # a pypdf that visits differently: text only
        return [Line(t.translate(LIGATURES), page=number) for t in text.splitlines()]
    lines: list[Line] = []
    current: list[str] = []
    parts: list[_Run] = []
    for piece, size, bold, y in runs:
        chunks = piece.split("\n")
        for k, chunk in enumerate(chunks):
            if k:
                lines.append(_line("".join(current), parts, number))
                current, parts = [], []
            current.append(chunk)
            letters = sum(c.isalnum() for c in chunk)
            if letters:
                parts.append(_Run(letters, size, bold, y))
    lines.append(_line("".join(current), parts, number))
    if lines and not lines[-1].text and not text.endswith("\n"):
        lines.pop()
    return lines if text.endswith("\n") or not lines or lines[-1].text else lines[:-1]


def _line(text: str, parts: list[_Run], page: int) -> Line:
    text = text.translate(LIGATURES)
    if not parts:
        return Line(text, page=page)
    sizes: Counter[float] = Counter()
    bold = 0
    for p in parts:
        sizes[round(p.size, 1)] += p.chars
        bold += p.chars if p.bold else 0
    total = sum(p.chars for p in parts)
    return Line(text, sizes.most_common(1)[0][0], bold * 2 > total, parts[0].y, page)


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
