"""Pipeline step `report`: a human summary (report.md) of what was built and verified."""

from __future__ import annotations

from typing import Any

from repowright.blueprint.coverage import Coverage
from repowright.blueprint.review import COVERAGE_FILE
from repowright.code.python import repo_files
from repowright.fsio import atomic_write
from repowright.models.metered import Totals
from repowright.pipeline.replan import replan_history
from repowright.prompts import render
from repowright.runs.context import RunContext


async def run_report(ctx: RunContext) -> dict[str, Any]:
    run = ctx.run
    verdict = run.verdict()
    totals = Totals.from_events(run.events)
    files = [p.relative_to(run.repo).as_posix() for p in repo_files(run.repo)]
    coverage = (
        Coverage.model_validate(run.read_json(COVERAGE_FILE))
        if run.path(COVERAGE_FILE).exists()
        else None
    )
    plan = run.completed_steps().get("blueprint")
    notes = list(plan.summary.get("auto_fixes", [])) if plan else []
    text = render(
        "report",
        verdict=verdict,
        totals=totals,
        files=files,
        run=run,
        coverage=coverage,
        plan_notes=notes,
        roles=Totals.by_role(run.events),
        replans=replan_history(run),
    )
    atomic_write(run.path("report.md"), text)
    return {"verified": verdict.verified, "files": len(files)}
