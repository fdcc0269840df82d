"""The repair loop: failing findings and their files (plus CodeMem context) go to the model,
which rewrites short files whole (`verify/rewrite.py`) or answers SEARCH/REPLACE edits for
the rest; the repository is verified again. Bounded rounds; stops early when the same set of
errors comes back."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.memory import MemoryEntry
from repowright.artifacts.verdict import Check, Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.code.python import ProjectIndex, current_entries, repo_files
from repowright.documents import Document
from repowright.generate.drift import stated_signatures
from repowright.models.base import Message, Model
from repowright.prompts import chat, render
from repowright.prompts.structured import StructuredOutputError, complete_structured
from repowright.verify.attr_fixes import fix_partial_init
from repowright.verify.best import Snapshot, score
from repowright.verify.blame import Blame
from repowright.verify.cli_fixes import fix_dispatch
from repowright.verify.deps import declared_requirements
from repowright.verify.edits import Edit, EditResult, RepairPlan, apply_edit, safe_path
from repowright.verify.import_fixes import fix_imports
from repowright.verify.line_fix import LineFixer
from repowright.verify.main_fixes import fix_missing_main
from repowright.verify.main_write import write_missing_main
from repowright.verify.method_fix import write_missing_methods
from repowright.verify.option_fixes import fix_plugin_options
from repowright.verify.persistence import fix_unread_state
from repowright.verify.req_fixes import fix_requirements
from repowright.verify.rewrite import (
    MAX_FILES,
    PASS_ON,
    Rewriter,
    short_enough,
)
from repowright.verify.scoring import TestProbe, count, failing_test_files

EXCERPT_LINES = 40
NO_EDIT_BETTER = "the edits made no fewer of the failing tests fail: undone"
FREE_ROUNDS = 5
"""Rounds fixed without the model (an import, an attribute set on every path) cost seconds, so
they do not use up the fix rounds; this bounds them."""


class EditRecord(BaseModel):
    file: str
    ok: bool
    how: str = ""
    error: str = ""


class RoundRecord(BaseModel):
    round: int
    failing: list[str] = Field(default_factory=list)
    analysis: str = ""
    edits: list[EditRecord] = Field(default_factory=list)
    resolved: list[str] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)
    model_free: bool = False
    """Fixed without asking the model: such a round does not count against the fix rounds."""
    fresh: bool = False
    """Asked the model something not asked before in this loop. A round whose new attempts all
    failed is followed by another (the next statement, the next file to blame); a round with
    nothing new to ask ends the loop, since greedy replies to old prompts come back the same."""
    snapshot: Snapshot | None = Field(default=None, exclude=True)
    """The repository after this round (kept only while the loop runs)."""

    @property
    def applied(self) -> int:
        return sum(e.ok for e in self.edits)

    @property
    def rewrote(self) -> bool:
        """Whether the model rewrote a file whole this round (a new attempt at the same
        errors, unlike an edit that missed them)."""
        return any(e.ok and e.how == "whole file" for e in self.edits)

    @property
    def stepped(self) -> bool:
        """Whether a statement rewritten alone was kept this round."""
        return any(e.ok and e.how.startswith("statement ") for e in self.edits)


def failing_findings(checks: list[Check]) -> list[Finding]:
    out: list[Finding] = []
    for check in checks:
        if check.status == "failed":
            out += check.findings or [Finding(message=check.detail, check=check.name)]
    return out


def error_signature(checks: list[Check]) -> frozenset[tuple[str, str, str]]:
    return frozenset(f.key() for f in failing_findings(checks))


@dataclass
class Repairer:
    """Asks the model for edits that fix the given findings, and applies them."""

    model: Model
    repo: Path
    blueprint: Blueprint | None = None
    memory: dict[str, MemoryEntry] = field(default_factory=dict)
    budget_tokens: int = 12_000
    max_rounds: int = 3
    match_retries: int = 1
    whole: bool = True
    """Rewrite short failing files whole rather than asking for edits."""
    doc: Document | None = None
    own: frozenset[str] = frozenset()
    probe: TestProbe | None = None
    """Runs pytest node ids in the sandbox: a rewrite is tried before it is kept."""
    lines_idle: bool = False
    """The last statement fixed ran further and resolved nothing: rewrite functions or files
    next, not another statement."""
    blame: Blame = field(init=False)
    lines: LineFixer | None = field(init=False)
    asked: set[str] = field(init=False, default_factory=set)
    """Prompts asked in this loop: missing methods, rewrites, edit plans (the line fixer keeps
    its own)."""

    def __post_init__(self) -> None:
        files = self.blueprint.files if self.blueprint is not None else []
        document = self.doc.full_text() if self.doc is not None else ""
        self.blame = Blame(self.repo, stated_signatures(files, document))
        self.lines = LineFixer(self.model, self.repo, self.probe) if self.probe else None

    async def repair(self, findings: list[Finding], round_no: int) -> RoundRecord:
        fixes, findings = fix_imports(self.repo, findings)
        attr_fixes, findings = fix_partial_init(self.repo, findings)
        cli_fixes, findings = fix_dispatch(self.repo, findings)
        req_fixes, findings = fix_requirements(self.repo, findings, self.own)
        state_fixes, findings = fix_unread_state(self.repo, findings)
        option_fixes, findings = fix_plugin_options(self.repo, findings)
        document = self.doc.full_text() if self.doc is not None else ""
        main_fixes, findings = fix_missing_main(self.repo, findings, document)
        record = RoundRecord(round=round_no)
        made = [*fixes, *attr_fixes, *cli_fixes, *req_fixes, *state_fixes, *option_fixes]
        made += main_fixes
        record.edits += [
            EditRecord(file=f.file, ok=True, how=f"without the model: {f.before} -> {f.after}")
            for f in made
        ]
        if made:  # verify again before the model sees findings these may have fixed
            record.analysis = "fixed deterministically"
            record.model_free = True
            return record
        if written := await write_missing_methods(self.model, self.repo, findings, self.asked):
            record.analysis = "wrote " + ", ".join(f"{w.cls}.{w.name}" for w in written)
            record.edits += [
                EditRecord(file=w.path, ok=True, how=f"method {w.cls}.{w.name}") for w in written
            ]
            record.fresh = True
            return record
        if mains := await write_missing_main(self.model, self.repo, findings, document, self.asked):
            record.analysis = "wrote the command line of " + ", ".join(m.path for m in mains)
            record.edits += [
                EditRecord(file=m.path, ok=True, how=f"command line, {m.lines} lines")
                for m in mains
            ]
            record.fresh = True
            return record
        if self.whole and self.lines is not None and not self.lines_idle:
            asked = len(self.lines.asked)
            fixed = await self.lines.fix(findings)
            record.fresh = len(self.lines.asked) > asked
            if fixed is not None:
                where = f"{fixed.path}:{fixed.start}"
                record.analysis = f"rewrote the statement at {where}"
                record.edits.append(EditRecord(file=fixed.path, ok=True, how=f"statement {where}"))
                return record
        if self.whole and await self._rewrite(findings, record):
            return record
        context = self.context(findings, round_no)
        messages = chat("verify_repair_system", "verify_repair_user", **context)
        if not self._first_time(repr({k: v for k, v in context.items() if k != "round"})):
            return record  # the same edits would come back and fail the same way
        record.fresh = True
        plan = await complete_structured(self.model, messages, RepairPlan, tag="verify_repair")
        nodes = failing_test_files(self.repo, findings) if self.probe is not None else []
        before = Snapshot.take(self.repo, [], round_no) if nodes else None
        failing = count(await self.probe(nodes)) if self.probe and nodes else 0
        near: dict[str, list[int]] = {}
        for f in findings:
            if f.file and f.line:
                near.setdefault(f.file, []).append(f.line)

        def apply(edit: Edit) -> EditResult:
            return apply_edit(self.repo, edit, near.get(edit.file.strip(), []))

        results = [apply(e) for e in plan.edits]
        record.analysis = plan.analysis
        for _ in range(self.match_retries):
            failed = [r for r in results if not r.ok]
            if not failed:
                break
            record.edits += [_edit_record(r) for r in failed]
            retry = render("verify_repair_retry", failed=failed, files=self._current(failed))
            messages = [
                *messages,
                Message(role="assistant", content=plan.model_dump_json()),
                Message(role="user", content=retry),
            ]
            results = [r for r in results if r.ok]  # the unmatched are recorded above
            try:
                plan = await complete_structured(
                    self.model, messages, RepairPlan, tag="verify_repair_retry"
                )
            except StructuredOutputError:
                break
            results += [apply(e) for e in plan.edits]
        record.edits += [_edit_record(r) for r in results]
        if (
            before is not None
            and self.probe
            and any(r.ok for r in results)
            and count(await self.probe(nodes)) >= failing
        ):
            # rle's edit turned decode's errors into wrong answers, as many of its tests
            # failing as before, and broke acceptance tests those did not cover
            before.restore(self.repo)
            for edit in record.edits:
                edit.ok, edit.error = False, edit.error or NO_EDIT_BETTER
        return record

    async def _rewrite(self, findings: list[Finding], record: RoundRecord) -> bool:
        """Rewrite the short files to blame; whether any rewrite was applied. When every
        rewrite comes back unchanged, the next files to blame (the test, once the code under
        test was tried) get their turn in the same round instead of ending the repair."""
        index = ProjectIndex(self.repo)
        purposes = {s.path: s.purpose for s in self.blueprint.files} if self.blueprint else {}
        entries = current_entries(index, self.memory, purposes)
        rewriter = Rewriter(
            self.model,
            self.repo,
            self.blueprint,
            self.doc,
            self.budget_tokens,
            self.own,
            self.probe,
        )
        tried: list[str] = []
        files = Snapshot.take(self.repo, [], 0).files  # a prompt is new when these change
        state = hashlib.sha256(repr(files).encode()).hexdigest()
        for _ in range(2):
            culprits = self.blame.culprits(findings, entries)
            targets = [p for p in culprits if p not in tried and short_enough(self.repo, p)]
            for path in targets[:MAX_FILES]:
                tried.append(path)
                if not self._first_time(repr((path, state, [f.key() for f in culprits[path]]))):
                    continue  # asked for this file, for these findings, on this repository
                record.fresh = True
                self.blame.mark(path, culprits[path])
                why = await rewriter.rewrite(path, culprits[path], entries)
                record.edits.append(EditRecord(file=path, ok=not why, how="whole file", error=why))
            if not targets or record.applied or any(e.error not in PASS_ON for e in record.edits):
                break
        rewritten = [e.file for e in record.edits if e.how == "whole file"]
        record.analysis = f"rewrote {', '.join(rewritten)}" if rewritten else ""
        return record.applied > 0

    def _first_time(self, prompt: str) -> bool:
        """Whether `prompt` was not asked before in this loop (it is now)."""
        new = prompt not in self.asked
        self.asked.add(prompt)
        return new

    def _current(self, failed: list[EditResult]) -> list[dict[str, str]]:
        out = []
        for path in dict.fromkeys(r.edit.file for r in failed):
            try:
                target = safe_path(self.repo, path)
            except ValueError:
                continue
            if target.is_file():
                out.append({"path": path, "content": target.read_text(errors="replace")})
        return out

    def context(self, findings: list[Finding], round_no: int) -> dict[str, Any]:
        """Everything the repair prompt shows, within the context budget."""
        index = ProjectIndex(self.repo)
        purposes = {s.path: s.purpose for s in self.blueprint.files} if self.blueprint else {}
        entries = current_entries(index, self.memory, purposes)
        by_file: dict[str, list[Finding]] = {}
        general: list[Finding] = []
        for f in findings:
            (by_file.setdefault(f.file, []) if f.file else general).append(f)
        for path in list(by_file):
            for extra in self._referenced(path, index, entries):
                by_file.setdefault(extra, [])
        budget = self.budget_tokens * 4
        files = []
        for path, found in sorted(by_file.items(), key=lambda kv: -len(kv[1])):
            item = self._file_item(path, found, purposes, budget)
            budget -= len(item["content"] or "")
            files.append(item)
        shown = {f["path"] for f in files}
        related_paths = {dep for p in shown if p in entries for dep in entries[p].depends_on} | {
            p for p, e in entries.items() if shown & set(e.depends_on)
        }
        related = [entries[p] for p in sorted(related_paths - shown) if p in entries]
        return {
            "project": self.blueprint.project_name if self.blueprint else "",
            "smoke_command": self.blueprint.verification.smoke_command if self.blueprint else "",
            "round": round_no,
            "max_rounds": self.max_rounds,
            "general": general,
            "files": files,
            "related": related,
            "requirements": declared_requirements(self.repo, self.blueprint),
            "all_files": [p.relative_to(self.repo).as_posix() for p in repo_files(self.repo)][:300],
        }

    def _file_item(
        self, path: str, found: list[Finding], purposes: dict[str, str], budget: int
    ) -> dict[str, Any]:
        planned = []
        if self.blueprint:
            planned = next((s.interface for s in self.blueprint.files if s.path == path), [])
        item: dict[str, Any] = {
            "path": path,
            "purpose": purposes.get(path, ""),
            "findings": found,
            "exists": False,
            "content": None,
            "excerpt": "",
            "planned": planned,
        }
        try:
            target = safe_path(self.repo, path)
        except ValueError:
            return item
        if not target.is_file():
            return item
        text = target.read_text(encoding="utf-8", errors="replace")
        item["exists"] = True
        if len(text) <= budget:
            item["content"] = text
        elif budget > 2000:
            lines = text.splitlines()
            center = next((f.line for f in found if f.line), 1)
            lo, hi = max(0, center - EXCERPT_LINES), min(len(lines), center + EXCERPT_LINES)
            item["content"], item["excerpt"] = "\n".join(lines[lo:hi]), f"{lo + 1}-{hi}"
        return item

    def _referenced(
        self, path: str, index: ProjectIndex, entries: dict[str, MemoryEntry]
    ) -> list[str]:
        """Files whose code a failure may really be in: the project modules a failing test
        imports, the programs a failing shell script runs (`python x.py`, `python -m pkg`)."""
        if is_test_file(path) and path in entries:
            return list(entries[path].depends_on)
        if not path.endswith(".sh") or not (self.repo / path).is_file():
            return []
        text = (self.repo / path).read_text(errors="replace")
        found = [p for p in re.findall(r"[\w./-]+\.py\b", text) if p in index.by_path]
        for module in re.findall(r"-m\s+([\w.]+)", text):
            for candidate in (f"{module}.__main__", module):
                if info := index.modules.get(candidate):
                    found.append(info.path)
                    break
        runs = [dep for p in found if p in entries for dep in entries[p].depends_on]
        return list(dict.fromkeys(found + runs))


def _edit_record(result: EditResult) -> EditRecord:
    return EditRecord(file=result.edit.file, ok=result.ok, how=result.how, error=result.error)


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
