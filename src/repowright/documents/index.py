"""Budgeted retrieval over a document's segments: BM25 (bm25s) plus section-title priors."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import bm25s

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
        "training setup hyperparameter batch epoch steps hardware",
        ("experiment", "result", "evaluation", "training", "setup", "dataset", "benchmark"),
    ),
    "environment": (
        "implementation code library framework python pytorch tensorflow jax gpu hardware "
        "install requirement version dataset download",
        ("implementation", "setup", "training", "hardware", "experiment", "appendix"),
    ),
}
PRIOR_BOOST = 1.5


def tokenize(text: str) -> list[str]:
    return [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]


def keywords(text: str, limit: int = 8) -> list[str]:
    """Most frequent content words of a segment (for the outline and quick inspection)."""
    counts: dict[str, int] = {}
    for word in tokenize(text):
        if len(word) > 3:
            counts[word] = counts.get(word, 0) + 1
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


def _retriever(doc: Document) -> bm25s.BM25:
    if doc._index is None:
        retriever = bm25s.BM25()
        corpus = [tokenize(f"{s.title} {s.title} {s.text}") or ["_"] for s in doc.segments]
        retriever.index(corpus, show_progress=False)
        doc._index = retriever
    return doc._index  # type: ignore[return-value]


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
        out.append(float(score) * bonus + (0.01 if bonus > 1.0 else 0.0))
    return out


def _is_appendix(doc: Document, seg: Segment) -> bool:
    try:
        return doc.section(seg.section_id).appendix
    except KeyError:
        return False


def select(doc: Document, query: str, token_budget: int) -> list[Segment]:
    """Greedy by relevance while the budget allows; returned in document order.

    A segment that does not fit is skipped and smaller ones after it are still considered.
    """
    relevance = scores(doc, query)
    ranked = sorted(range(len(doc.segments)), key=lambda i: (-relevance[i], i))
    if any(relevance):
        # Irrelevant segments never pad a selection; with no signal at all (a short spec
        # whose words match nothing), fall back to reading from the start.
        ranked = [i for i in ranked if relevance[i] > 0]
    chosen: list[int] = []
    used = 0
    for i in ranked:
        cost = doc.segments[i].tokens
        if used + cost <= token_budget:
            chosen.append(i)
            used += cost
    return [doc.segments[i] for i in sorted(chosen)]
