"""PDF -> the markdown-like intermediate with pypdf (docling optionally, when installed).

Lines come with their typography (`pdf_layout`), headings are told by `pdf_headings`; here
the page furniture goes (running heads, footers, page numbers), footnotes wait for the end
of their section, captions stand apart from the paragraph they interrupt (with the figure's
own labels), table rows become a table, and hyphenated words are joined again.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from repowright.documents.pdf_columns import reading_order
from repowright.documents.pdf_headings import (
    Typography,
    continues,
    heading_line,
    looks_like_heading,
    styled_headings,
    title_like,
)
from repowright.documents.pdf_layout import (
    DIGITS,
    Line,
    body_size,
    caption_spans,
    figure_labels,
    footnote_start,
    page_lines,
    running_lines,
    table_rows,
)
from repowright.errors import InputError

MAX_LABEL_WORDS = 40
"""A figure's own labels kept beside its caption, at most this many words."""
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
EQUATION_END = re.compile(r"\(\d{1,3}\)\s*$")
MIN_CHARS_PER_PAGE = 25
READER_ENV = "REPOWRIGHT_PDF_READER"


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


def pdf_pages(path: Path) -> list[list[Line]]:
    """Every page's lines with their typography (see `pdf_layout`)."""
    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError, PdfReadError

    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(f"{path}: the PDF is encrypted; decrypt it first")
        return [
            reading_order(page_lines(page, n), float(page.mediabox.width))
            for n, page in enumerate(reader.pages)
        ]
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
    body = body_size([ln for page in pages for ln in page])
    lines, page_starts, notes_at = _lines(pages, body)
    rows = table_rows(lines)
    captions = caption_spans(lines)
    labels = figure_labels(lines, captions, looks_like_heading, body)
    label_lines = {k for ks in labels.values() for k in ks}
    typo = Typography(body, styled_headings(lines, body))
    state: dict[str, Any] = {}
    out: list[str] = []
    title = next((ln.text.strip() for ln in lines[:40] if title_like(ln.text)), path.stem)
    notes: list[str] = []  # footnotes wait for the end of their section
    skip_to = -1  # lines already written (a caption's, a wrapped heading's second line)
    for i, line in enumerate(lines):
        text = line.text
        if i <= skip_to:
            continue
        if i in notes_at or i in label_lines:
            if i in notes_at:
                notes.append(text)
            continue
        if i in captions and i not in rows:
            end = captions[i]
            if text.lstrip().startswith("Table"):  # its column headings, up to its rows
                end = next((r - 1 for r in range(end + 1, end + 11) if r in rows), end)
            out.extend(["", *(ln.text for ln in lines[i : end + 1])])
            if i in labels:
                words = " ".join(lines[k].text.strip() for k in labels[i]).split()
                more = " ..." if len(words) > MAX_LABEL_WORDS else ""
                out.append(f"Figure text: {' '.join(words[:MAX_LABEL_WORDS])}{more}")
            out.append("")
            skip_to = end
            continue
        if i in rows:
            first, last = i - 1 not in rows, i + 1 not in rows
            cells = line.cells or [text.strip()]
            row = "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"
            out.extend(["", row] if first else [row])
            out.extend([""] if last else [])
            continue
        heading = heading_line(text, state, typo.judge(line))
        if not heading and _appendix_after_references(i, text, page_starts, out, state):
            state["appendix"], state["refs"] = True, False
            out.append(f"\n\\appendix\n\n# {text.strip()}\n")
        elif heading:
            state["refs"] = heading.lower().endswith("references")
            if i + 1 < len(lines) and continues(heading, lines[i + 1], typo):
                heading, skip_to = f"{heading} {lines[i + 1].text.strip()}", i + 1
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


def _lines(pages: list[list[Line]], body: float) -> tuple[list[Line], set[int], set[int]]:
    """Every page's lines without running heads and footers or a page number alone on its
    first or last line; the index where each page starts; the indexes of footnote lines
    (set smaller than the `body` size)."""
    running = running_lines(pages)
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
        and title_like(line)
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
