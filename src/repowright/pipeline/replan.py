"""Pipeline step `replan`: verification evidence flows back into the plan.

When repair has done what it can and failures remain that point at the plan rather than at a
line of code (`verify/plan_level.py`), the planner gets them with the current blueprint and
returns a revision, validated like the first plan. Only the files whose plan changed, and the
files depending on them, are written again (CodeMem gets their new entries); then the
repository is verified and repaired again. A revision that does not leave the repository
better than before is undone. Bounded by `replan_rounds`.

Artifacts: blueprint.r0.yaml (the first plan), blueprint.rN.yaml (revision N, also the new
blueprint.yaml), replan/rN/before/, verdict.r(N-1).json and repair.r(N-1).json (the state it
started from and how repair got there).
Resumable: a `Replanned` event is written once the revision's stale files are removed, so a
resumed run generates what is still missing and verifies; `ReplanFinished` closes a round.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from pydantic import Field

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.events import RunEvent
from repowright.artifacts.verdict import Verdict
from repowright.blueprint.diff import PlanChange, confine, diff_blueprints, to_regenerate
from repowright.blueprint.fixes import own_modules
from repowright.blueprint.planner import PlanningAgent
from repowright.blueprint.reports import AlgorithmCatalog
from repowright.blueprint.review import ALGORITHMS_FILE, write_coverage
from repowright.blueprint.validate import validate_blueprint
from repowright.errors import BlueprintInvalid, InputError
from repowright.generate.phase import run_generate
from repowright.prompts.structured import StructuredOutputError
from repowright.runs.artifacts import BLUEPRINT_FILE, VERDICT_FILE
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir
from repowright.verify.best import Snapshot, score
from repowright.verify.phase import REPAIR_FILE, run_verify
from repowright.verify.plan_level import plan_findings, plan_scope


class Replanned(RunEvent):
    """Revision `round` is saved and its stale files removed; generation of `regenerate` follows."""

    type: Literal["replanned"] = "replanned"
    round: int
    evidence: list[str] = Field(default_factory=list)
    changes: list[PlanChange] = Field(default_factory=list)
    regenerate: list[str] = Field(default_factory=list)
    left_out: list[PlanChange] = Field(
        default_factory=list, description="Revisions of what the evidence is not about."
    )


class ReplanFinished(RunEvent):
    type: Literal["replan_finished"] = "replan_finished"
    round: int
    kept: bool
    before: list[str] = Field(default_factory=list, description="Failing checks before.")
    after: list[str] = Field(default_factory=list, description="Failing checks after.")
    note: str = ""


E = TypeVar("E", Replanned, ReplanFinished)


def revision_file(round_no: int) -> str:
    return f"blueprint.r{round_no}.yaml"


def _failed(verdict: Verdict) -> list[str]:
    return [c.name for c in verdict.checks if c.status == "failed"]


def _events(run: RunDir, cls: type[E], round_no: int) -> E | None:
    return next((e for e in run.events if isinstance(e, cls) and e.round == round_no), None)


async def _revise(ctx: RunContext, round_no: int) -> Replanned | str:
    """Ask the planner for revision `round_no`; the `Replanned` event once its stale files are
    removed, or why there is nothing to do."""
    run = ctx.run
    verdict, current = run.verdict(), run.blueprint()
    own = frozenset(own_modules(current))
    found = plan_findings(verdict.checks, own)
    if not found:
        return "no remaining failure points at the plan"
    evidence = [f"{f.label()} ({why})" for f, why in found]
    doc = run.document()
    if doc is None:
        raise InputError(f"{run.root} has no parsed document; resume it to ingest the input")
    ids = frozenset(
        item.id
        for item in AlgorithmCatalog.model_validate(run.read_json(ALGORITHMS_FILE)).items
    ) if run.path(ALGORITHMS_FILE).is_file() else frozenset()  # fmt: skip
    agent = PlanningAgent(ctx.model_for("planner"), ctx.settings.context_budget)
    try:
        revised = (await agent.revise(doc, current, evidence, ids)).blueprint
    except BlueprintInvalid as exc:
        return f"the planner's revision was invalid: {'; '.join(exc.violations[:3])}"
    except StructuredOutputError as exc:
        return f"the planner gave no usable revision: {exc}"
    confined, left_out = confine(current, revised, *plan_scope(found, own))
    if not validate_blueprint(confined):
        revised = confined
    else:
        left_out = []
    changes = diff_blueprints(current, revised)
    regenerate = to_regenerate(revised, changes)
    if not changes:
        return "the planner changed nothing"
    _save_start(run, round_no, current, verdict)
    for path in [*regenerate, *(c.path for c in changes if c.kind == "removed")]:
        (run.repo / path).unlink(missing_ok=True)
    run.write_yaml(revision_file(round_no), revised)
    run.write_blueprint(revised)
    event = Replanned(
        round=round_no,
        evidence=evidence,
        changes=changes,
        regenerate=regenerate,
        left_out=left_out,
    )
    run.events.append(event)
    return event


def _save_start(run: RunDir, round_no: int, current: Blueprint, verdict: Verdict) -> None:
    """What the round starts from, to undo it if it does not make things better."""
    if round_no == 1 and not run.path(revision_file(0)).exists():
        run.write_yaml(revision_file(0), current)
    before = run.path(f"replan/r{round_no}/before")
    shutil.rmtree(before, ignore_errors=True)
    Snapshot.take(run.repo, verdict.checks, 0).save(before)
    run.write_json(f"verdict.r{round_no - 1}.json", verdict)
    if run.path(REPAIR_FILE).is_file():
        shutil.copyfile(run.path(REPAIR_FILE), run.path(f"repair.r{round_no - 1}.json"))


def _undo(run: RunDir, round_no: int) -> None:
    before = run.path(f"replan/r{round_no}/before")
    Snapshot.take(before, [], 0).restore(run.repo)
    shutil.copyfile(run.path(revision_file(round_no - 1)), run.path(BLUEPRINT_FILE))
    shutil.copyfile(run.path(f"verdict.r{round_no - 1}.json"), run.path(VERDICT_FILE))


@dataclass
class ReplanRound:
    """One re-planning round as the report shows it."""

    round: int
    skipped: str = ""
    """Why no revision was made ('' when one was)."""
    event: Replanned | None = None
    finished: ReplanFinished | None = None

    @property
    def file(self) -> str:
        return revision_file(self.round)


def replan_history(run: RunDir) -> list[ReplanRound]:
    """Each re-planning round: why, what changed, what was written again, whether it was kept
    (or why no round was needed)."""
    out = [
        ReplanRound(e.round, event=e, finished=_events(run, ReplanFinished, e.round))
        for e in run.events
        if isinstance(e, Replanned)
    ]
    step = run.completed_steps().get("replan")
    if step is not None:
        out += [
            ReplanRound(r["round"], skipped=r["skipped"])
            for r in step.summary.get("rounds", [])
            if r.get("skipped")
        ]
    return out


async def run_replan(ctx: RunContext) -> dict[str, Any]:
    run = ctx.run
    rounds: list[dict[str, Any]] = []
    for round_no in range(1, ctx.settings.replan_rounds + 1):
        if (finished := _events(run, ReplanFinished, round_no)) is not None:
            rounds.append({"round": round_no, "kept": finished.kept})
            if not finished.kept:
                break
            continue
        if run.verdict().verified:
            break
        event = _events(run, Replanned, round_no) or await _revise(ctx, round_no)
        if isinstance(event, str):
            ctx.progress.info(f"replan {round_no}: no revision ({event})")
            rounds.append({"round": round_no, "skipped": event})
            break
        ctx.progress.info(
            f"replan {round_no}: {len(event.changes)} plan changes; regenerating "
            f"{', '.join(event.regenerate) or 'nothing'}"
        )
        await run_generate(ctx, targets=frozenset(event.regenerate))
        await run_verify(ctx)
        previous = Verdict.model_validate(run.read_json(f"verdict.r{round_no - 1}.json"))
        now = run.verdict()
        kept = score(now.checks) < score(previous.checks)
        if not kept:
            _undo(run, round_no)
        write_coverage(run, run.blueprint())
        note = "" if kept else "it verified no better: the previous plan and files are restored"
        run.events.append(
            ReplanFinished(
                round=round_no, kept=kept, before=_failed(previous), after=_failed(now), note=note
            )
        )
        rounds.append({"round": round_no, "kept": kept})
        if not kept:
            break
    return {"rounds": rounds, "verified": run.verdict().verified}
