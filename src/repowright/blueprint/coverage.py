"""Coverage: is every equation, algorithm and hyperparameter the algorithm agent found cited
by some file of the blueprint (`FileSpec.covers`)? The answer is `coverage.json`."""

from __future__ import annotations

from pydantic import BaseModel, Field

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.reports import AlgorithmCatalog, CatalogItem

CHECKED_KINDS = ("equation", "pseudocode", "hyperparameter")
"""Items that must land in code. Datasets and metrics are listed in the catalog but not
required here: they are usually used by the experiment scripts as a whole."""


class Coverage(BaseModel):
    checked_kinds: list[str] = Field(default_factory=lambda: list(CHECKED_KINDS))
    total: int = 0
    covered: list[str] = Field(default_factory=list, description="Ids cited by some file.")
    uncovered: list[CatalogItem] = Field(default_factory=list)
    unknown: list[str] = Field(
        default_factory=list, description="`path: id` citations that match no catalog item."
    )

    def uncovered_lines(self) -> list[str]:
        """One readable line per uncovered item, e.g. `eq2 (equation, s3): attention score`."""
        return [
            f"{i.id} ({i.kind}{', ' + i.section if i.section else ''}): {i.name}"
            for i in self.uncovered
        ]


def check_coverage(bp: Blueprint, catalog: AlgorithmCatalog) -> Coverage:
    cited = {ident for spec in bp.files for ident in spec.covers}
    known = {item.id for item in catalog.items}
    checked = [item for item in catalog.items if item.kind in CHECKED_KINDS]
    return Coverage(
        total=len(checked),
        covered=[item.id for item in checked if item.id in cited],
        uncovered=[item for item in checked if item.id not in cited],
        unknown=[f"{s.path}: {i}" for s in bp.files for i in s.covers if i not in known],
    )
