"""How well a judge agrees with human grades, like PaperBench's JudgeEval.

Both trees are graded rubric trees (PaperBench's `expected_result.json` or repowright's
`graded.json`). Leaves are matched by key (their id, or `id@position` where an id repeats);
a leaf counts as positive when its score is at least 0.5 (PaperBench's leaves are 0 or 1).
Reported per task category and overall: accuracy, precision, recall and F1 of the judge
against the expected grades, and the difference of the root scores.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ValidationError

from repowright.errors import InputError
from repowright.grading.graded import GradedNode
from repowright.grading.rubric import CATEGORIES, leaf_keys

POSITIVE = 0.5


class Agreement(BaseModel):
    n: int = 0
    accuracy: float = 0.0
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0


class JudgeEval(BaseModel):
    overall: Agreement
    categories: dict[str, Agreement]
    root_score: float
    expected_root_score: float
    root_score_diff: float
    unmatched: list[str]
    """Leaf keys present in only one of the trees."""


def load_graded(path: Path) -> GradedNode:
    if not path.is_file():
        raise InputError(f"graded tree not found: {path}")
    try:
        return GradedNode.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise InputError(f"{path}: not a graded rubric tree ({str(exc).splitlines()[0]})") from None


def agreement(pairs: list[tuple[bool, bool]]) -> Agreement:
    """(judged positive, expected positive) pairs -> the scores, positive = score 1."""
    tp = sum(j and e for j, e in pairs)
    fp = sum(j and not e for j, e in pairs)
    fn = sum(e and not j for j, e in pairs)
    correct = sum(j == e for j, e in pairs)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = correct / len(pairs) if pairs else 0.0
    return Agreement(n=len(pairs), accuracy=accuracy, precision=precision, recall=recall, f1=f1)


def evaluate(graded: GradedNode, expected: GradedNode) -> JudgeEval:
    judged, truth = dict(leaf_keys(graded)), dict(leaf_keys(expected))
    common = [k for k in truth if k in judged]
    pairs = {k: (judged[k].score >= POSITIVE, truth[k].score >= POSITIVE) for k in common}
    categories: dict[str, Agreement] = {
        c: agreement([pairs[k] for k in common if truth[k].task_category == c])
        for c in CATEGORIES
        if any(truth[k].task_category == c for k in common)
    }
    return JudgeEval(
        overall=agreement(list(pairs.values())),
        categories=categories,
        root_score=graded.score,
        expected_root_score=expected.score,
        root_score_diff=graded.score - expected.score,
        unmatched=sorted(set(judged) ^ set(truth)),
    )
