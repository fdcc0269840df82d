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
from repowright.documents.schema import Block, Document, Reference, Section, Segment
from repowright.models.tokens import estimate_tokens
from repowright.runs.store import slugify

SEGMENT_TOKENS = 350
URL = re.compile(r"https?://[^\s)\]}>,;\"']+")
CODE_HOSTS = ("github.com", "gitlab.com", "bitbucket.org", "huggingface.co")
CODE_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(?:github\.com|gitlab\.com|bitbucket\.org|huggingface\.co)"
    r"/[\w.\-]+(?:/[\w.\-]+)?"
)
"""A repository link, with or without its scheme (`github.com/kvfrans/fre` in an abstract)."""
OWN_CODE = re.compile(
    r"\b(?:our|we|this (?:work|paper|project))\b[^.]*\b(?:code|implementation|release|"
    r"available|open[- ]source)|\b(?:code|implementation|model|data|software|toolkit|library)"
    r"s?\b[^.]*\b(?:available|released|provided|found|hosted)\b[^.]*$",
    re.IGNORECASE,
)
REFERENCE_TITLES = ("references", "bibliography", "reference")
AUTHOR_START = re.compile(
    r"^(?:\[\d+\]|\d+\.|- |(?:[a-z]+\s)*[A-Z][\w'’.\-]*(?:\s[\w'’.\-]+){0,3},\s*[A-Z])"
)
"""How an entry starts (`[3]`, `12.`, `Smith, J.`, `van Hasselt, H.`); other paragraphs of a
reference section continue the entry before them (Mathpix splits long ones)."""
LETTERED = re.compile(r"^[A-Z](?:\s*\.\s*\d+)*\.?\s+\S")
"""`A. Hyperparameters`, `C.1 AntMaze`: a lettered section, an appendix in a numbered paper."""


@dataclass
class _Section:
    title: str
    level: int
    appendix: bool
    blocks: list[Block] = field(default_factory=list)


def _references(blocks: list[Block]) -> list[Reference]:
    joined = " ".join(" ".join(b.text.split()) for b in blocks)
    if len(re.findall(r"\[\d+\]\s", joined)) >= 2:  # "[1] A. Author ... [2] ..."
        parts = [e.strip().removesuffix("-").strip() for e in re.split(r"(?=\[\d+\]\s)", joined)]
        entries = [e for e in parts if re.search(r"[A-Za-z]{2}", e)]
        return [_reference(e) for e in entries]
    entries: list[str] = []
    for block in blocks:
        lines = [ln.strip() for ln in block.text.splitlines() if ln.strip()]
        numbered = sum(1 for ln in lines if re.match(r"^(\[\d+\]|\d+\.|- )", ln))
        for entry in lines if numbered >= max(2, len(lines) // 2) else [" ".join(lines)]:
            if entries and not AUTHOR_START.match(entry):  # "Deep variational ..." goes on
                entries[-1] = f"{entries[-1]} {entry}"
            else:
                entries.append(entry)
    return [_reference(e) for e in entries]


def _reference(text: str) -> Reference:
    urls = [u.rstrip(".") for u in URL.findall(text)]
    return Reference(text=text, urls=urls, code_urls=code_urls(text))


def code_urls(text: str) -> list[str]:
    """Repository links in `text`, as https URLs, in order, without repeats."""
    found = (m.group(0).rstrip(".-") for m in CODE_URL.finditer(text))
    return list(dict.fromkeys(u if u.startswith("http") else f"https://{u}" for u in found))


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
    body = code_urls("\n".join([doc.abstract, *(s.text for s in doc.segments)]))
    doc.code_urls = list(dict.fromkeys(body + cited))
    doc.own_code = own_code("\n".join([doc.abstract, *(s.text for s in doc.segments)]), title)
    return doc


def own_code(text: str, title: str) -> str:
    """The paper's own repository: a link that the words before it announce ("code for this
    project is provided at", "we release our implementation"), or whose name is in the title
    (`github.com/allenai/specter` for "SPECTER: ..."); '' when none is."""
    words = set(re.findall(r"[a-z0-9]+", title.lower()))
    for m in CODE_URL.finditer(text):
        url = code_urls(m.group(0))[0]
        name = re.sub(r"\d+$", "", url.rstrip("/").rsplit("/", 1)[-1].lower())  # footnote mark
        if url.count("/") >= 4 and name in words:
            return f"{url.rsplit('/', 1)[0]}/{url.rsplit('/', 1)[1][: len(name)]}"
        before = " ".join(text[max(0, m.start() - 200) : m.start()].split())
        if OWN_CODE.search(re.sub(r"(\w)- (\w)", r"\1\2", before)):  # "avail- able"
            return url
    return ""


def _assemble(parts: list[_Section], *, title: str, source: str, kind: str) -> Document:
    doc = Document(title=title or source, source=source, kind=kind)
    stack: list[Section] = []
    for n, part in enumerate(parts, start=1):
        name = part.title.strip().rstrip(".")
        bare = _bare(name)
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


def _bare(title: str) -> str:
    """A section title without its number, lower case: `3.2 References` -> `references`."""
    return re.sub(r"^[\dA-Z](\s*\.\s*\d+)*\.?\s+", "", title.strip().rstrip(".")).lower()


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
