"""What the concept and algorithm agents report (`concepts.json`, `algorithms.json`).

The schemas are small and flat on purpose: small local models decode them under a JSON-schema
grammar, so every list carries `maxItems` (which stops a runaway list) and longer lists from
stronger models are truncated rather than rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Annotated, Literal

from annotated_types import GroupedMetadata
from pydantic import BaseModel, BeforeValidator, Field

Kind = Literal["equation", "pseudocode", "hyperparameter", "dataset", "metric"]
ID_PREFIX: dict[str, str] = {
    "equation": "eq",
    "pseudocode": "alg",
    "hyperparameter": "hp",
    "dataset": "data",
    "metric": "metric",
}
LIMITS = {"components": 8, "experiments": 6, "items": 40}


@dataclass(frozen=True)
class Capped(GroupedMetadata):
    """`Annotated[list[X], Capped(limit)]`: the schema says `maxItems=limit`; longer input is
    truncated, not refused."""

    limit: int
    description: str | None = None

    def __iter__(self) -> Iterator[object]:
        limit = self.limit
        yield BeforeValidator(lambda v: v[:limit] if isinstance(v, list) else v)
        yield Field(description=self.description, json_schema_extra={"maxItems": limit})


class ConceptComponent(BaseModel):
    name: str
    description: str = ""
    section: str = Field(default="", description="Section id it comes from.")


class Experiment(BaseModel):
    name: str
    description: str = Field(default="", description="Setup and what is measured or shown.")
    expected: str = Field(default="", description="Expected result or behaviour.")
    section: str = ""


class ConceptReport(BaseModel):
    problem: str = ""
    method: str = Field(default="", description="The approach, or the application's design.")
    components: Annotated[list[ConceptComponent], Capped(LIMITS["components"])] = Field(
        default_factory=list
    )
    experiments: Annotated[list[Experiment], Capped(LIMITS["experiments"])] = Field(
        default_factory=list
    )


class AlgorithmItem(BaseModel):
    kind: Kind
    name: str
    detail: str = Field(default="", description="The formula, value or steps, copied exactly.")
    section: str = Field(default="", description="Section id it comes from.")


class AlgorithmReport(BaseModel):
    items: Annotated[list[AlgorithmItem], Capped(LIMITS["items"])] = Field(default_factory=list)


class CatalogItem(AlgorithmItem):
    id: str = Field(description="Stable id such as eq1 or hp2; blueprint files cite it in covers.")


class AlgorithmCatalog(BaseModel):
    """The algorithm items with ids assigned by repowright (never by the model)."""

    items: list[CatalogItem] = Field(default_factory=list)

    @classmethod
    def from_items(cls, items: Iterable[AlgorithmItem]) -> AlgorithmCatalog:
        """Drop empty and repeated items, then number each kind: eq1, eq2, hp1, ..."""
        seen: set[tuple[str, str]] = set()
        counts: dict[str, int] = {}
        catalog: list[CatalogItem] = []
        for item in items:
            name = item.name.strip() or item.detail.strip()[:60]
            key = (item.kind, name.lower())
            if not name or key in seen:
                continue
            seen.add(key)
            counts[item.kind] = counts.get(item.kind, 0) + 1
            ident = f"{ID_PREFIX[item.kind]}{counts[item.kind]}"
            catalog.append(CatalogItem(**{**item.model_dump(), "name": name, "id": ident}))
        return cls(items=catalog)
