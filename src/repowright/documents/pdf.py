"""PDF -> the markdown-like intermediate with pypdf (docling optionally, when installed).

Headings are recognised from numbered lines ("3 Model Architecture", "3.2.1 Scaled
Dot-Product Attention") together with their type (`pdf_layout`): where the headings the
numbering finds are set bold or large, a plain numbered line is body text and a bold one a
heading even when its number or punctuation breaks the sequence; nothing set smaller than
the body is a heading. Without usable typography the sequence check alone keeps table rows
and list items out. Unnumbered Abstract/References/Appendix lines, and the standalone names
of journals that number nothing (INTRODUCTION, Methods, Funding ...) are headings too. A long
heading that a narrow column wrapped takes its short next line back.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repowright.documents.pdf_layout import (
    DIGITS,
    Line,
    body_size,
    footnote_start,
    page_lines,
    running_lines,
    table_rows,
)
from repowright.errors import InputError

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
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
EQUATION_END = re.compile(r"\(\d{1,3}\)\s*$")
MIN_CHARS_PER_PAGE = 25
READER_ENV = "REPOWRIGHT_PDF_READER"


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


def _styled_headings(lines: list[Line], body: float) -> bool:
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


def _heading(line: str, state: dict[str, Any], styled: bool | None = None) -> str | None:
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


def dehyphenate(lines: list[str]) -> list[str]:
    """Words a line break hyphenated ("intrusive in-" / "terventions. In WSDM.") put back
    together on the first line: the hyphen goes when the next line goes on in lower case."""
    out: list[str] = []
    for line in lines:
        prev = out[-1] if out else ""
        if prev.endswith("-") and prev[-2:-1].isalpha() and line[:1].islower():
            word, _, rest = line.partition(" ")
            out[-1] = prev[:-1] + word
            if rest.strip():
                out.append(rest)
            continue
        out.append(line)
    return out


def _continues(heading: str, line: Line, typo: Typography) -> bool:
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


def _title_like(line: str) -> bool:
    """Title Case, 2-15 words, no sentence punctuation: how paper titles look."""
    words = line.split()
    if not 2 <= len(words) <= 15 or line.rstrip().endswith((".", ",", ":")):
        return False
    capital = sum(1 for w in words if w[:1].isupper() or not w[:1].isalpha())
    return capital >= 0.6 * len(words)


def pdf_pages(path: Path) -> list[list[Line]]:
    """Every page's lines with their typography (see `pdf_layout`)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: the PDF is encrypted; decrypt it first")
        return [page_lines(page, n) for n, page in enumerate(reader.pages)]
    except FileNotDecryptedError:
        raise InputError(f"{path}: the PDF is encrypted; decrypt it first") from None
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__})") from None


def pdf_to_markdown(path: Path) -> tuple[str, str, int]:
    """The intermediate text, a title guess (first line) and the page count."""
    if os.environ.get(READER_ENV) == "docling":
        return _docling(path)
    pages = pdf_pages(path)
    if sum(len(ln.text.strip()) for p in pages for ln in p) < MIN_CHARS_PER_PAGE * max(
        1, len(pages)
    ):
        raise InputError(
            f"{path}: the PDF has no text layer (scanned?); run OCR first or give the source"
        )
    lines, page_starts, notes_at = _lines(pages)
    rows = table_rows(lines)
    body = body_size(lines)
    typo = Typography(body, _styled_headings(lines, body))
    state: dict[str, Any] = {}
    out: list[str] = []
    title = next((ln.text.strip() for ln in lines[:40] if _title_like(ln.text)), path.stem)
    notes: list[str] = []  # footnotes wait for the end of their section
    skip = False
    for i, line in enumerate(lines):
        text = line.text
        if skip:
            skip = False
            continue
        if i in notes_at:
            notes.append(text)
            continue
        if i in rows:
            first, last = i - 1 not in rows, i + 1 not in rows
            cells = line.cells or [text.strip()]
            row = "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"
            out.extend(["", row] if first else [row])
            out.extend([""] if last else [])
            continue
        heading = _heading(text, state, typo.judge(line))
        if not heading and _appendix_after_references(i, text, page_starts, out, state):
            state["appendix"], state["refs"] = True, False
            out.append(f"\n\\appendix\n\n# {text.strip()}\n")
        elif heading:
            state["refs"] = heading.lower().endswith("references")
            if i + 1 < len(lines) and _continues(heading, lines[i + 1], typo):
                heading, skip = f"{heading} {lines[i + 1].text.strip()}", True
            if notes:
                out.extend(["", *notes, ""])
                notes = []
            out.append(f"\n{heading}\n")
        elif EQUATION_END.search(text) and len(text) < 160:
            out.append(f"\n$${text.strip()}$$\n")
        else:
            out.append(text)
    out.extend(["", *notes] if notes else [])
    refs = next((i for i, ln in enumerate(out) if ln.strip().lower().endswith("references")), None)
    body_text = dehyphenate(out[:refs]) + out[refs:] if refs is not None else dehyphenate(out)
    return "\n".join(body_text), title, len(pages)


def _lines(pages: list[list[Line]]) -> tuple[list[Line], set[int], set[int]]:
    """Every page's lines without running heads and footers or a page number alone on its
    first or last line; the index where each page starts; the indexes of footnote lines."""
    running = running_lines(pages)
    body = body_size([ln for p in pages for ln in p])
    lines: list[Line] = []
    starts: set[int] = set()
    notes: set[int] = set()
    for page in pages:
        own = [ln for ln in page if DIGITS.sub("#", ln.text.strip()) not in running]
        while own and PAGE_NUMBER.match(own[-1].text):
            own.pop()
        while own and PAGE_NUMBER.match(own[0].text):
            own.pop(0)
        starts.add(len(lines))
        cut = footnote_start(own, body)
        notes.update(range(len(lines) + cut, len(lines) + len(own)))
        lines.extend(own)
    return lines, starts, notes


def _appendix_after_references(
    i: int, line: str, page_starts: set[int], out: list[str], state: dict[str, Any]
) -> bool:
    """A Title Case line opening a page after a finished reference entry is the first
    appendix heading ("Attention Visualizations"), not more of the bibliography."""
    if not state.get("refs") or i not in page_starts or not out:
        return False
    words = line.split()
    return (
        len(words) <= 6
        and _title_like(line)
        and not line.lstrip().startswith("[")
        and out[-1].rstrip().endswith(".")
    )


def _docling(path: Path) -> tuple[str, str, int]:
    try:
        from docling.document_converter import DocumentConverter
    except ImportError:
        raise InputError(
            f"{READER_ENV}=docling needs the optional extra: pip install 'repowright[docling]'"
        ) from None
    result = DocumentConverter().convert(str(path))
    text = result.document.export_to_markdown()
    return text, "", len(getattr(result.document, "pages", {}) or {}) or 1
