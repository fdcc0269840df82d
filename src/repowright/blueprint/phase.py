"""Pipeline step `blueprint`: concept and algorithm agents read the document concurrently, the
planning agent turns their reports into a validated `blueprint.yaml`.

Artifacts: concepts.json, algorithms.json, blueprint.yaml, coverage.json.
"""

from __future__ import annotations

import asyncio
from typing import Any

from repowright.blueprint.agents import AlgorithmAgent, ConceptAgent
from repowright.blueprint.planner import PlanningAgent
from repowright.blueprint.review import BlueprintViolations, write_coverage
from repowright.errors import InputError
from repowright.runs.context import RunContext

MAX_UNCOVERED_IN_SUMMARY = 50


async def run_blueprint(ctx: RunContext) -> dict[str, Any]:
    run = ctx.run
    doc = run.document()
    if doc is None:
        raise InputError(f"{run.root} has no parsed document; resume it to ingest the input")
    budget = ctx.settings.context_budget
    planner = ctx.model_for("planner")
    ctx.progress.phase("blueprint", 3)
    concepts, catalog = await asyncio.gather(
        ConceptAgent(planner, budget).run(doc), AlgorithmAgent(planner, budget).run(doc)
    )
    run.write_json("concepts.json", concepts)
    run.write_json("algorithms.json", catalog)
    ctx.progress.advance("blueprint", f"concepts: {len(concepts.components)} components")
    ctx.progress.advance("blueprint", f"algorithms: {len(catalog.items)} items")

    def log_violations(round_: int, violations: list[str]) -> None:
        run.events.append(BlueprintViolations(source="plan", round=round_, violations=violations))
        ctx.progress.info(f"blueprint: {len(violations)} violations, asking the planner to repair")

    agent = PlanningAgent(planner, budget, on_violations=log_violations)
    result = await agent.plan(doc, concepts, catalog)
    bp = result.blueprint
    run.write_blueprint(bp)
    coverage = write_coverage(run, bp)
    ctx.progress.advance("blueprint", f"plan: {len(bp.files)} files")
    return {
        "project": bp.project_name,
        "files": len(bp.files),
        "components": len(bp.components),
        "algorithm_items": len(catalog.items),
        "repair_rounds": result.repair_rounds,
        "auto_fixes": result.fixes,
        "coverage": f"{len(coverage.covered)}/{coverage.total}",
        "uncovered": coverage.uncovered_lines()[:MAX_UNCOVERED_IN_SUMMARY],
    }
