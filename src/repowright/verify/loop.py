"""The repair loop: verify; while something fails and rounds remain, repair and verify again.
Bounded rounds; stops early when the same set of errors comes back, and ends on the best
repository seen."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from repowright.artifacts.verdict import Check
from repowright.prompts.structured import StructuredOutputError
from repowright.verify.best import Snapshot, score
from repowright.verify.repair import Repairer
from repowright.verify.rounds import (
    NO_EDIT_BETTER,
    RoundRecord,
    error_signature,
    failing_findings,
)

FREE_ROUNDS = 5
"""Rounds fixed without the model (an import, an attribute set on every path) cost seconds, so
they do not use up the fix rounds; this bounds them."""


@dataclass
class LoopOutcome:
    checks: list[Check]
    fixed: list[str]
    rounds: list[RoundRecord]
    stop_reason: str


async def repair_loop(
    verify: Callable[[], Awaitable[list[Check]]],
    repairer: Repairer | None,
    max_rounds: int,
    on_round: Callable[[RoundRecord], None] = lambda record: None,
) -> LoopOutcome:
    """Verify; while something fails and rounds remain, repair and verify again. Ends on the
    best repository seen, the earliest of equals: a loop that made things worse, or changed
    code without fixing anything, restores it (`verify/best.py`). rle's edit left the same two
    tests failing and broke an acceptance test the generated ones did not cover."""
    checks = await verify()
    best = Snapshot.take(repairer.repo, checks, 0) if repairer is not None else None
    outcome = await _rounds(checks, verify, repairer, max_rounds, on_round)
    if best is None or repairer is None:  # both or neither
        return outcome
    final = 0  # the round whose files the loop ends with
    for record in outcome.rounds:  # the snapshot after each round, as the loop left it
        if record.snapshot is not None:
            final = record.snapshot.round
            if score(record.snapshot.checks) < score(best.checks):
                best = record.snapshot  # on a tie the earlier one: fewer unverified changes
        record.snapshot = None
    if best.round != final and score(best.checks) <= score(outcome.checks):
        best.restore(repairer.repo)
        when = f"after round {best.round}" if best.round else "before repair"
        how = "made it worse" if score(best.checks) < score(outcome.checks) else "fixed nothing"
        outcome.checks = best.checks
        outcome.stop_reason += f"; later rounds {how}, so it was restored as it was {when}"
    return outcome


async def _rounds(
    checks: list[Check],
    verify: Callable[[], Awaitable[list[Check]]],
    repairer: Repairer | None,
    max_rounds: int,
    on_round: Callable[[RoundRecord], None],
) -> LoopOutcome:
    seen = {error_signature(checks): 0}
    fixed: list[str] = []
    records: list[RoundRecord] = []
    free = 0
    why = ""  # why the rounds since the last applied one changed nothing
    for round_no in range(1, max_rounds + FREE_ROUNDS + 1):
        failing = failing_findings(checks)
        if not failing or repairer is None or round_no - free > max_rounds:
            break
        try:
            record = await repairer.repair(failing, round_no)
        except StructuredOutputError as exc:
            # Nothing was edited, so the checks still describe the repository.
            return LoopOutcome(checks, fixed, records, f"no usable repair plan: {exc}")
        record.failing = [f.label() for f in failing]
        if not record.applied:
            if not record.fresh:
                return LoopOutcome(checks, fixed, records, why or "nothing new to ask the model")
            records.append(record)
            on_round(record)
            undone = any(e.error == NO_EDIT_BETTER for e in record.edits)
            why = NO_EDIT_BETTER if undone else "the model proposed no applicable edit"
            continue  # nothing changed: the next round tries what this one left untried
        why = ""
        records.append(record)
        before = {f.key(): f for f in failing}
        checks = await verify()
        record.snapshot = Snapshot.take(repairer.repo, checks, round_no)
        after = {f.key(): f for f in failing_findings(checks)}
        record.resolved = [f.label() for k, f in before.items() if k not in after]
        record.new = [f.label() for k, f in after.items() if k not in before]
        fixed += [f"round {round_no}: {label}" for label in record.resolved]
        free += record.model_free
        on_round(record)
        signature = error_signature(checks)
        # with `lines_idle` set no statement was asked for, so a round is never idle twice
        idle = record.stepped and not record.resolved
        repairer.lines_idle = idle
        if signature and signature in seen and not record.rewrote and not idle:
            return LoopOutcome(
                checks,
                fixed,
                records,
                f"same errors as after round {seen[signature]}: repair stopped early",
            )
        seen[signature] = round_no
    if not failing_findings(checks):
        return LoopOutcome(checks, fixed, records, "all checks passed")
    if repairer is None or max_rounds == 0:
        return LoopOutcome(checks, fixed, records, "repair disabled (fix rounds = 0)")
    extra = f" and {free} fixed without the model" if free else ""
    return LoopOutcome(checks, fixed, records, f"fix rounds exhausted ({max_rounds}{extra})")
