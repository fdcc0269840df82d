"""Interface drift: what a file promised in the blueprint versus what it really defines
(`drift.json`, written by generation, reported by verification)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Drift(BaseModel):
    path: str
    missing: list[str] = Field(default_factory=list, description="Planned names not defined.")
    changed: list[str] = Field(
        default_factory=list, description="`name: planned (a, b) != actual (a, c)`."
    )

    @property
    def any(self) -> bool:
        return bool(self.missing or self.changed)
