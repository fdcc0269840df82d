"""The Blueprint schema as the planner writes it: the same fields, every list bounded.

`maxItems` stops a small model's runaway list under JSON-schema constrained decoding; a
stronger model's longer list is truncated, not refused (see `reports.capped`). Only model
output uses these classes; `blueprint.yaml` holds a plain, unbounded `Blueprint`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from repowright.artifacts.blueprint import (
    Blueprint,
    Component,
    Environment,
    FileSpec,
    Package,
    Stage,
    Symbol,
    Verification,
)
from repowright.blueprint.reports import capped

PLAN_LIMITS = {"files": 30, "symbols": 8, "components": 8, "stages": 6, "packages": 20}


def _strings(limit: int, description: str | None = None) -> Any:
    return capped(str, limit, description)


class FileDraft(FileSpec):
    interface: capped(Symbol, PLAN_LIMITS["symbols"]) = Field(default_factory=list)
    dependencies: _strings(10, "Paths of other files in this tree it imports.") = Field(
        default_factory=list
    )
    sections: _strings(5, "Section ids it implements.") = Field(default_factory=list)
    covers: _strings(12, "Ids of the algorithm items it implements.") = Field(default_factory=list)


class ComponentDraft(Component):
    files: _strings(12) = Field(default_factory=list)


class StageDraft(Stage):
    files: _strings(15) = Field(default_factory=list)


class EnvironmentDraft(Environment):
    packages: capped(Package, PLAN_LIMITS["packages"]) = Field(default_factory=list)


class VerificationDraft(Verification):
    tests: _strings(10, "Test files or cases to write.") = Field(default_factory=list)
    expected_outputs: _strings(10) = Field(default_factory=list)


class BlueprintDraft(Blueprint):
    """A missing project name is tolerated here: the deterministic fixes derive one."""

    project_name: str = ""
    files: capped(FileDraft, PLAN_LIMITS["files"])
    components: capped(ComponentDraft, PLAN_LIMITS["components"]) = Field(default_factory=list)
    environment: EnvironmentDraft = Field(default_factory=EnvironmentDraft)
    verification: VerificationDraft = Field(default_factory=VerificationDraft)
    plan: capped(StageDraft, PLAN_LIMITS["stages"]) = Field(default_factory=list)
    entry_points: _strings(4, "Paths users run.") = Field(default_factory=list)

    def to_blueprint(self) -> Blueprint:
        return Blueprint.model_validate(self.model_dump())
