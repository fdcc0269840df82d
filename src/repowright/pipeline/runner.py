"""Runs the phases in order as checkpointed steps; a resumed run skips completed steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from repowright.artifacts.events import RunFinished, StepCompleted, StepFailed, StepStarted
from repowright.blueprint.phase import run_blueprint
from repowright.blueprint.review import revalidate_blueprint
from repowright.errors import BudgetExceeded
from repowright.generate.phase import run_generate
from repowright.pipeline.ingest import run_ingest
from repowright.pipeline.replan import run_replan
from repowright.pipeline.report import run_report
from repowright.runs.context import RunContext
from repowright.verify.phase import run_verify

Phase = Callable[[RunContext], Awaitable[dict[str, Any]]]

STEPS: list[tuple[str, Phase]] = [
    ("ingest", run_ingest),
    ("blueprint", run_blueprint),
    ("generate", run_generate),
    ("verify", run_verify),
    ("replan", run_replan),
    ("report", run_report),
]


async def execute(ctx: RunContext) -> str:
    """Run every step not yet completed; return the final status."""
    run = ctx.run
    done = run.completed_steps()
    if "blueprint" in done and "generate" not in done:
        revalidate_blueprint(ctx)  # blueprint.yaml may have been edited (--review)
    review_passed = any(
        isinstance(e, RunFinished) and e.status == "blueprint_ready" for e in run.events
    )
    names = [name for name, _ in STEPS]
    for i, (name, phase) in enumerate(STEPS):
        if name in done or done.keys() & set(names[i + 1 :]):
            continue  # done, or passed by a run made before this step existed
        run.events.append(StepStarted(step=name))
        ctx.progress.phase(name)
        try:
            summary = await phase(ctx)
        except BudgetExceeded as exc:
            run.events.append(StepFailed(step=name, error=str(exc)))
            run.events.append(RunFinished(status="stopped", reason=str(exc)))
            raise
        except Exception as exc:
            run.events.append(StepFailed(step=name, error=f"{type(exc).__name__}: {exc}"))
            raise
        run.events.append(StepCompleted(step=name, summary=summary))
        if name == "blueprint" and ctx.settings.review and not review_passed:
            run.events.append(
                RunFinished(status="blueprint_ready", reason="review requested (--review)")
            )
            return "blueprint_ready"
    verdict = run.verdict()
    status: Literal["verified", "failed"] = "verified" if verdict.verified else "failed"
    finished = [e for e in run.events if isinstance(e, RunFinished)]
    if not (finished and finished[-1].status == status):  # resuming a finished run: no-op
        run.events.append(RunFinished(status=status))
    return status
