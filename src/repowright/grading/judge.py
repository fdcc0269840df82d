"""A rubric judge in the style of PaperBench's SimpleJudge, for any configured model.

Each leaf is graded on its own: the submission's files are ranked for the criterion (all
files when they fit the budget, else a BM25 pre-rank refined by one model call), the paper
is cut to the excerpts relevant to it, and one structured call returns a binary score with
its explanation. Execution and result leaves need a reproduction run; without one they
score 0 and the model is not asked, so nothing is ever invented.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from repowright.documents import Document
from repowright.grading.files import (
    Shown,
    SubmissionFile,
    bm25_order,
    fit,
    read_submission,
    trim_log,
)
from repowright.grading.files import read_file as read_one
from repowright.grading.graded import GradedNode, LeafGrade, assemble
from repowright.grading.reproduce import LOG, SCRIPT, Reproduction
from repowright.grading.rubric import RubricNode, leaf_keys
from repowright.models.base import AuthError, Model, ModelError, ModelGone
from repowright.models.tokens import CHARS_PER_TOKEN, estimate_tokens
from repowright.prompts import chat
from repowright.prompts.structured import complete_structured
from repowright.runs.progress import Progress, QuietProgress

DEFAULT_BUDGET = 12_000
"""Evidence tokens per leaf when the judge model's window is unknown."""
NO_REPRODUCTION = "no reproduction run / no reproduce.log: nothing was executed, so 0"
QUESTIONS = {
    "Code Development": (
        "Does the submission contain code that correctly implements this? Plans, comments or "
        "instructions without code that does it do not count."
    ),
    "Code Execution": "Does running reproduce.sh successfully execute this, as the log shows?",
    "Result Analysis": (
        "Do the reproduction's log and the files it produced show results that agree with this?"
    ),
}


class LeafVerdict(BaseModel):
    explanation: str = Field(description="Brief reasons, citing the evidence.")
    score: Literal[0, 1]


class FileRanking(BaseModel):
    paths: list[str] = Field(description="Relevant file paths, most relevant first.")


@dataclass
class JudgeConfig:
    concurrency: int = 4
    context_budget: int | None = None
    """Tokens for one leaf's evidence (paper, addendum, log, files); None: as much as the
    judge model's context window holds, like PaperBench's SimpleJudge."""
    rank_with_model: bool = True
    rank_candidates: int = 40
    max_ranked: int = 12

    @property
    def budget(self) -> int:
        return self.context_budget or DEFAULT_BUDGET

    def share(self, part: Literal["paper", "log", "addendum"]) -> int:
        """The most this part may take; the files get what the others leave."""
        fraction = {"paper": 0.5, "log": 0.15, "addendum": 0.1}[part]
        return int(self.budget * fraction)


@dataclass
class _Evidence:
    files: list[Shown]
    omitted: int
    ranked_by: str


class Judge:
    """Grades every leaf of a rubric against one submission; leaves run concurrently."""

    def __init__(
        self,
        model: Model,
        paper: Document,
        *,
        addendum: str = "",
        config: JudgeConfig | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.model = model
        self.paper = paper
        self.addendum = addendum
        self.config = config or JudgeConfig()
        self.progress = progress or QuietProgress()
        fits = paper.total_tokens() <= self.config.share("paper")
        self._whole_paper = list(paper.segments) if fits else None
        """Every leaf sees the whole paper when it fits; else the segments its query selects."""

    async def grade(
        self, rubric: RubricNode, root: Path, reproduction: Reproduction | None
    ) -> GradedNode:
        produced = read_submission(root, reproduction.produced_files) if reproduction else []
        # Code is judged as submitted: the run's outputs are evidence for results only.
        outputs = {f.path for f in produced}
        code = [f for f in read_submission(root) if f.text is not None and f.path not in outputs]
        ancestry = _ancestry(rubric)
        limit = asyncio.Semaphore(self.config.concurrency)
        leaves = leaf_keys(rubric)
        self.progress.phase("grade", len(leaves))
        grades: dict[str, LeafGrade] = {}

        async def one(key: str, leaf: RubricNode) -> None:
            if leaf.task_category != "Code Development" and reproduction is None:
                grade = LeafGrade(score=0.0, explanation=NO_REPRODUCTION)
            else:
                async with limit:
                    files = produced if leaf.task_category == "Result Analysis" else code
                    grade = await self._grade_leaf(leaf, ancestry[key], files, root, reproduction)
            grades[key] = grade
            self.progress.advance("grade", f"{grade.score:.0f} {key}")

        tasks = [asyncio.create_task(one(key, leaf)) for key, leaf in leaves]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # A fatal error (auth, budget, Ctrl-C) stops every leaf and surfaces as itself.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        return assemble(rubric, grades)

    async def _grade_leaf(
        self,
        leaf: RubricNode,
        lineage: Lineage,
        files: list[SubmissionFile],
        root: Path,
        reproduction: Reproduction | None,
    ) -> LeafGrade:
        try:
            evidence = await self._evidence(
                leaf, lineage.ancestors, files, self._files_budget(leaf, reproduction)
            )
            messages = chat(
                "grading_leaf_system",
                "grading_leaf_user",
                **self._context(leaf, lineage, evidence, root, reproduction),
            )
            verdict = await complete_structured(
                self.model, messages, LeafVerdict, tag=f"grading:leaf:{leaf.id}"
            )
        except (AuthError, ModelGone):
            raise
        except ModelError as exc:
            # One unanswerable leaf must not sink the whole grading; it is marked invalid.
            return LeafGrade(score=0.0, explanation=f"grading failed: {exc}", valid_score=False)
        return LeafGrade(
            score=float(verdict.score),
            explanation=verdict.explanation,
            judge_metadata={
                "files": [s.file.path for s in evidence.files],
                "ranked_by": evidence.ranked_by,
            },
        )

    def _files_budget(self, leaf: RubricNode, reproduction: Reproduction | None) -> int:
        """What the paper, addendum and run log leave of the leaf's budget."""
        paper = (
            sum(s.tokens for s in self._whole_paper)
            if self._whole_paper is not None
            else self.config.share("paper")
        )
        addendum = min(estimate_tokens(self.addendum), self.config.share("addendum"))
        shows_run = leaf.task_category != "Code Development" and reproduction is not None
        log = self.config.share("log") if shows_run else 0
        return max(self.config.budget - paper - addendum - log, self.config.budget // 5)

    async def _evidence(
        self, leaf: RubricNode, ancestors: list[str], files: list[SubmissionFile], budget: int
    ) -> _Evidence:
        """The files to show for `leaf`, most relevant first, within `budget`."""
        if sum(f.tokens for f in files) <= budget:
            return _Evidence(fit(files, budget), 0, "all")
        query = " ".join([*ancestors[-1:], leaf.requirements])
        ranked = bm25_order(files, query)
        ranked_by = "bm25"
        if self.config.rank_with_model:
            ranked, ranked_by = await self._model_rank(leaf, ranked), "model"
        shown = fit(ranked, budget)
        return _Evidence(shown, len(files) - len(shown), ranked_by)

    async def _model_rank(
        self, leaf: RubricNode, ranked: list[SubmissionFile]
    ) -> list[SubmissionFile]:
        """Ask the model to pick among the BM25 front-runners; keep BM25 order for the rest."""
        candidates = ranked[: self.config.rank_candidates]
        messages = chat(
            "grading_rank_system",
            "grading_rank_user",
            category=leaf.task_category,
            requirements=leaf.requirements,
            candidates=candidates,
            limit=self.config.max_ranked,
        )
        try:
            reply = await complete_structured(
                self.model, messages, FileRanking, tag=f"grading:rank:{leaf.id}"
            )
        except (AuthError, ModelGone):
            raise
        except ModelError:
            return ranked
        by_path = {f.path: f for f in candidates}
        picked = [by_path[p] for p in dict.fromkeys(reply.paths) if p in by_path]
        chosen = {f.path for f in picked}
        return [*picked, *(f for f in ranked if f.path not in chosen)]

    def _context(
        self,
        leaf: RubricNode,
        lineage: Lineage,
        evidence: _Evidence,
        root: Path,
        reproduction: Reproduction | None,
    ) -> dict[str, object]:
        query = " ".join([*lineage.ancestors, leaf.requirements])
        heading = (
            "Files produced by the reproduction run"
            if leaf.task_category == "Result Analysis"
            else "Submission files"
        )
        show_run = leaf.task_category != "Code Development" and reproduction is not None
        return {
            "paper": self.paper,
            "segments": self._whole_paper
            if self._whole_paper is not None
            else self.paper.select(query, self.config.share("paper")),
            "addendum": _clip(self.addendum, self.config.share("addendum")),
            "files_heading": heading,
            "files": evidence.files,
            "omitted": evidence.omitted,
            "reproduction": reproduction if show_run else None,
            "script": _text(root, SCRIPT, self.config.share("log") // 3) if show_run else "",
            "log": _log(root, self.config.share("log")) if show_run else "",
            "run_note": _run_note(reproduction) if show_run and reproduction else "",
            "ancestors": lineage.ancestors,
            "siblings": lineage.siblings,
            "category": leaf.task_category,
            "requirements": leaf.requirements,
            "question": QUESTIONS[leaf.task_category or "Code Development"],
        }


@dataclass
class Lineage:
    """What a leaf refines and what comes before it: its ancestors' requirements (root
    first) and its preceding siblings' (PaperBench's judge shows both)."""

    ancestors: list[str]
    siblings: list[str]


def _ancestry(root: RubricNode) -> dict[str, Lineage]:
    """Each leaf's lineage, by leaf key."""
    found: list[Lineage] = []

    def visit(node: RubricNode, path: list[str], before: list[str]) -> None:
        if node.is_leaf:
            found.append(Lineage(path, before))
        for i, child in enumerate(node.sub_tasks):
            earlier = [c.requirements for c in node.sub_tasks[:i]]
            visit(child, [*path, node.requirements], earlier)

    visit(root, [], [])
    return {key: lineage for (key, _), lineage in zip(leaf_keys(root), found, strict=True)}


def _clip(text: str, budget: int) -> str:
    if estimate_tokens(text) <= budget:
        return text
    return text[: budget * CHARS_PER_TOKEN] + "\n[... cut ...]"


def _text(root: Path, rel: str, budget: int) -> str:
    if not (root / rel).is_file():
        return f"({rel} is missing)"
    return _clip(read_one(root, rel).text or "(binary)", budget)


def _log(root: Path, budget: int) -> str:
    text = read_one(root, LOG).text or ""
    return trim_log(text, budget) if text.strip() else "(empty log)"


def _run_note(rep: Reproduction) -> str:
    if rep.timed_out:
        return f"timed out after {rep.duration_s:.1f}s"
    if rep.returncode is None:
        return "exit status unknown"
    return f"exit code {rep.returncode} after {rep.duration_s:.1f}s"
