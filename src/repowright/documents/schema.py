"""The typed Document: a section tree cut into segments that agents select within a budget.

(Thin version from the foundation; the ingestion issue replaces it with a richer one that
keeps these names.)
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from repowright.models.tokens import estimate_tokens


class Segment(BaseModel):
    id: str
    section_id: str
    title: str
    text: str
    tokens: int = 0


class Section(BaseModel):
    id: str
    title: str
    level: int = 1
    parent: str | None = None


class Document(BaseModel):
    title: str = ""
    abstract: str = ""
    source: str = ""
    sections: list[Section] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)

    def select(self, query: str, token_budget: int) -> list[Segment]:
        """Segments for a purpose/query within `token_budget`, in document order."""
        chosen, used = [], 0
        for seg in self.segments:
            if used + seg.tokens > token_budget:
                break
            chosen.append(seg)
            used += seg.tokens
        return chosen

    def total_tokens(self) -> int:
        return sum(s.tokens for s in self.segments) or estimate_tokens(self.abstract)
