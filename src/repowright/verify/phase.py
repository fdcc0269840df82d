"""Pipeline step `verify`: static checks, sandboxed execution, bounded repair, honest verdict.

A run may claim success only when its checks really pass: `verified` needs every check that
ran to pass and at least the compile and import checks to have run.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.drift import Drift
from repowright.artifacts.events import RunEvent
from repowright.artifacts.verdict import Check, Finding, Verdict
from repowright.blueprint.deliverables import is_test_file
from repowright.blueprint.fixes import own_modules
from repowright.code.python import ProjectIndex, load_memory
from repowright.config import Settings
from repowright.runs.context import RunContext
from repowright.sandbox.base import Sandbox
from repowright.sandbox.local import LocalSandbox
from repowright.verify.best import Snapshot
from repowright.verify.dynamic import DynamicConfig, probe_failures, run_dynamic
from repowright.verify.loop import repair_loop
from repowright.verify.repair import Repairer
from repowright.verify.rounds import RoundRecord
from repowright.verify.static import run_static

GATING = {"compile", "lint", "cross_imports", "call_arity", "requirements"}
"""Static failures that make running the code pointless until they are fixed."""
DYNAMIC = ("install", "import", "tests", "smoke")
REPAIR_FILE = "repair.json"
GENERATED = "generated"
"""The repository as generation left it, before any repair (what repair changed is a diff)."""


class VerifyRound(RunEvent):
    type: Literal["verify_round"] = "verify_round"
    round: int
    failing: int
    applied: int
    failed_edits: int
    resolved: int


class ProbeRan(RunEvent):
    """A repair candidate (or the state before it) run against failing tests: each costs a
    sandboxed pytest run, minutes when tests are slow, so the log says where the time went."""

    type: Literal["probe_ran"] = "probe_ran"
    tests: list[str]
    failing: int | None
    """None: pytest could not run them (a collection error, a timeout)."""
    seconds: float


@dataclass
class Verifier:
    """Runs every check on the repository as it is now."""

    repo: Path
    blueprint: Blueprint | None
    sandbox: Sandbox
    config: DynamicConfig
    drift: list[Drift] | None
    document: str = ""
    """The document's text: the signatures it states are checked."""

    async def verify(self) -> list[Check]:
        index = await asyncio.to_thread(ProjectIndex, self.repo)
        static = await asyncio.to_thread(
            run_static, self.repo, index, self.blueprint, self.drift, self.document
        )
        blocked = sorted(c.name for c in static if _blocks(c))
        if blocked:
            why = f"not run: static checks failed ({', '.join(blocked)}); fix those first"
            skipped = [
                Check(name=n, status="skipped", detail=why, stage="dynamic") for n in DYNAMIC
            ]
            return [*static, *skipped]
        return [
            *static,
            *await run_dynamic(self.sandbox, self.repo, index, self.blueprint, self.config),
        ]

    async def failures(self, nodes: list[str]) -> list[Finding] | None:
        """How these tests fail now (a rewrite is tried before it is kept)."""
        return await probe_failures(self.sandbox, self.repo, nodes, self.config)


def _blocks(check: Check) -> bool:
    """A failed gating check stops the dynamic checks, unless every finding is in a test file:
    then the code itself can still be imported and run, and what it does is worth knowing."""
    return (
        check.status == "failed"
        and check.name in GATING
        and (
            not check.findings
            or any(not f.file or not is_test_file(f.file) for f in check.findings)
        )
    )


def dynamic_config(settings: Settings) -> DynamicConfig:
    return DynamicConfig(
        test_timeout_s=settings.test_timeout_s,
        test_item_timeout_s=settings.test_item_timeout_s,
        smoke_timeout_s=settings.smoke_timeout_s,
        memory_mb=settings.sandbox_memory_mb,
        install=settings.sandbox_install,
    )


async def run_verify(ctx: RunContext) -> dict[str, Any]:
    run = ctx.run
    factory: Callable[[Path], Sandbox] = ctx.sandbox_factory or (
        lambda repo: LocalSandbox(repo, state_dir=run.path("sandbox"), backend=ctx.settings.sandbox)
    )
    sandbox = factory(run.repo)
    blueprint = run.blueprint()
    doc = run.document()
    stated = doc.full_text() if doc is not None else ""
    verifier = Verifier(
        run.repo, blueprint, sandbox, dynamic_config(ctx.settings), run.drift(), stated
    )

    async def probe(nodes: list[str]) -> list[Finding] | None:
        start = time.monotonic()
        found = await verifier.failures(nodes)
        seconds = round(time.monotonic() - start, 1)
        failing = None if found is None else len(found)
        run.events.append(ProbeRan(tests=nodes, failing=failing, seconds=seconds))
        return found

    repairer = Repairer(
        model=ctx.model_for("repair"),
        repo=run.repo,
        blueprint=blueprint,
        memory=load_memory(run.path("memory.jsonl")),
        budget_tokens=ctx.settings.context_budget,
        max_rounds=ctx.settings.fix_rounds,
        whole=ctx.settings.repair == "whole",
        doc=doc,
        own=frozenset(own_modules(blueprint)) if blueprint else frozenset(),
        probe=probe,
    )

    def on_round(record: RoundRecord) -> None:
        failed_edits = sum(not e.ok for e in record.edits)
        run.events.append(
            VerifyRound(
                round=record.round,
                failing=len(record.failing),
                applied=record.applied,
                failed_edits=failed_edits,
                resolved=len(record.resolved),
            )
        )
        ctx.progress.advance(
            "verify",
            f"repair round {record.round}: {record.applied} edits, "
            f"{len(record.resolved)} findings resolved",
        )

    async def verify_and_tell() -> list[Check]:
        checks = await verifier.verify()
        failed = [c.name for c in checks if c.status == "failed"]
        passed = sum(c.status == "passed" for c in checks)
        note = f"failed: {', '.join(failed)}" if failed else "nothing failed"
        ctx.progress.info(f"verify: {passed} checks passed; {note}")
        return checks

    if ctx.settings.fix_rounds and not run.path(GENERATED).exists():
        Snapshot.take(run.repo, [], 0).save(run.path(GENERATED))
    outcome = await repair_loop(verify_and_tell, repairer, ctx.settings.fix_rounds, on_round)
    verdict = Verdict.from_checks(
        outcome.checks,
        fixed=outcome.fixed,
        rounds=len(outcome.rounds),
        isolation=sandbox.isolation_report(),
        stop_reason=outcome.stop_reason,
    )
    run.write_verdict(verdict)
    run.write_json(REPAIR_FILE, [r.model_dump() for r in outcome.rounds])
    return {
        "verified": verdict.verified,
        "failed_checks": [c.name for c in verdict.checks if c.status == "failed"],
        "rounds": verdict.rounds,
        "fixed": len(verdict.fixed),
    }
