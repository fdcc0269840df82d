"""topological_order: levels of independent files, dependencies first."""

from __future__ import annotations

import pytest

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.graph import find_cycles, topological_order
from repowright.errors import BlueprintInvalid
from tests.blueprint.helpers import file, plan


def test_levels_put_dependencies_first_and_keep_blueprint_order() -> None:
    bp = Blueprint.model_validate(plan())
    assert topological_order(bp) == [
        ["tiny_adam/__init__.py", "README.md"],
        ["tiny_adam/optim.py"],
        ["tiny_adam/train.py"],
        ["reproduce.sh"],
    ]


def test_diamond() -> None:
    files = [file("d.py", ["b.py", "c.py"]), file("c.py", ["a.py"]), file("b.py", ["a.py"])]
    bp = Blueprint.model_validate(plan(files=[*files, file("a.py")]))
    assert topological_order(bp) == [["a.py"], ["c.py", "b.py"], ["d.py"]]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([file("a.py", ["b.py"]), file("b.py", ["a.py"])], "dependency cycle"),
        ([file("a.py", ["a.py"])], "a.py: depends on itself"),
        ([file("a.py", ["x.py"])], "dependency 'x.py' is not a file in the tree"),
    ],
)
def test_invalid_graphs_raise(files: list[dict], message: str) -> None:
    with pytest.raises(BlueprintInvalid, match=message):
        topological_order(Blueprint.model_validate(plan(files=files)))


def test_find_cycles_reports_dependency_direction() -> None:
    assert find_cycles({"a": ["b"], "b": ["c"], "c": ["a"]})[0] in (
        ["a", "b", "c", "a"],
        ["b", "c", "a", "b"],
        ["c", "a", "b", "c"],
    )
    assert find_cycles({"a": ["b"], "b": []}) == []
