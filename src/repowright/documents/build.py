"""Markdown-like text -> Document. Every reader converts to this one intermediate form.

Understood: `#` headings (and Mathpix-style `\\section{}`/`\\title{}`), `$$` display math and
`\\begin{equation|align|...}` blocks, fenced code (a fence tagged `algorithm` or `table` marks
that kind), `|` tables, images and `Figure N:`/`Table N:` captions, a line `\\appendix`, and
sections named Abstract, References/Bibliography and Appendix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from repowright.documents.index import keywords
from repowright.documents.schema import Block, Document, Reference, Section, Segment
from repowright.models.tokens import estimate_tokens
from repowright.runs.store import slugify

SEGMENT_TOKENS = 350
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LATEX_HEADING = re.compile(r"^\\(title|section|subsection|subsubsection)\*?\{(.+)\}\s*$")
LATEX_LEVEL = {"title": 0, "section": 1, "subsection": 2, "subsubsection": 3}
BEGIN_MATH = re.compile(r"^\\begin\{(equation|align|gather|multline|eqnarray)\*?\}")
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
CAPTION = re.compile(r"^(Figure|Fig\.|Table)\s*\d*[.:]")
URL = re.compile(r"https?://[^\s)\]}>,;\"']+")
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co")
REFERENCE_TITLES = ("references", "bibliography", "reference")


@dataclass
class _Section:
    title: str
    level: int
    appendix: bool
    blocks: list[Block] = field(default_factory=list)


def _blocks(lines: list[str]) -> tuple[list[tuple[int, str] | Block], str]:
    """Split lines into headings `(level, title)` and whole blocks; also return a title."""
    out: list[tuple[int, str] | Block] = []
    title = ""
    para: list[str] = []
    i = 0

    def flush() -> None:
        text = "\n".join(para).strip()
        if text:
            kind = "figure" if CAPTION.match(text) else "text"
            out.append(Block(kind=kind, text=text))
        para.clear()

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        heading = HEADING.match(line)
        latex = LATEX_HEADING.match(stripped)
        if heading or latex:
            flush()
            if latex and latex.group(1) == "title":
                title = latex.group(2).strip()
            elif latex:
                out.append((LATEX_LEVEL[latex.group(1)], latex.group(2).strip()))
            else:
                assert heading is not None
                out.append((len(heading.group(1)), heading.group(2).strip()))
        elif stripped == "\\appendix":
            flush()
            out.append((-1, "\\appendix"))
        elif stripped.startswith("```"):
            flush()
            tag = stripped[3:].strip().lower()
            end = next((j for j in range(i + 1, len(lines)) if lines[j].strip() == "```"), None)
            body = lines[i + 1 : end if end is not None else len(lines)]
            kind = tag if tag in ("algorithm", "table") else "code"
            out.append(Block(kind=kind, text="\n".join(body)))  # type: ignore[arg-type]
            i = end if end is not None else len(lines)
        elif stripped.startswith("$$"):
            flush()
            if stripped.endswith("$$") and len(stripped) > 4:
                out.append(Block(kind="equation", text=stripped))
            else:
                end = next(
                    (j for j in range(i + 1, len(lines)) if lines[j].strip().endswith("$$")),
                    len(lines) - 1,
                )
                out.append(Block(kind="equation", text="\n".join(lines[i : end + 1])))
                i = end
        elif BEGIN_MATH.match(stripped):
            flush()
            env = BEGIN_MATH.match(stripped).group(0)  # type: ignore[union-attr]
            closing = env.replace("\\begin", "\\end")
            end = next((j for j in range(i, len(lines)) if closing in lines[j]), len(lines) - 1)
            out.append(Block(kind="equation", text="\n".join(lines[i : end + 1])))
            i = end
        elif stripped.startswith("|"):
            flush()
            end = i
            while end + 1 < len(lines) and lines[end + 1].strip().startswith("|"):
                end += 1
            out.append(Block(kind="table", text="\n".join(lines[i : end + 1])))
            i = end
        elif IMAGE.search(stripped):
            flush()
            caption = IMAGE.sub(lambda m: m.group(1), stripped).strip()
            out.append(Block(kind="figure", text=caption or stripped))
        elif not stripped:
            flush()
        else:
            para.append(line)
        i += 1
    flush()
    return out, title


def _references(blocks: list[Block]) -> list[Reference]:
    joined = " ".join(" ".join(b.text.split()) for b in blocks)
    if len(re.findall(r"\[\d+\]\s", joined)) >= 2:  # "[1] A. Author ... [2] ..."
        parts = [e.strip().removesuffix("-").strip() for e in re.split(r"(?=\[\d+\]\s)", joined)]
        entries = [e for e in parts if re.search(r"[A-Za-z]{2}", e)]
        return [_reference(e) for e in entries]
    entries = []
    for block in blocks:
        lines = [ln.strip() for ln in block.text.splitlines() if ln.strip()]
        numbered = sum(1 for ln in lines if re.match(r"^(\[\d+\]|\d+\.|- )", ln))
        entries.extend(lines if numbered >= max(2, len(lines) // 2) else [" ".join(lines)])
    return [_reference(e) for e in entries]


def _reference(text: str) -> Reference:
    urls = [u.rstrip(".") for u in URL.findall(text)]
    return Reference(
        text=text, urls=urls, code_urls=[u for u in urls if any(h in u for h in CODE_HOSTS)]
    )


def build_document(text: str, *, source: str, kind: str, title: str = "") -> Document:
    items, found_title = _blocks(text.splitlines())
    title = title or found_title
    sections: list[_Section] = []
    current = _Section("Preamble", 1, False)
    appendix = False
    for item in items:
        if isinstance(item, Block):
            current.blocks.append(item)
            continue
        level, name = item
        if level == -1:
            appendix = True
            continue
        sections.append(current)
        appendix = appendix or name.lower().startswith("appendix")
        current = _Section(name, max(level, 1), appendix)
    sections.append(current)
    sections = [s for s in sections if s.blocks or s.title != "Preamble"]
    if not title and sections and sections[0].level == 1 and sections[0].title != "Preamble":
        title = sections[0].title
    return _assemble(sections, title=title, source=source, kind=kind)


def _assemble(parts: list[_Section], *, title: str, source: str, kind: str) -> Document:
    doc = Document(title=title or source, source=source, kind=kind)
    stack: list[Section] = []
    for n, part in enumerate(parts, start=1):
        name = part.title.strip().rstrip(".")
        bare = re.sub(r"^[\dA-Z](\.\d+)*\.?\s+", "", name).lower()
        if bare in REFERENCE_TITLES:
            doc.references.extend(_references(part.blocks))
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


def _segments(section: Section, blocks: list[Block]) -> list[Segment]:
    """Pack whole blocks into segments of about SEGMENT_TOKENS; a big block stands alone."""
    groups: list[list[Block]] = []
    size = 0
    for block in blocks:
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
