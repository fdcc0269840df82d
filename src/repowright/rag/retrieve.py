"""Retrieval over reference indexes: BM25 (bm25s) over symbol names, signatures, docs and
file summaries; each blueprint file maps to candidate reference files and symbols."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import bm25s

from repowright.artifacts.blueprint import FileSpec
from repowright.code.symbols import SymbolRecord
from repowright.rag.embed import Embedder, cosine
from repowright.rag.index import FileRecord, RepoIndex

_PARTS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
CONFIDENCE_HALF = 6.0
"""BM25 score at which confidence is 0.5 (confidence = s / (s + CONFIDENCE_HALF))."""


def words(text: str) -> list[str]:
    """Identifier-aware tokens: `TodoStore.add_item` -> todo store add item."""
    return [w.lower() for w in _PARTS.findall(text.replace("_", " ")) if len(w) > 1]


@dataclass
class Candidate:
    repo: str
    root: str
    file: FileRecord
    symbol: SymbolRecord | None
    relationship: str
    confidence: float

    def snippet(self, max_lines: int = 60) -> str:
        """Whole source lines of the symbol (or the file head); never cut mid-line."""
        try:
            lines = (Path(self.root) / self.file.path).read_text(errors="replace").splitlines()
        except OSError:
            return ""
        if self.symbol is None:
            return "\n".join(lines[:max_lines])
        start, end = self.symbol.start_line - 1, self.symbol.end_line
        return "\n".join(lines[start : min(end, start + max_lines)])


class Retriever:
    """BM25 alone, or hybrid with dense embeddings when an `Embedder` is given: the score
    becomes (1 - w) * BM25 (normalised by the best hit) + w * cosine similarity."""

    def __init__(
        self, indexes: list[RepoIndex], embedder: Embedder | None = None, weight: float = 0.5
    ) -> None:
        self.entries: list[tuple[RepoIndex, FileRecord, SymbolRecord | None]] = []
        self.embedder, self.weight = embedder, weight
        docs: list[list[str]] = []
        texts: list[str] = []
        for index in indexes:
            for record in index.files:
                self.entries.append((index, record, None))
                texts.append(f"{record.path} {record.summary} {record.doc}")
                docs.append(words(texts[-1]) or ["_"])
                for sym in record.symbols:
                    self.entries.append((index, record, sym))
                    texts.append(f"{sym.name} {sym.signature} {sym.doc} {record.path}")
                    docs.append(words(f"{sym.name} {texts[-1]}") or ["_"])
        self._bm25 = bm25s.BM25()
        if docs:
            self._bm25.index(docs, show_progress=False)
        self._vectors = embedder.encode(texts) if embedder and texts else []

    def search(self, query: str, k: int = 5) -> list[tuple[int, float]]:
        terms = words(query)
        if not self.entries or not terms:
            return []
        scores = [float(x) for x in self._bm25.get_scores(terms)]
        if self.embedder is not None and self._vectors:
            top = max(scores) or 1.0
            query_vec = self.embedder.encode([query])[0]
            # Rescaled to BM25's range so confidence thresholds mean the same in both modes.
            scores = [
                ((1 - self.weight) * s / top + self.weight * max(cosine(query_vec, v), 0.0)) * top
                for s, v in zip(scores, self._vectors, strict=True)
            ]
        order = sorted(range(len(scores)), key=lambda i: -scores[i])
        return [(i, scores[i]) for i in order[:k] if scores[i] > 0]

    def candidates(self, spec: FileSpec, k: int = 5) -> list[Candidate]:
        planned = {s.name.lower() for s in spec.interface}
        stem = Path(spec.path).stem.lower()
        query = " ".join(
            [
                Path(spec.path).stem,
                spec.purpose,
                *(f"{s.name} {s.signature}" for s in spec.interface),
            ]
        )
        out = []
        for i, score in self.search(query, k):
            index, record, sym = self.entries[i]
            if sym is not None and sym.name.lower() in planned:
                relation = "implements_symbol"
            elif Path(record.path).stem.lower() == stem:
                relation = "same_role"
            else:
                relation = "utility"
            confidence = score / (score + CONFIDENCE_HALF)
            out.append(
                Candidate(index.name, index.root, record, sym, relation, round(confidence, 3))
            )
        return out
