"""One repair round: fixes made without the model first; then failing findings and their files
(plus CodeMem context) go to the model, which rewrites short files whole (`verify/rewrite.py`)
or answers SEARCH/REPLACE edits for the rest. The loop of rounds is `verify/loop.py`."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.memory import MemoryEntry
from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.code.python import ProjectIndex, current_entries, repo_files
from repowright.documents import Document
from repowright.generate.drift import stated_signatures
from repowright.models.base import Message, Model
from repowright.prompts import chat, render
from repowright.prompts.structured import StructuredOutputError, complete_structured
from repowright.verify.attr_fixes import fix_partial_init
from repowright.verify.best import Snapshot
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
from repowright.verify.rounds import NO_EDIT_BETTER, EditRecord, RoundRecord
from repowright.verify.scoring import TestProbe, count, failing_test_files
from repowright.verify.vacuous import fix_swallowed

EXCERPT_LINES = 40


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
        test_fixes, findings = fix_swallowed(self.repo, findings)
        document = self.doc.full_text() if self.doc is not None else ""
        main_fixes, findings = fix_missing_main(self.repo, findings, document)
        record = RoundRecord(round=round_no)
        made = [*fixes, *attr_fixes, *cli_fixes, *req_fixes, *state_fixes, *option_fixes]
        made += [*main_fixes, *test_fixes]
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
