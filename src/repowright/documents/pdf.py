"""PDF -> the markdown-like intermediate with pypdf (docling optionally, when installed).

pypdf gives text without structure, so headings are recognised from numbered lines
("3 Model Architecture", "3.2.1 Scaled Dot-Product Attention") accepted only when their
numbers follow on from the previous heading, plus unnumbered Abstract/References/Appendix
lines. That sequence check is what keeps table rows and list items out of the outline.
Journals that number nothing use standalone names (INTRODUCTION, Methods, Funding ...):
accepted until a numbered heading appears (or always, in capitals or as end matter). A long
heading that a narrow column wrapped takes its short next line back.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from repowright.errors import InputError

NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-Z][A-Za-z0-9 ,:;()'’&/-]{1,80})$")
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


def _heading(line: str, state: dict[str, Any]) -> str | None:
    text = line.strip()
    words = text.split()
    if not words or len(words) > 10 or text.endswith((".", ",")):
        return None
    if text.lower() in PLAIN:
        if text.lower() == "appendix":
            state["appendix"] = True
        return f"# {text}" if text.lower() != "appendix" else "\\appendix"
    named = text.lower() in NAMED and (text.isupper() or not state.get("nums"))
    if text.lower() in BACK_MATTER or named:
        return f"# {text}"
    match = NUMBERED.match(text)
    if match and not state.get("appendix"):
        nums = [int(n) for n in match.group(1).split(".")]
        if _follows(state.get("nums", []), nums):
            state["nums"] = nums
            return f"{'#' * len(nums)} {match.group(1)} {match.group(2)}"
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


def _continues(heading: str, line: str) -> bool:
    """Whether `line` is the rest of a heading that a narrow column wrapped ("3.1
    Representing and manipulating" / "visually-rich documents with magelib"): the heading
    is long, the line short (a paragraph's first line fills the column) and no heading."""
    text = line.strip()
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


def pdf_pages(path: Path) -> list[str]:
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: the PDF is encrypted; decrypt it first")
        return [page.extract_text() or "" for page in reader.pages]
    except FileNotDecryptedError:
        raise InputError(f"{path}: the PDF is encrypted; decrypt it first") from None
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(f"{path}: not a readable PDF ({type(exc).__name__})") from None


def pdf_to_markdown(path: Path) -> tuple[str, str, int]:
    """The intermediate text, a title guess (first line) and the page count."""
    if os.environ.get(READER_ENV) == "docling":
        return _docling(path)
    pages = pdf_pages(path)
    if sum(len(p.strip()) for p in pages) < MIN_CHARS_PER_PAGE * max(1, len(pages)):
        raise InputError(
            f"{path}: the PDF has no text layer (scanned?); run OCR first or give the source"
        )
    state: dict[str, Any] = {}
    out: list[str] = []
    lines, page_starts = _lines(pages)
    title = next((ln.strip() for ln in lines[:40] if _title_like(ln)), path.stem)
    skip = False
    for i, line in enumerate(lines):
        if skip:
            skip = False
            continue
        heading = _heading(line, state)
        if not heading and _appendix_after_references(i, line, page_starts, out, state):
            state["appendix"], state["refs"] = True, False
            out.append(f"\n\\appendix\n\n# {line.strip()}\n")
        elif heading:
            state["refs"] = heading.lower().endswith("references")
            if i + 1 < len(lines) and _continues(heading, lines[i + 1]):
                heading, skip = f"{heading} {lines[i + 1].strip()}", True
            out.append(f"\n{heading}\n")
        elif EQUATION_END.search(line) and len(line) < 160:
            out.append(f"\n$${line.strip()}$$\n")
        else:
            out.append(line)
    refs = next((i for i, ln in enumerate(out) if ln.strip().lower().endswith("references")), None)
    body = dehyphenate(out[:refs]) + out[refs:] if refs is not None else dehyphenate(out)
    return "\n".join(body), title, len(pages)


def _lines(pages: list[str]) -> tuple[list[str], set[int]]:
    """Every page's lines without a page number alone on its first or last line, and the
    index where each page starts."""
    lines: list[str] = []
    starts: set[int] = set()
    for page in pages:
        own = page.splitlines()
        while own and PAGE_NUMBER.match(own[-1]):
            own.pop()
        while own and PAGE_NUMBER.match(own[0]):
            own.pop(0)
        starts.add(len(lines))
        lines.extend(own)
    return lines, starts


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
