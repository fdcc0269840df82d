"""The two reading agents. Each sees only its own budgeted selection of the document, so they
can run concurrently and neither prompt grows with the document."""

from __future__ import annotations

from dataclasses import dataclass

from repowright.blueprint.reports import LIMITS, AlgorithmCatalog, AlgorithmReport, ConceptReport
from repowright.documents import Document, Segment
from repowright.models.base import Model
from repowright.prompts import chat
from repowright.prompts.structured import complete_structured


def select_segments(doc: Document, shares: list[tuple[str, float]], budget: int) -> list[Segment]:
    """Segments for several purposes, each within its share of `budget`, without repeats."""
    chosen: dict[str, Segment] = {}
    for purpose, share in shares:
        for seg in doc.select(purpose, int(budget * share)):
            chosen.setdefault(seg.id, seg)
    return list(chosen.values())


@dataclass
class ConceptAgent:
    """What is built and why: the problem, the method, its components and the experiments to
    reproduce (for a spec: the behaviours to demonstrate)."""

    model: Model
    token_budget: int

    async def run(self, doc: Document) -> ConceptReport:
        segments = select_segments(
            doc, [("concept", 2 / 3), ("experiments", 1 / 3)], self.token_budget
        )
        return await complete_structured(
            self.model,
            chat(
                "blueprint_concept_system",
                "blueprint_concept_user",
                doc=doc,
                segments=segments,
                limits=LIMITS,
            ),
            ConceptReport,
            tag="concept",
        )


@dataclass
class AlgorithmAgent:
    """The exact details to implement: equations, pseudocode, hyperparameters, datasets and
    metrics, each with its section. A spec usually has none; an empty catalog is normal."""

    model: Model
    token_budget: int

    async def run(self, doc: Document) -> AlgorithmCatalog:
        segments = select_segments(doc, [("algorithm", 1.0)], self.token_budget)
        report = await complete_structured(
            self.model,
            chat(
                "blueprint_algorithm_system",
                "blueprint_algorithm_user",
                doc=doc,
                segments=segments,
                limit=LIMITS["items"],
            ),
            AlgorithmReport,
            tag="algorithm",
        )
        return AlgorithmCatalog.from_items(report.items)
