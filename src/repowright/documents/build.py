"""Markdown-like text -> Document. Every reader converts to this one intermediate form.

Understood: `#` headings (and Mathpix-style `\\section{}`/`\\title{}`), `$$` display math and
`\\begin{equation|align|...}` blocks, fenced code (a fence tagged `algorithm` or `table` marks
that kind), `|` tables, images and `Figure N:`/`Table N:` captions, a line `\\appendix`, and
sections named Abstract, References/Bibliography and Appendix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from repowright.documents.blocks import scan
from repowright.documents.index import keywords
from repowright.documents.references import code_urls, own_code, parse_references
from repowright.documents.schema import Block, Document, Section, Segment
from repowright.fsio import slugify
from repowright.models.tokens import estimate_tokens

SEGMENT_TOKENS = 350
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(\[])")
REFERENCE_TITLES = ("references", "bibliography", "reference")
LETTERED = re.compile(r"^[A-Z](?:\s*\.\s*\d+)*\.?\s+\S")
"""`A. Hyperparameters`, `C.1 AntMaze`: a lettered section, an appendix in a numbered paper."""


@dataclass
class _Section:
    title: str
    level: int
    appendix: bool
    blocks: list[Block] = field(default_factory=list)


def build_document(text: str, *, source: str, kind: str, title: str = "") -> Document:
    items, found_title = scan(text)
    title = title or found_title
    sections: list[_Section] = []
    current = _Section("Preamble", 1, False)
    appendix = after_main = False
    for item in items:
        if isinstance(item, Block):
            current.blocks.append(item)
            continue
        level, name = item
        if level == -1:
            appendix = True
            continue
        sections.append(current)
        bare = _bare(name)
        after_main = after_main or bare in REFERENCE_TITLES or name[:1].isdigit()
        lettered = after_main and LETTERED.match(name) is not None
        appendix = appendix or bare.startswith("appendix") or lettered
        current = _Section(name, max(level, 1), appendix)
    sections.append(current)
    sections = [s for s in sections if s.blocks or s.title != "Preamble"]
    if not title and sections and sections[0].level == 1 and sections[0].title != "Preamble":
        title = sections[0].title
    doc = _assemble(sections, title=title, source=source, kind=kind)
    cited = [u for r in doc.references for u in r.code_urls]
    body = code_urls(doc.full_text())
    doc.code_urls = list(dict.fromkeys(body + cited))
    doc.own_code = own_code(doc.full_text(), title)
    return doc


def _assemble(parts: list[_Section], *, title: str, source: str, kind: str) -> Document:
    doc = Document(title=title or source, source=source, kind=kind)
    stack: list[Section] = []
    for n, part in enumerate(parts, start=1):
        name = part.title.strip().rstrip(".")
        bare = _bare(name)
        if bare in REFERENCE_TITLES:
            doc.references.extend(parse_references(part.blocks))
            continue
        if bare == "abstract" and not doc.abstract:
            doc.abstract = "\n\n".join(b.text for b in part.blocks)
        while stack and stack[-1].level >= part.level:
            stack.pop()
        sid = f"s{n}-{slugify(name, 24)}"
        section = Section(
            id=sid,
            title=name,
            level=part.level,
            parent=stack[-1].id if stack else None,
            appendix=part.appendix,
        )
        stack.append(section)
        doc.sections.append(section)
        doc.segments.extend(_segments(section, part.blocks))
        section.tokens = sum(s.tokens for s in doc.segments if s.section_id == sid)
    return doc


def _bare(title: str) -> str:
    """A section title without its number, lower case: `3.2 References` -> `references`."""
    return re.sub(r"^[\dA-Z](\s*\.\s*\d+)*\.?\s+", "", title.strip().rstrip(".")).lower()


def _split_text(block: Block) -> list[Block]:
    """A text block over SEGMENT_TOKENS (a PDF page read as one paragraph) cut between
    sentences into pieces of about SEGMENT_TOKENS; other kinds stay whole."""
    if block.kind != "text" or estimate_tokens(block.text) <= SEGMENT_TOKENS:
        return [block]
    pieces: list[str] = []
    for sentence in SENTENCE_END.split(block.text):
        if pieces and estimate_tokens(pieces[-1]) + estimate_tokens(sentence) <= SEGMENT_TOKENS:
            pieces[-1] = f"{pieces[-1]} {sentence}"
        else:
            pieces.append(sentence)
    return [Block(kind="text", text=p) for p in pieces]


def _segments(section: Section, blocks: list[Block]) -> list[Segment]:
    """Pack whole blocks into segments of about SEGMENT_TOKENS; a big equation, table or
    algorithm stands alone, a big text block is cut between sentences."""
    groups: list[list[Block]] = []
    size = 0
    for block in (piece for b in blocks for piece in _split_text(b)):
        cost = estimate_tokens(block.text)
        if groups and size + cost <= SEGMENT_TOKENS:
            groups[-1].append(block)
            size += cost
        else:
            groups.append([block])
            size = cost
    out = []
    for k, group in enumerate(groups, start=1):
        text = "\n\n".join(b.text for b in group)
        out.append(
            Segment(
                id=f"{section.id}/{k}",
                section_id=section.id,
                title=section.title,
                text=text,
                tokens=estimate_tokens(text),
                kinds=sorted({b.kind for b in group}),
                keywords=keywords(f"{section.title} {text}"),
            )
        )
    return out
