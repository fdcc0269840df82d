"""The planning agent: concepts + algorithm catalog -> a Blueprint that passes validation.

Each draft gets the deterministic fixes, then the validator; violations go back to the model
with the exact error list for a bounded number of rounds, after which the run fails with
`BlueprintInvalid` naming what is still wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import Field

from repowright.blueprint.agents import select_segments
from repowright.blueprint.errors import BlueprintInvalid
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.reports import AlgorithmCatalog, ConceptReport, capped
from repowright.blueprint.schema import (
    Blueprint,
    Component,
    Environment,
    FileSpec,
    Package,
    Stage,
    Symbol,
)
from repowright.blueprint.validate import validate_blueprint
from repowright.documents import Document
from repowright.models.base import Model
from repowright.models.structured import complete_structured
from repowright.prompts import chat

PLAN_LIMITS = {"files": 30, "symbols": 8, "components": 8, "stages": 6, "packages": 20}
MAX_REPAIR_ROUNDS = 3
ENVIRONMENT_SHARE = 0.25
"""Fraction of the context budget given to the document's environment/setup segments."""


class FileDraft(FileSpec):
    interface: capped(Symbol, PLAN_LIMITS["symbols"]) = Field(default_factory=list)
    dependencies: capped(str, 10, "Paths of other files in this tree it imports.") = Field(
        default_factory=list
    )
    sections: capped(str, 5, "Section ids it implements.") = Field(default_factory=list)
    covers: capped(str, 12, "Ids of the algorithm items it implements.") = Field(
        default_factory=list
    )


class EnvironmentDraft(Environment):
    packages: capped(Package, PLAN_LIMITS["packages"]) = Field(default_factory=list)


class BlueprintDraft(Blueprint):
    """The Blueprint schema with list bounds, used only for what the model writes."""

    files: capped(FileDraft, PLAN_LIMITS["files"])
    components: capped(Component, PLAN_LIMITS["components"]) = Field(default_factory=list)
    environment: EnvironmentDraft = Field(default_factory=EnvironmentDraft)
    plan: capped(Stage, PLAN_LIMITS["stages"]) = Field(default_factory=list)
    entry_points: capped(str, 4, "Paths users run.") = Field(default_factory=list)

    def to_blueprint(self) -> Blueprint:
        return Blueprint.model_validate(self.model_dump())


@dataclass
class PlanResult:
    blueprint: Blueprint
    repair_rounds: int = 0
    fixes: list[str] = field(default_factory=list)


ViolationHook = Callable[[int, list[str]], None]


@dataclass
class PlanningAgent:
    model: Model
    token_budget: int
    max_repair_rounds: int = MAX_REPAIR_ROUNDS
    on_violations: ViolationHook | None = None
    """Told `(round, violations)` each time a draft fails validation (the phase logs it)."""

    async def plan(
        self, doc: Document, concepts: ConceptReport, catalog: AlgorithmCatalog
    ) -> PlanResult:
        env_segments = select_segments(doc, [("environment", ENVIRONMENT_SHARE)], self.token_budget)
        messages = chat(
            "blueprint_plan_system",
            "blueprint_plan_user",
            title=doc.title,
            concepts=concepts,
            items=catalog.items,
            env_segments=env_segments,
            limits=PLAN_LIMITS,
        )
        draft = await complete_structured(self.model, messages, BlueprintDraft, tag="plan")
        fixes: list[str] = []
        for round_ in range(self.max_repair_rounds + 1):
            bp, notes = autofix_blueprint(draft.to_blueprint(), default_name=doc.title)
            fixes += notes
            violations = validate_blueprint(bp)
            if not violations:
                return PlanResult(bp, repair_rounds=round_, fixes=fixes)
            if self.on_violations is not None:
                self.on_violations(round_, violations)
            if round_ == self.max_repair_rounds:
                break
            draft = await complete_structured(
                self.model,
                chat(
                    "blueprint_plan_system",
                    "blueprint_repair_user",
                    violations=violations,
                    blueprint_json=bp.model_dump_json(),
                    limits=PLAN_LIMITS,
                ),
                BlueprintDraft,
                tag="plan_repair",
            )
        raise BlueprintInvalid(
            f"the planner's blueprint is still invalid after {self.max_repair_rounds} repair "
            "rounds",
            violations,
        )
