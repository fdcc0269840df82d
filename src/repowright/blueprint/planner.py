"""The planning agent: concepts + algorithm catalog -> a Blueprint that passes validation.

Each draft gets the deterministic fixes, then the validator; violations go back to the model
with the exact error list for a bounded number of rounds. When the only violations are in the
informational parts (components, plan stages or entry points naming no file of the tree), they
are dropped instead: measured on the e2e benchmark, two repair rounds (4-7 minutes on 2 cores)
returned the same references, or added files the document never asked for to match them.
Then (or as soon as a repair reply is unusable) a lossy salvage pass, logged change by change,
is tried; if even that cannot validate, the run fails with `BlueprintInvalid` naming what is
still wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.agents import select_segments
from repowright.blueprint.draft import PLAN_LIMITS, BlueprintDraft
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.reports import AlgorithmCatalog, ConceptReport
from repowright.blueprint.salvage import drop_dangling, salvage_blueprint
from repowright.blueprint.validate import validate_blueprint
from repowright.documents import Document
from repowright.errors import BlueprintInvalid
from repowright.models.base import Model
from repowright.prompts import chat
from repowright.prompts.structured import StructuredOutputError, complete_structured

MAX_REPAIR_ROUNDS = 3
ENVIRONMENT_SHARE = 0.25
"""Fraction of the context budget given to the document's environment/setup segments."""


@dataclass
class PlanResult:
    blueprint: Blueprint
    repair_rounds: int = 0
    fixes: list[str] = field(default_factory=list)
    """What the deterministic fixes changed in the accepted draft."""
    salvaged: bool = False
    """True when repair rounds failed and lossy salvage made the blueprint valid."""


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
            titles={seg.section_id: seg.title for seg in doc.segments},
            limits=PLAN_LIMITS,
        )
        draft = await complete_structured(self.model, messages, BlueprintDraft, tag="plan")
        return await self._settle(draft, doc, frozenset(item.id for item in catalog.items))

    async def revise(
        self, doc: Document, current: Blueprint, evidence: list[str], ids: frozenset[str]
    ) -> PlanResult:
        """A revised `current` that answers the verification `evidence` (failures that point
        at the plan), validated and fixed exactly like a first plan."""
        messages = chat(
            "blueprint_plan_system",
            "blueprint_replan_user",
            evidence=evidence,
            blueprint_json=current.model_dump_json(),
            limits=PLAN_LIMITS,
        )
        draft = await complete_structured(self.model, messages, BlueprintDraft, tag="replan")
        return await self._settle(draft, doc, ids)

    async def _settle(
        self, draft: BlueprintDraft, doc: Document, ids: frozenset[str]
    ) -> PlanResult:
        """Fix, validate, ask the model to repair (bounded), salvage: a valid blueprint or
        `BlueprintInvalid` naming what is still wrong."""
        text = doc.full_text()
        violations: list[str] = []
        previous: list[str] = []
        asked = 0
        for round_ in range(self.max_repair_rounds + 1):
            bp, fixes = autofix_blueprint(draft.to_blueprint(), doc.title, text, ids)
            violations = validate_blueprint(bp)
            if violations:  # only the informational parts wrong: no model round for that
                trimmed = bp.model_copy(deep=True)
                dropped = drop_dangling(trimmed)
                if not validate_blueprint(trimmed):
                    bp, violations, fixes = trimmed, [], [*fixes, *dropped]
            if not violations:
                return PlanResult(bp, repair_rounds=round_, fixes=fixes)
            if self.on_violations is not None:
                self.on_violations(round_, violations)
            if round_ == self.max_repair_rounds or violations == previous:
                break  # asking again with the same errors gets the same plan back
            previous = violations
            asked += 1
            try:
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
            except StructuredOutputError:
                break  # no usable repair: salvage the last draft rather than lose it
        salvaged, notes = salvage_blueprint(bp)
        salvaged, more = autofix_blueprint(salvaged, doc.title, text, ids)
        remaining = validate_blueprint(salvaged)
        if not remaining:
            return PlanResult(
                salvaged,
                repair_rounds=asked,
                fixes=[f"salvaged: {n}" for n in notes] + more,
                salvaged=True,
            )
        raise BlueprintInvalid(
            f"the planner's blueprint is still invalid after {asked} repair round(s)",
            remaining,
        )
