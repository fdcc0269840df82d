"""A paper's reference list, and the repository links in it and around it.

Styles: numbered (`[12] A. Author ...`, found in the joined text), one entry per paragraph or
line (Mathpix author-year, where a long entry split over two paragraphs is rejoined), and
author-year text with no breaks left (a PDF's two-column bibliography as pypdf reads it:
`Authors. 2019. Title. Venue.`), split before each author list that precedes `. YEAR.`.
"""

from __future__ import annotations

import re
from itertools import pairwise

from repowright.documents.schema import Block, Reference

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
AUTHOR_START = re.compile(
    r"^(?:\[\d+\]|\d+\.|- |(?:[a-z]+\s)*[A-Z][\w'’.\-]*(?:\s[\w'’.\-]+){0,3},\s*[A-Z])"
)
"""How an entry starts (`[3]`, `12.`, `Smith, J.`, `van Hasselt, H.`); other paragraphs of a
reference section continue the entry before them (Mathpix splits long ones)."""
YEAR_AFTER_AUTHORS = re.compile(r"\.\s+(?:19|20)\d{2}[a-z]?\.")
"""`Joachims. 2019.`: the year that closes an author list (not `ACL 2019.` in a venue)."""
HYPHEN_BREAK = re.compile(r"(?<=[a-z])- (?=[a-z])")
"""`in- terventions`: a word a line break hyphenated, its lines since joined by a space."""
NOT_A_SENTENCE_END = {"al", "proc", "pp", "vol", "no", "eds", "ed", "jr", "st", "inc", "vs"}


def parse_references(blocks: list[Block]) -> list[Reference]:
    """The entries of a references section, whatever its style (see the module docstring)."""
    joined = " ".join(" ".join(b.text.split()) for b in blocks)
    if len(re.findall(r"\[\d+\]\s", joined)) >= 2:  # "[1] A. Author ... [2] ..."
        parts = [e.strip().removesuffix("-").strip() for e in re.split(r"(?=\[\d+\]\s)", joined)]
        listed = [e for e in parts if re.search(r"[A-Za-z]{2}", e)]
        return [_reference(e) for e in listed]
    entries: list[str] = []
    for block in blocks:
        lines = [ln.strip() for ln in block.text.splitlines() if ln.strip()]
        numbered = sum(1 for ln in lines if re.match(r"^(\[\d+\]|\d+\.|- )", ln))
        for entry in lines if numbered >= max(2, len(lines) // 2) else [" ".join(lines)]:
            if entries and not AUTHOR_START.match(entry):  # "Deep variational ..." goes on
                entries[-1] = f"{entries[-1]} {entry}"
            else:
                entries.append(entry)
    if len(YEAR_AFTER_AUTHORS.findall(joined)) > len(entries):  # breaks lost (a PDF)
        entries = _author_year(joined)
    return [_reference(e) for e in entries]


def _reference(text: str) -> Reference:
    text = HYPHEN_BREAK.sub("", text)
    urls = [u.rstrip(".") for u in URL.findall(text)]
    return Reference(text=text, urls=urls, code_urls=code_urls(text))


def code_urls(text: str) -> list[str]:
    """Repository links in `text`, as https URLs, in order, without repeats."""
    found = (m.group(0).rstrip(".-") for m in CODE_URL.finditer(text))
    return list(dict.fromkeys(u if u.startswith("http") else f"https://{u}" for u in found))


def _author_year(joined: str) -> list[str]:
    """Entries of author-year text with no breaks: each starts after the last sentence end
    before the author list whose `. YEAR.` follows (initials like `K.` are not ends)."""
    years = list(YEAR_AFTER_AUTHORS.finditer(joined))
    starts = [0] + [_authors_start(joined, a.end(), b.start()) for a, b in pairwise(years)]
    return [joined[a:b].strip() for a, b in pairwise([*starts, len(joined)])]


def _authors_start(text: str, lo: int, hi: int) -> int:
    for m in reversed(list(re.finditer(r"[.?!]\s+", text[lo:hi]))):
        word = text[lo : lo + m.start()].rsplit(" ", 1)[-1]
        initial = len(word) == 1 and word.isupper()
        if not initial and word.lower() not in NOT_A_SENTENCE_END:
            return lo + m.end()
    return lo


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
