"""The Blueprint schema as the planner writes it: the same fields, every list bounded.

`maxItems` stops a small model's runaway list under JSON-schema constrained decoding; a
stronger model's longer list is truncated, not refused (see `reports.Capped`). Only model
output uses these classes; `blueprint.yaml` holds a plain, unbounded `Blueprint`.
"""

from __future__ import annotations

from typing import Annotated

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
from repowright.blueprint.reports import Capped

PLAN_LIMITS = {"files": 30, "symbols": 8, "components": 8, "stages": 6, "packages": 20}


class FileDraft(FileSpec):
    interface: Annotated[list[Symbol], Capped(PLAN_LIMITS["symbols"])] = Field(default_factory=list)
    dependencies: Annotated[
        list[str], Capped(10, "Paths of other files in this tree it imports.")
    ] = Field(default_factory=list)
    sections: Annotated[list[str], Capped(5, "Section ids it implements.")] = Field(
        default_factory=list
    )
    covers: Annotated[list[str], Capped(12, "Ids of the algorithm items it implements.")] = Field(
        default_factory=list
    )


class ComponentDraft(Component):
    files: Annotated[list[str], Capped(12)] = Field(default_factory=list)


class StageDraft(Stage):
    files: Annotated[list[str], Capped(15)] = Field(default_factory=list)


class EnvironmentDraft(Environment):
    packages: Annotated[list[Package], Capped(PLAN_LIMITS["packages"])] = Field(
        default_factory=list
    )


class VerificationDraft(Verification):
    tests: Annotated[list[str], Capped(10, "Test files or cases to write.")] = Field(
        default_factory=list
    )
    expected_outputs: Annotated[list[str], Capped(10)] = Field(default_factory=list)


class BlueprintDraft(Blueprint):
    """A missing project name is tolerated here: the deterministic fixes derive one."""

    project_name: str = ""
    # The ignores: a pydantic subclass narrows these fields to lists of the bounded drafts;
    # mypy rejects narrowing a mutable (invariant) `list` attribute, pydantic validates as here.
    files: Annotated[list[FileDraft], Capped(PLAN_LIMITS["files"])]  # type: ignore[assignment]
    components: Annotated[list[ComponentDraft], Capped(PLAN_LIMITS["components"])] = Field(  # type: ignore[assignment]
        default_factory=list
    )
    environment: EnvironmentDraft = Field(default_factory=EnvironmentDraft)
    verification: VerificationDraft = Field(default_factory=VerificationDraft)
    plan: Annotated[list[StageDraft], Capped(PLAN_LIMITS["stages"])] = Field(default_factory=list)  # type: ignore[assignment]
    entry_points: Annotated[list[str], Capped(4, "Paths users run.")] = Field(default_factory=list)

    def to_blueprint(self) -> Blueprint:
        return Blueprint.model_validate(self.model_dump())
