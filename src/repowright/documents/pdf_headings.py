"""Which lines of a PDF are headings: numbering, standard names and typography together.

Numbered lines ("3 Model Architecture", "3.2.1 Scaled Dot-Product Attention") are headings
when their numbers follow on from the previous heading, or, where the paper's headings are
set bold or large (`Typography.reliable`), when they are so set, whatever their punctuation;
then a plain numbered line is body text. Nothing set smaller than the body is a heading.
Unnumbered Abstract/References/Appendix lines, and the standalone names of journals that
number nothing (INTRODUCTION, Methods, Funding ...) are headings too. A long heading that a
narrow column wrapped takes its short next line back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from repowright.documents.pdf_layout import Line

NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-Z][A-Za-z0-9 ,:;()'’&/-]{1,80})$")
LOOSE_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-Z][^\d\s].{0,118})$")
"""A numbered heading with any punctuation ("3.2 What Is Fine-Tuning?"), taken only when set bold
or large: alone it would also match sentences of numbered lists."""
LARGER = 1.1
"""A line this much larger than the body text is set apart as a heading would be."""
SMALLER = 0.95
"""A line this much smaller than the body text is no heading, bold or not."""
APPENDIX = re.compile(r"^([A-H](?:\.\d{1,2}){0,2})\.?\s+([A-Z][A-Za-z0-9 ,:;()'’&/-]{1,80})$")
PLAIN = {
    "abstract",
    "references",
    "bibliography",
    "acknowledgements",
    "acknowledgments",
    "appendix",
}
NAMED = {
    "introduction",
    "background",
    "related work",
    "methods",
    "method",
    "methodology",
    "materials and methods",
    "approach",
    "experiments",
    "experimental setup",
    "evaluation",
    "results",
    "discussion",
    "results and discussion",
    "conclusion",
    "conclusions",
    "limitations",
    "future work",
}
"""Unnumbered headings of papers that number nothing (journals): accepted as headings only
until a numbered one is seen (then they are table cells or running text)."""
BACK_MATTER = {
    "funding", "competing interests", "author contributions", "data availability",
    "supplemental information", "supplementary information", "supplementary material",
    "additional information and declarations", "grant disclosures", "ethical considerations",
    "ethics statement", "impact statement", "broader impact", "broader impacts",
    "declaration of competing interest", "code availability",
}  # fmt: skip
"""Unnumbered end matter, a heading even in a paper that numbers its sections."""
SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the",
               "to", "via", "vs", "with"}  # fmt: skip


def _follows(prev: list[int], nums: list[int]) -> bool:
    """Is `nums` a plausible next heading number after `prev`?"""
    if not prev:
        return nums == [1]
    for depth in range(len(prev), 0, -1):
        head = prev[: depth - 1]
        if nums[:-1] == head and len(nums) == depth and nums[-1] == prev[depth - 1] + 1:
            return True
    return nums == [*prev, 1]


@dataclass
class Typography:
    """What a line's type says about it being a heading: never when set smaller than the
    body text. `reliable` when the headings the numbering finds are set bold or large: then
    a plain numbered line is no heading either, and a bold or large numbered one is a heading
    even where its number or punctuation breaks the chain."""

    body: float
    reliable: bool

    def judge(self, line: Line) -> bool | None:
        if 0 < line.size < self.body * SMALLER:
            return False  # table cells, captions, footnotes: headings are never smaller
        if not self.reliable:
            return None
        return line.bold or line.size >= self.body * LARGER


def looks_like_heading(line: Line) -> bool:
    """A heading by its words alone (numbered, or a standard name): not a figure's label."""
    text = line.text.strip()
    return bool(NUMBERED.match(text)) or text.lower() in PLAIN | NAMED | BACK_MATTER


def styled_headings(lines: list[Line], body: float) -> bool:
    """Whether the headings found by numbering alone are set apart typographically."""
    if not body:
        return False
    prev: list[int] = []
    styled = plain = 0
    for line in lines:
        match = NUMBERED.match(line.text.strip())
        nums = [int(n) for n in match.group(1).split(".")] if match else []
        if nums and _follows(prev, nums):
            prev = nums
            if line.bold or line.size >= body * LARGER:
                styled += 1
            else:
                plain += 1
    return styled >= 3 and styled >= 4 * plain


def heading_line(line: str, state: dict[str, Any], styled: bool | None = None) -> str | None:
    text = line.strip()
    words = text.split()
    if not words or len(words) > 16 or text.endswith(","):
        return None
    if text.lower() in PLAIN:
        if text.lower() == "appendix":
            state["appendix"] = True
        return f"# {text}" if text.lower() != "appendix" else "\\appendix"
    named = text.lower() in NAMED and (text.isupper() or not state.get("nums"))
    if text.lower() in BACK_MATTER or named:
        return f"# {text}"
    if styled is False:
        return None  # typography says body text: a list item, a table row, a clause
    match = NUMBERED.match(text) if len(words) <= 10 and not text.endswith(".") else None
    loose = LOOSE_NUMBERED.match(text) if styled else None
    if (match or loose) and not state.get("appendix"):
        found = match or loose
        assert found is not None
        nums = [int(n) for n in found.group(1).split(".")]
        if styled or _follows(state.get("nums", []), nums):
            state["nums"] = nums
            return f"{'#' * len(nums)} {found.group(1)} {found.group(2)}"
    match = APPENDIX.match(text) if state.get("appendix") or state.get("refs") else None
    if match and len(words) <= 8:
        state["appendix"] = True
        return f"{'#' * (match.group(1).count('.') + 1)} {match.group(1)} {match.group(2)}"
    return None


def continues(heading: str, line: Line, typo: Typography) -> bool:
    """Whether `line` is the rest of a heading that a narrow column wrapped ("3.1
    Representing and manipulating" / "visually-rich documents with magelib"): the heading
    is long, the line short (a paragraph's first line fills the column) and no heading, and
    set like a heading where typography tells."""
    if typo.judge(line) is False:
        return False
    text = line.text.strip()
    words = text.split()
    if len(heading) < 30 or not 1 <= len(words) <= 6 or text.endswith((".", ",", ":", ";")):
        return False
    if "," in text or "(" in text or text.endswith("-") or text.lower() in PLAIN | NAMED:
        return False  # a paragraph's first line ("Recently, ...", "repre-"), or a heading
    if NUMBERED.match(text) or APPENDIX.match(text) or text.lower() in BACK_MATTER:
        return False
    title_case = _capitals(heading.lstrip("#").split()[1:]) >= 0.8
    return not title_case or _capitals(words) >= 0.5  # a Title Case heading goes on so


def _capitals(words: list[str]) -> float:
    """Share of capitalised words, small words (and, of, with...) left out."""
    content = [w for w in words if w.lower() not in SMALL_WORDS]
    return sum(1 for w in content if w[:1].isupper() or not w[:1].isalpha()) / max(len(content), 1)


def title_like(line: str) -> bool:
    """Title Case, 2-15 words, no sentence punctuation: how paper titles look."""
    words = line.split()
    if not 2 <= len(words) <= 15 or line.rstrip().endswith((".", ",", ":")):
        return False
    capital = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return capital >= 0.6 * len(words)
