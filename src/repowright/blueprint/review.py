"""Reading `blueprint.yaml` back, possibly edited by hand during `--review`, and checking it
again before generation trusts it."""

from __future__ import annotations

from typing import Literal

import yaml
from pydantic import Field, ValidationError

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.events import RunEvent
from repowright.blueprint.coverage import Coverage, check_coverage
from repowright.blueprint.errors import BlueprintInvalid
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.reports import AlgorithmCatalog
from repowright.blueprint.validate import validate_blueprint
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir

BLUEPRINT_FILE = "blueprint.yaml"
ALGORITHMS_FILE = "algorithms.json"
COVERAGE_FILE = "coverage.json"


class BlueprintViolations(RunEvent):
    """A blueprint failed validation: a planner draft (`plan`) or a hand edit (`edit`)."""

    type: Literal["blueprint_violations"] = "blueprint_violations"
    source: Literal["plan", "edit"]
    round: int = 0
    violations: list[str] = Field(default_factory=list)


def load_blueprint(run: RunDir) -> Blueprint:
    """`blueprint.yaml` parsed and schema-checked; problems name the file and the field."""
    path = run.path(BLUEPRINT_FILE)
    if not path.is_file():
        raise BlueprintInvalid(f"{path} is missing", ["rerun the blueprint step"])
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise BlueprintInvalid(f"{path} is not valid YAML", [" ".join(str(exc).split())]) from None
    try:
        return Blueprint.model_validate(data)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}" for e in exc.errors()
        ]
        raise BlueprintInvalid(f"{path} does not match the blueprint schema", problems) from None


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
    original = load_blueprint(run)
    bp, notes = autofix_blueprint(original, default_name=run.root.name)
    violations = validate_blueprint(bp)
    if violations:
        run.events.append(BlueprintViolations(source="edit", violations=violations))
        raise BlueprintInvalid(
            f"{run.path(BLUEPRINT_FILE)} is invalid; fix it, then resume", violations
        )
    if bp != original:
        run.write_yaml(BLUEPRINT_FILE, bp)
        ctx.progress.info("blueprint.yaml: " + "; ".join(notes))
    write_coverage(run, bp)
    return bp
