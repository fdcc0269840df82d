"""The typed Document: a section tree cut into segments that agents select within a budget.

Blocks that lose their meaning when cut (display equations, algorithms, tables, code,
figure captions) are kept whole inside one segment. The BM25 index over segments is built
lazily and never serialised: document.json holds only the document.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

from repowright.models.tokens import estimate_tokens

BlockKind = Literal["text", "equation", "algorithm", "table", "code", "figure"]


class Block(BaseModel):
    kind: BlockKind = "text"
    text: str


class Segment(BaseModel):
    id: str
    section_id: str
    title: str
    text: str
    tokens: int = 0
    kinds: list[BlockKind] = Field(default_factory=list, description="Kinds of blocks inside.")
    keywords: list[str] = Field(default_factory=list)


class Section(BaseModel):
    id: str
    title: str
    level: int = 1
    parent: str | None = None
    appendix: bool = False
    tokens: int = 0


class Reference(BaseModel):
    text: str
    urls: list[str] = Field(default_factory=list)
    code_urls: list[str] = Field(default_factory=list, description="Repository links.")


class Document(BaseModel):
    title: str = ""
    abstract: str = ""
    source: str = ""
    kind: str = Field(default="text", description="pdf | markdown | latex | html | text | spec")
    sections: list[Section] = Field(default_factory=list)
    segments: list[Segment] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    code_urls: list[str] = Field(
        default_factory=list, description="Repository links anywhere in the paper, body first."
    )
    own_code: str = Field(
        default="", description="The paper's own repository: the first link outside references."
    )

    _index: object | None = PrivateAttr(default=None)

    def select(self, query: str, token_budget: int) -> list[Segment]:
        """The most relevant segments for a purpose (`concept`, `algorithm`, `experiments`,
        `environment`) or free-text query, within `token_budget`, in document order."""
        from repowright.documents.index import select

        return select(self, query, token_budget)

    def full_text(self) -> str:
        """The abstract and every segment's text: what the document says, in order."""
        return "\n".join([self.abstract, *(s.text for s in self.segments)])

    def total_tokens(self) -> int:
        return sum(s.tokens for s in self.segments) or estimate_tokens(self.abstract)

    def section(self, section_id: str) -> Section:
        for sec in self.sections:
            if sec.id == section_id:
                return sec
        raise KeyError(section_id)
