"""Start or resume a run: pick the model, wrap it with retries and metering, run the steps."""

from __future__ import annotations

import contextlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repowright.artifacts.events import (
    ModelCalled,
    RunFinished,
    RunStarted,
    StepCompleted,
    StepStarted,
)
from repowright.config import ROLES, Settings
from repowright.documents import check_input
from repowright.errors import InputError
from repowright.models.base import Model, fit_context_budget
from repowright.models.local import contention_note, setup_note
from repowright.models.metered import Budget, MeteredModel, Totals, metered_stack
from repowright.models.pricing import price_table
from repowright.models.registry import absolute_spec, check_spec, default_spec, open_model
from repowright.pipeline.runner import execute
from repowright.rag.provider import make_reference_provider
from repowright.runs.artifacts import RUN_FILE
from repowright.runs.context import RunContext, SandboxFactory
from repowright.runs.progress import Progress, QuietProgress
from repowright.runs.store import RunDir

SPEC_FILE = "spec.md"
ROLE_STEPS = {
    "planner": ("blueprint", "replan"),
    "coder": ("generate", "replan"),
    "repair": ("verify", "replan"),
}
"""The roles a run has, each with the steps that use its model (re-planning uses all three)."""


@dataclass
class RunOutcome:
    run_dir: Path
    status: str
    totals: Totals


def create_run(
    input_path: Path | None, spec_text: str | None, settings: Settings, out: Path | None
) -> RunDir:
    """Check the input and model spec, then make the run directory and copy the input in (the
    run never depends on the original); a refused start leaves nothing behind."""
    if (input_path is None) == (spec_text is None):
        raise InputError("give exactly one of INPUT or --spec")
    if input_path is not None:
        check_input(input_path)
    if spec_text is not None and not spec_text.strip():
        raise InputError("--spec is empty")
    for spec in dict.fromkeys(settings.model_for(role) for role in ROLES):
        if spec:
            check_spec(spec)
    name = input_path.stem if input_path is not None else (spec_text or "spec")[:40]
    run = RunDir.create(out, name)
    if input_path is not None and input_path.is_dir():
        shutil.copytree(input_path, run.root / "input" / input_path.name)
        input_name = input_path.name
    elif input_path is not None:
        shutil.copy2(input_path, run.root / "input" / input_path.name)
        input_name = input_path.name
    else:
        (run.root / "input" / SPEC_FILE).write_text(spec_text or "", encoding="utf-8")
        input_name = SPEC_FILE
    saved = settings.model_copy(
        update={
            "model": absolute_spec(settings.model),
            **{f"{r}_model": absolute_spec(getattr(settings, f"{r}_model")) for r in ROLES},
        }
    )
    run.write_json(RUN_FILE, {"input": input_name, "settings": saved.model_dump()})
    return run


def load_settings(run: RunDir, overrides: dict[str, Any]) -> Settings:
    """The run's own settings, with only the flags given now (e.g. a higher --max-cost) on top;
    those are saved, so a later resume keeps them."""
    record = run.record()
    given = {k: v for k, v in overrides.items() if v is not None}
    settings = Settings.checked({**record["settings"], **given}, source=str(run.path(RUN_FILE)))
    if given:
        record["settings"] = settings.model_dump()
        run.write_json(RUN_FILE, record)
    return settings


async def drive(
    run: RunDir,
    settings: Settings,
    progress: Progress | None = None,
    *,
    model: Model | None = None,
    sandbox_factory: SandboxFactory | None = None,
) -> RunOutcome:
    """Execute the remaining steps of a run (holding the run's lock). The raw `model` is
    opened from `settings.model` unless given (it is then wrapped with retries and metering
    like any other); `sandbox_factory` replaces the configured sandbox."""
    with run.locked():
        return await _drive(run, settings, progress or QuietProgress(), model, sandbox_factory)


async def _drive(
    run: RunDir,
    settings: Settings,
    progress: Progress,
    model: Model | None,
    sandbox_factory: SandboxFactory | None,
) -> RunOutcome:
    spec = model.name if model is not None else settings.model
    if not spec:
        spec, note = default_spec()
        progress.info(note)
        settings = settings.model_copy(update={"model": spec})
        saved = run.record()
        saved["settings"]["model"] = spec
        run.write_json(RUN_FILE, saved)
    if not any(isinstance(e, RunStarted) for e in run.events):
        run.events.append(
            RunStarted(input=run.record()["input"], model=spec, options=settings.model_dump())
        )
    async with contextlib.AsyncExitStack() as stack:

        async def opened(spec: str, logs: Path) -> Model:
            for note in (setup_note(spec), contention_note(spec)):
                if note:
                    progress.info(note)
            return await stack.enter_async_context(
                open_model(
                    spec,
                    timeout_s=settings.request_timeout_s,
                    reasoning_effort=settings.reasoning_effort,
                    log_dir=logs,
                )
            )

        raws = {spec: model if model is not None else await opened(spec, run.root / "logs")}
        for role, steps in ROLE_STEPS.items():  # a role's own model starts only if needed
            own = getattr(settings, f"{role}_model")
            if own and own not in raws and _needed(run, settings, steps):
                raws[own] = await opened(own, run.root / "logs" / role)
        roles = {
            role: raws.get(settings.model_for(role)) or raws[spec] for role in ROLE_STEPS
        }  # fmt: skip
        status = await _execute(run, settings, progress, raws[spec], roles, sandbox_factory)
    return RunOutcome(run.root, status, Totals.from_events(run.events))


def _needed(run: RunDir, settings: Settings, steps: tuple[str, ...]) -> bool:
    """Whether one of `steps` may still call a model: not done, and re-planning only while it
    is on and the repository is not known to verify."""
    for step in steps:
        if run.is_done(step):
            continue
        if step == "replan" and (
            settings.replan_rounds == 0 or (run.is_done("verify") and run.verdict().verified)
        ):
            continue
        return True
    return False


async def _execute(
    run: RunDir,
    settings: Settings,
    progress: Progress,
    raw: Model,
    roles: dict[str, Model],
    sandbox_factory: SandboxFactory | None,
) -> str:
    budget, smallest = min(
        (fit_context_budget(settings.context_budget, m), m.name) for m in [raw, *roles.values()]
    )
    if budget < settings.context_budget:
        progress.info(f"context budget: {budget} tokens, to fit {smallest}'s context window")
        settings = settings.model_copy(update={"context_budget": budget})

    def metered(model: Model, role: str, share: MeteredModel | None) -> MeteredModel:
        return metered_stack(
            model,
            run.events,
            max_retries=settings.max_retries,
            budget=Budget(settings.max_cost, settings.max_tokens, settings.max_calls),
            cache_dir=run.cache_dir if settings.cache else None,
            prices=price_table(settings.price, model.name),
            on_retry=lambda n, wait, exc: progress.info(
                f"[yellow]retry {n} in {wait:.1f}s[/]: {exc}"
            ),
            warn=lambda msg: progress.info(f"[yellow]warning:[/] {msg}"),
            role=role,
            share=share,
        )

    default = metered(raw, "", None)
    ctx = RunContext(
        run=run,
        model=default,
        models={role: metered(m, role, default) for role, m in roles.items()},
        settings=settings,
        progress=progress,
        sandbox_factory=sandbox_factory,
        reference_provider=make_reference_provider(settings, run.events),
    )
    return await execute(ctx)


def has_progress(run: RunDir) -> bool:
    """Whether the run did anything worth resuming: a completed step or a model call."""
    return any(isinstance(e, StepCompleted | ModelCalled) for e in run.events)


def run_state(run: RunDir) -> dict[str, Any]:
    """What `repowright status` shows: phase, steps done, files, tokens, cost."""
    events = list(run.events)
    done = [e.step for e in events if isinstance(e, StepCompleted)]
    started = [e.step for e in events if isinstance(e, StepStarted)]
    finished = [e for e in events if isinstance(e, RunFinished)]
    totals = Totals.from_events(events)
    files = sum(1 for p in run.repo.rglob("*") if p.is_file()) if run.repo.exists() else 0
    return {
        "run_dir": str(run.root),
        "steps_done": done,
        "phase": started[-1] if started and started[-1] not in done else "",
        "status": finished[-1].status if finished else "in progress",
        "reason": finished[-1].reason if finished else "",
        "files": files,
        "calls": totals.calls,
        "cached_calls": totals.cached_calls,
        "prompt_tokens": totals.prompt_tokens,
        "completion_tokens": totals.completion_tokens,
        "cost_usd": round(totals.cost_usd, 6),
        "unpriced_calls": totals.unpriced_calls,
    }
