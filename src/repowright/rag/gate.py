"""The CodeRAG gate: inject reference snippets only where the blueprint leaves a file
under-specified and retrieval is confident, always within the prompt's token budget."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from repowright.artifacts.blueprint import FileSpec
from repowright.artifacts.events import RunEvent
from repowright.models.tokens import estimate_tokens
from repowright.prompts import render
from repowright.rag.retrieve import Candidate, Retriever

MIN_CONFIDENCE = 0.35
WELL_COVERED = 0.7


class Snippet(BaseModel):
    repo: str
    path: str
    symbol: str = ""
    relationship: str
    confidence: float
    text: str


class RagDecision(BaseModel):
    inject: bool
    reason: str
    confidence: float = 0.0
    coverage: float = 0.0
    snippets: list[Snippet] = Field(default_factory=list)

    def render(self) -> str:
        return render("rag_references", snippets=self.snippets) if self.snippets else ""


class RagDecided(RunEvent):
    type: Literal["rag_decided"] = "rag_decided"
    path: str
    inject: bool
    reason: str
    confidence: float = 0.0
    snippets: list[str] = Field(default_factory=list)


def coverage(spec: FileSpec) -> float:
    """How fully the blueprint specifies the file (0..1): a real purpose, typed signatures."""
    purpose = min(len(spec.purpose.split()) / 25, 1.0) * 0.4
    typed = [s for s in spec.interface if "(" in s.signature or s.kind == "constant"]
    interface = min(len(typed) / 3, 1.0) * 0.6 if spec.interface else 0.0
    return round(purpose + interface, 3)


def _snippets(cands: list[Candidate], budget: int) -> list[Snippet]:
    chosen, used = [], 0
    for c in cands:
        text = c.snippet()
        cost = estimate_tokens(text) + 30
        if text and used + cost <= budget:
            chosen.append(
                Snippet(repo=c.repo, path=c.file.path, symbol=c.symbol.name if c.symbol else "",
                        relationship=c.relationship, confidence=c.confidence, text=text)
            )  # fmt: skip
            used += cost
    return chosen


def decide(
    spec: FileSpec,
    retriever: Retriever | None,
    mode: str,
    token_budget: int,
) -> RagDecision:
    if mode == "off":
        return RagDecision(inject=False, reason="rag off")
    if retriever is None or not retriever.entries:
        return RagDecision(inject=False, reason="no reference index")
    cands = retriever.candidates(spec)
    top = cands[0].confidence if cands else 0.0
    cov = coverage(spec)
    if mode == "always":
        inject, reason = bool(cands), "rag always" if cands else "no matching reference"
    elif not cands or top < MIN_CONFIDENCE:
        inject, reason = False, f"retrieval not confident ({top:.2f} < {MIN_CONFIDENCE})"
    elif cov >= WELL_COVERED:
        inject, reason = False, f"blueprint covers the file well (coverage {cov:.2f})"
    else:
        inject, reason = True, f"coverage {cov:.2f}, retrieval confidence {top:.2f}"
    snippets = _snippets(cands, token_budget) if inject else []
    if inject and not snippets:
        inject, reason = False, f"{reason}; no snippet fits {token_budget} tokens"
    return RagDecision(
        inject=inject, reason=reason, confidence=top, coverage=cov, snippets=snippets
    )
