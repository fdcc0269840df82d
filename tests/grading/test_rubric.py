"""Rubric loading: PaperBench trees validate, errors name the node, code-dev prunes."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.errors import InputError
from repowright.grading.rubric import (
    category_counts,
    code_dev_only,
    leaf_shares,
    load_rubric,
    parse_rubric,
)
from tests.grading.helpers import leaf, node, sample_rubric, write_json


def test_loads_paperbench_tree_and_counts_categories(rubric_file: Path) -> None:
    rubric = load_rubric(rubric_file)
    assert [n.id for n in rubric.leaves()] == ["cd-sort", "cd-main", "ce-run", "ra-result"]
    assert category_counts(rubric) == {
        "Code Development": 2,
        "Code Execution": 1,
        "Result Analysis": 1,
    }


def test_extra_fields_and_null_categories_on_parents_are_accepted() -> None:
    data = sample_rubric()
    data["rationale"] = "kept out of the model, not an error"
    data["finegrained_task_category"] = None
    assert parse_rubric(data).id == "root"


def test_leaf_shares_follow_normalised_weights() -> None:
    shares = leaf_shares(parse_rubric(sample_rubric()))
    assert shares == pytest.approx(
        {"cd-sort": 1 / 3, "cd-main": 1 / 3, "ce-run": 1 / 6, "ra-result": 1 / 6}
    )


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["sub_tasks"][1]["sub_tasks"][0].pop("requirements"),
         "node 'ce-run': field 'requirements': Field required"),
        (lambda d: d["sub_tasks"][0]["sub_tasks"][1].update(task_category=None),
         "node 'cd-main': leaf has no task_category"),
        (lambda d: d["sub_tasks"][0].update(weight=-1),
         "node 'impl': field 'weight'"),
        (lambda d: d["sub_tasks"][0].update(task_category="Code Development"),
         "node 'impl': only leaves may have a task_category"),
        (lambda d: d["sub_tasks"][1]["sub_tasks"][1].update(task_category="Vibes"),
         "node 'ra-result': field 'task_category'"),
        (lambda d: d["sub_tasks"][1]["sub_tasks"][1].pop("sub_tasks"),
         "node 'ra-result': field 'sub_tasks': Field required"),
        (lambda d: d["sub_tasks"][1]["sub_tasks"][0].pop("id"),
         "node at root.sub_tasks[1].sub_tasks[0]: field 'id': Field required"),
    ],
)  # fmt: skip
def test_bad_trees_fail_with_the_node_named(mutate, expected: str, tmp_path: Path) -> None:
    data = sample_rubric()
    mutate(data)
    path = write_json(tmp_path / "rubric.json", data)
    with pytest.raises(InputError) as info:
        load_rubric(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_missing_or_broken_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="rubric not found"):
        load_rubric(tmp_path / "nope.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(InputError, match="not valid JSON"):
        load_rubric(tmp_path / "bad.json")


def test_code_dev_keeps_only_code_development_leaves_and_drops_empty_parents() -> None:
    data = node(
        "root",
        [
            node("a", [leaf("a1", "Code Development"), leaf("a2", "Result Analysis")]),
            node("b", [leaf("b1", "Code Execution")], weight=5),
            leaf("c", "Code Development", weight=3),
        ],
    )
    pruned = code_dev_only(parse_rubric(data))
    assert [n.id for n in pruned.walk()] == ["root", "a", "a1", "c"]
    assert leaf_shares(pruned) == pytest.approx({"a1": 0.25, "c": 0.75})


def test_code_dev_without_code_leaves_is_an_error() -> None:
    with pytest.raises(InputError, match="no Code Development leaves"):
        code_dev_only(parse_rubric(node("root", [leaf("x", "Code Execution")])))
