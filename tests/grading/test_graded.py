"""Aggregation: weighted means up the tree, as PaperBench computes them."""

from __future__ import annotations

import pytest

from repowright.grading.graded import LeafGrade, assemble, summarize
from repowright.grading.rubric import parse_rubric
from tests.grading.helpers import leaf, node, sample_rubric


def grades(**scores: float) -> dict[str, LeafGrade]:
    return {k.replace("_", "-"): LeafGrade(score=v, explanation="") for k, v in scores.items()}


def test_weighted_mean_of_children() -> None:
    rubric = parse_rubric(
        node("root", [leaf("a", "Code Development", 3), leaf("b", "Code Development", 1)])
    )
    assert assemble(rubric, grades(a=1, b=0)).score == pytest.approx(0.75)
    assert assemble(rubric, grades(a=0, b=1)).score == pytest.approx(0.25)


def test_nested_weights_multiply_down_the_tree() -> None:
    rubric = parse_rubric(sample_rubric())
    graded = assemble(rubric, grades(cd_sort=1, cd_main=0, ce_run=1, ra_result=1))
    impl, run = graded.sub_tasks
    assert impl.score == pytest.approx(0.5)
    assert run.score == pytest.approx(1.0)
    assert graded.score == pytest.approx((2 * 0.5 + 1 * 1.0) / 3)
    assert [n.id for n in graded.walk()] == [
        "root", "impl", "cd-sort", "cd-main", "run", "ce-run", "ra-result"
    ]  # fmt: skip


def test_zero_weight_children_do_not_count_and_all_zero_scores_zero() -> None:
    rubric = parse_rubric(
        node(
            "root",
            [
                node(
                    "zeroed", [leaf("z1", "Code Development", 0), leaf("z2", "Result Analysis", 0)]
                ),
                leaf("free", "Code Development", 0),
                leaf("real", "Code Development", 2),
            ],
        )
    )
    graded = assemble(rubric, grades(z1=1, z2=1, free=1, real=0.0))
    zeroed = graded.sub_tasks[0]
    assert zeroed.score == 0.0  # children weigh nothing in total: 0, never NaN
    assert graded.score == pytest.approx(0.0)  # only `real` and `zeroed` (weight 1) count
    graded = assemble(rubric, grades(z1=0, z2=0, free=0, real=1.0))
    assert graded.score == pytest.approx(2 / 3)


def test_summary_per_category_and_top_level() -> None:
    rubric = parse_rubric(sample_rubric())
    graded = assemble(rubric, grades(cd_sort=1, cd_main=0, ce_run=1, ra_result=0))
    summary = summarize(rubric, graded)
    assert summary.score == pytest.approx(graded.score)
    assert summary.leaves == 4
    cd = summary.categories["Code Development"]
    assert (cd.leaves, cd.score, cd.share) == (2, pytest.approx(0.5), pytest.approx(2 / 3))
    assert summary.categories["Code Execution"].score == 1.0
    assert summary.categories["Result Analysis"].score == 0.0
    assert [(t.id, t.score) for t in summary.top_level] == [("impl", 0.5), ("run", 0.5)]
