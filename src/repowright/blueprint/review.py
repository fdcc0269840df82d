"""Reading `blueprint.yaml` back, possibly edited by hand during `--review`, and checking it
again before generation trusts it."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.events import RunEvent
from repowright.blueprint.coverage import Coverage, check_coverage
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.reports import AlgorithmCatalog
from repowright.blueprint.validate import validate_blueprint
from repowright.errors import BlueprintInvalid
from repowright.runs.artifacts import BLUEPRINT_FILE
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir

ALGORITHMS_FILE = "algorithms.json"
COVERAGE_FILE = "coverage.json"


class BlueprintViolations(RunEvent):
    """A blueprint failed validation: a planner draft (`plan`) or a hand edit (`edit`)."""

    type: Literal["blueprint_violations"] = "blueprint_violations"
    source: Literal["plan", "edit"]
    round: int = 0
    violations: list[str] = Field(default_factory=list)


def write_coverage(run: RunDir, bp: Blueprint) -> Coverage:
    """Recompute `coverage.json` for `bp` against the saved algorithm catalog."""
    catalog = (
        AlgorithmCatalog.model_validate(run.read_json(ALGORITHMS_FILE))
        if run.path(ALGORITHMS_FILE).is_file()
        else AlgorithmCatalog()
    )
    coverage = check_coverage(bp, catalog)
    run.write_json(COVERAGE_FILE, coverage)
    return coverage


def revalidate_blueprint(ctx: RunContext) -> Blueprint:
    """Check `blueprint.yaml` again when a run resumes between the blueprint and generation.

    The same deterministic fixes as for the planner apply (the file is rewritten only when one
    changed something); any remaining violation is raised as `BlueprintInvalid`, which leaves
    the run resumable once the file is fixed. Coverage is recomputed for the edited plan.
    """
    run = ctx.run
    original = run.blueprint()
    bp, notes = autofix_blueprint(original, default_name=run.root.name)
    violations = validate_blueprint(bp)
    if violations:
        run.events.append(BlueprintViolations(source="edit", violations=violations))
        raise BlueprintInvalid(
            f"{run.path(BLUEPRINT_FILE)} is invalid; fix it, then resume", violations
        )
    if bp != original:
        run.write_blueprint(bp)
        ctx.progress.info("blueprint.yaml: " + "; ".join(notes))
    write_coverage(run, bp)
    return bp
