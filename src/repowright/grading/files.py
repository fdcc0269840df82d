"""The submission's files as the judge sees them: read once, pre-ranked, cut to a budget."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import bm25s

from repowright.grading.reproduce import LOG, RECORD, repo_files
from repowright.models.tokens import CHARS_PER_TOKEN, estimate_tokens

MAX_READ_BYTES = 400_000
"""Larger files are read only this far: a judge prompt never holds more anyway."""
MIN_EXCERPT_TOKENS = 200
"""Below this, a truncated file tells the judge too little to be worth the space."""
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class SubmissionFile:
    path: str
    size: int
    text: str | None
    """None for binary files: they are listed, never shown."""

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text) if self.text is not None else 0

    @property
    def first_line(self) -> str:
        if self.text is None:
            return "(binary)"
        return next((ln.strip()[:100] for ln in self.text.splitlines() if ln.strip()), "(empty)")


@dataclass(frozen=True)
class Shown:
    """A file as placed in a prompt: its content, possibly cut to fit the budget."""

    file: SubmissionFile
    content: str
    truncated: bool


def read_file(root: Path, rel: str) -> SubmissionFile:
    path = root / rel
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(MAX_READ_BYTES)
    text = None if b"\0" in head[:8192] else head.decode("utf-8", errors="replace")
    return SubmissionFile(path=rel, size=size, text=text)


def read_submission(root: Path, only: list[str] | None = None) -> list[SubmissionFile]:
    """The repo's files (or just `only`, if they still exist), minus our reproduction records."""
    if only is None:
        rels = [p.as_posix() for p in repo_files(root)]
    else:
        rels = [p for p in only if (root / p).is_file()]
    return [read_file(root, rel) for rel in rels if rel not in (LOG, RECORD)]


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def bm25_order(files: list[SubmissionFile], query: str) -> list[SubmissionFile]:
    """Files by lexical relevance to `query` (path words count too); stable on ties."""
    docs = [_words(f.path) + _words(f.text or "") for f in files]
    terms = _words(query)
    if len(files) < 2 or not terms or not any(docs):
        return list(files)
    retriever = bm25s.BM25()
    retriever.index([d or ["_"] for d in docs], show_progress=False)
    scores = retriever.get_scores(terms)
    order = sorted(range(len(files)), key=lambda i: -scores[i])
    return [files[i] for i in order]


def fit(files: list[SubmissionFile], budget: int) -> list[Shown]:
    """Take files in order while they fit; the first that does not is cut to what is left."""
    shown: list[Shown] = []
    left = budget
    for f in files:
        if f.text is None:
            shown.append(Shown(f, "", truncated=False))
            continue
        if f.tokens <= left:
            shown.append(Shown(f, f.text, truncated=f.size > MAX_READ_BYTES))
            left -= f.tokens
        elif left >= MIN_EXCERPT_TOKENS:
            shown.append(Shown(f, f.text[: left * CHARS_PER_TOKEN], truncated=True))
            left = 0
    return shown


def trim_log(text: str, budget: int) -> str:
    """Keep a log's start (setup) and, mostly, its end (results, errors) within `budget`."""
    limit = budget * CHARS_PER_TOKEN
    if len(text) <= limit:
        return text
    head = limit // 4
    tail = limit - head
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut ...]\n{text[-tail:]}"
