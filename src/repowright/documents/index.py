"""Budgeted retrieval over a document's segments: BM25 (bm25s) over stemmed words, with
section-title priors, boilerplate (checklists, acknowledgements) pushed down, and the budget's
rest filled with the neighbours of what was chosen."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, cast

import bm25s
import Stemmer

if TYPE_CHECKING:
    from repowright.documents.schema import Document, Segment

_WORD = re.compile(r"[a-z][a-z0-9_]+")
_STOP = """the and for with that this from are was were have has been its their our which into
than then these those such also can may not but all any each per via use used using over under
between both more most other some only same two one where when how what"""
STOPWORDS = frozenset(_STOP.split())

PURPOSES: dict[str, tuple[str, tuple[str, ...]]] = {
    # purpose: (expanded query, section-title words that get a prior boost)
    "concept": (
        "problem motivation approach method overview model architecture component module "
        "contribution propose framework experiment evaluate baseline",
        ("abstract", "introduction", "method", "approach", "model", "architecture", "overview"),
    ),
    "algorithm": (
        "algorithm equation loss objective function attention layer parameter hyperparameter "
        "learning rate optimizer step update compute input output dimension matrix softmax "
        "training procedure pseudocode",
        ("method", "model", "architecture", "algorithm", "approach", "training", "attention"),
    ),
    "experiments": (
        "experiment dataset benchmark evaluation metric result baseline accuracy score table "
        "training setup details hyperparameter learning rate batch size epoch steps seed "
        "hardware gpu runs",
        ("experiment", "result", "evaluation", "training", "setup", "dataset", "benchmark",
         "hyperparameter", "detail"),
    ),
    "environment": (
        "implementation details code library framework python pytorch tensorflow jax gpu cpu "
        "hardware compute install requirement version dataset download environment task "
        "simulator benchmark hyperparameter configuration",
        ("implementation", "setup", "training", "hardware", "experiment", "environment",
         "task", "hyperparameter", "detail", "appendix"),
    ),
}  # fmt: skip
PRIOR_BOOST = 1.5
BOILERPLATE = re.compile(
    r"checklist|acknowledg|impact statement|broader impact|ethic|author contribution|"
    r"funding|competing interest|guidelines|^answer",
    re.IGNORECASE,
)
"""Sections every paper has that say nothing about what to build."""
BOILERPLATE_WEIGHT = 0.2
_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return cast(str, _STEMMER.stemWord(word))  # PyStemmer ships no types


def words(text: str) -> list[str]:
    """Content words of `text`, lower case, stop words removed."""
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def tokenize(text: str) -> list[str]:
    """Stemmed content words: "hyperparameters" and "hyperparameter" are one term."""
    return [_stem(w) for w in words(text)]


def keywords(text: str, limit: int = 8) -> list[str]:
    """Most frequent content words of a segment (for the outline and quick inspection)."""
    counts: dict[str, int] = {}
    for word in words(text):
        if len(word) > 3:
            counts[word] = counts.get(word, 0) + 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def _retriever(doc: Document) -> bm25s.BM25:
    if doc._index is None:
        retriever = bm25s.BM25()
        corpus = [tokenize(f"{s.title} {s.title} {s.text}") or ["_"] for s in doc.segments]
        retriever.index(corpus, show_progress=False)
        doc._index = retriever
    return doc._index


def scores(doc: Document, query: str) -> list[float]:
    """Relevance of every segment; a purpose name expands to its query and title priors."""
    text, priors = PURPOSES.get(query, (query, ()))
    terms = tokenize(text)
    if not doc.segments:
        return []
    raw = list(_retriever(doc).get_scores(terms)) if terms else [0.0] * len(doc.segments)
    out = []
    for seg, score in zip(doc.segments, raw, strict=True):
        title = seg.title.lower()
        bonus = PRIOR_BOOST if any(p in title for p in priors) else 1.0
        if doc.sections and query in PURPOSES and _is_appendix(doc, seg) and query != "environment":
            bonus *= 0.5
        if query in PURPOSES and BOILERPLATE.search(seg.title):
            bonus *= BOILERPLATE_WEIGHT
        out.append(float(score) * bonus + (0.01 if bonus > 1.0 else 0.0))
    return out


def _is_appendix(doc: Document, seg: Segment) -> bool:
    try:
        return doc.section(seg.section_id).appendix
    except KeyError:
        return False


def select(doc: Document, query: str, token_budget: int) -> list[Segment]:
    """Greedy by relevance while the budget allows, then the chosen segments' neighbours in
    their section (a cut-off explanation continues there); returned in document order.

    A segment that does not fit is skipped and smaller ones after it are still considered;
    when no relevant segment fits, the most relevant one that does is taken (never empty
    while any segment fits the budget).
    """
    relevance = scores(doc, query)
    ranked = sorted(range(len(doc.segments)), key=lambda i: (-relevance[i], i))
    if any(relevance):
        # Irrelevant segments never pad a selection; with no signal at all (a short spec
        # whose words match nothing), fall back to reading from the start.
        relevant = [i for i in ranked if relevance[i] > 0]
        chosen = _fill(doc, relevant, token_budget, [])
        if not chosen:
            chosen = _fill(doc, ranked, token_budget, [])
    else:
        chosen = _fill(doc, ranked, token_budget, [])
    neighbours = [
        j
        for i in chosen
        for j in (i + 1, i - 1)
        if 0 <= j < len(doc.segments) and doc.segments[j].section_id == doc.segments[i].section_id
    ]
    chosen = _fill(doc, neighbours, token_budget, chosen)
    return [doc.segments[i] for i in sorted(chosen)]


def _fill(doc: Document, candidates: list[int], budget: int, chosen: list[int]) -> list[int]:
    """`chosen` plus each candidate, in order, that still fits the budget."""
    out = list(chosen)
    used = sum(doc.segments[i].tokens for i in out)
    for i in candidates:
        cost = doc.segments[i].tokens
        if i not in out and used + cost <= budget:
            out.append(i)
            used += cost
    return out
