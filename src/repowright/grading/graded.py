"""Graded rubric trees: leaf verdicts aggregated as weighted means up to the root.

Aggregation follows PaperBench: a parent scores the weighted mean of its children, and a
parent whose children weigh nothing in total scores 0 (never NaN).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, Field, field_validator

from repowright.grading.rubric import (
    CATEGORIES,
    RubricNode,
    TaskCategory,
    leaf_keys,
    leaf_shares,
)


class GradedNode(BaseModel):
    """A rubric node with its score; field names match PaperBench's graded tree."""

    id: str
    requirements: str
    weight: int | float
    score: float = Field(ge=0.0, le=1.0)
    valid_score: bool = True
    explanation: str = ""
    task_category: TaskCategory | None = None
    finegrained_task_category: str | None = None
    judge_metadata: dict[str, Any] = Field(default_factory=dict)
    sub_tasks: list[GradedNode] = Field(default_factory=list)

    @field_validator("judge_metadata", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        """PaperBench writes `null` (or "") where no judge ran (human-graded trees)."""
        return value if value else {}

    def walk(self) -> list[GradedNode]:
        nodes = [self]
        for child in self.sub_tasks:
            nodes.extend(child.walk())
        return nodes

    def leaves(self) -> list[GradedNode]:
        return [n for n in self.walk() if not n.sub_tasks]


class LeafGrade(BaseModel):
    score: float = Field(ge=0.0, le=1.0)
    explanation: str
    valid_score: bool = True
    judge_metadata: dict[str, Any] = Field(default_factory=dict)


def score_from_children(children: list[GradedNode]) -> float:
    total = sum(c.weight for c in children)
    if total == 0:
        return 0.0
    return min(1.0, sum(c.score * c.weight for c in children) / total)  # no 1+epsilon


def assemble(node: RubricNode, grades: dict[str, LeafGrade]) -> GradedNode:
    """Build the graded tree from per-leaf grades by leaf key (every leaf must have one)."""
    keys = iter([key for key, _ in leaf_keys(node)])
    return _assemble(node, grades, keys)


def _assemble(node: RubricNode, grades: dict[str, LeafGrade], keys: Iterator[str]) -> GradedNode:
    base: dict[str, Any] = {  # GradedNode fields, completed below
        "id": node.id,
        "requirements": node.requirements,
        "weight": node.weight,
        "task_category": node.task_category,
        "finegrained_task_category": node.finegrained_task_category,
    }
    if node.is_leaf:
        return GradedNode(**base, **grades[next(keys)].model_dump())
    children = [_assemble(c, grades, keys) for c in node.sub_tasks]
    return GradedNode(
        **base,
        score=score_from_children(children),
        explanation="weighted mean of the sub-tasks",
        sub_tasks=children,
    )


class CategoryScore(BaseModel):
    leaves: int
    score: float = Field(description="Weighted mean over this category's leaves.")
    share: float = Field(description="Fraction of the root score these leaves carry.")


class TopLevelScore(BaseModel):
    id: str
    requirements: str
    weight: int | float
    score: float


class GradeSummary(BaseModel):
    score: float
    leaves: int
    invalid_leaves: int
    categories: dict[str, CategoryScore]
    top_level: list[TopLevelScore]


def summarize(rubric: RubricNode, graded: GradedNode) -> GradeSummary:
    """Overall score, per category (weighted by each leaf's share of the root), per top node."""
    leaves = graded.leaves()
    share_of = list(leaf_shares(rubric).values())  # leaves in the same depth-first order
    categories: dict[str, CategoryScore] = {}
    for category in CATEGORIES:
        mine = [(leaf, s) for leaf, s in zip(leaves, share_of, strict=True)
                if leaf.task_category == category]  # fmt: skip
        if not mine:
            continue
        share = sum(s for _, s in mine)
        weighted = sum(s * leaf.score for leaf, s in mine)
        mean = weighted / share if share else sum(leaf.score for leaf, _ in mine) / len(mine)
        categories[category] = CategoryScore(leaves=len(mine), score=mean, share=share)
    return GradeSummary(
        score=graded.score,
        leaves=len(leaves),
        invalid_leaves=sum(1 for leaf in leaves if not leaf.valid_score),
        categories=categories,
        top_level=[
            TopLevelScore(id=c.id, requirements=c.requirements, weight=c.weight, score=c.score)
            for c in graded.sub_tasks
        ],
    )
