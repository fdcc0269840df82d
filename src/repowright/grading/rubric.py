"""PaperBench rubric trees: load, validate (errors name the node), count, and prune.

The format is PaperBench's `rubric.json`: every node has `id`, `requirements`, `weight`
and `sub_tasks`; leaves carry a `task_category` (and usually a `finegrained_task_category`).
A parent's score is the weighted mean of its children, so weights are relative to siblings.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Literal, Protocol, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from repowright.errors import InputError

TaskCategory = Literal["Code Development", "Code Execution", "Result Analysis"]
CATEGORIES: tuple[TaskCategory, ...] = ("Code Development", "Code Execution", "Result Analysis")


class RubricNode(BaseModel):
    """One requirement; a leaf when it has no sub-tasks."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    id: str = Field(min_length=1)
    requirements: str
    weight: int | float = Field(ge=0)
    sub_tasks: list[RubricNode]
    task_category: TaskCategory | None = None
    finegrained_task_category: str | None = None

    @model_validator(mode="after")
    def _category_on_leaves_only(self) -> RubricNode:
        if self.sub_tasks and self.task_category is not None:
            raise ValueError("only leaves may have a task_category")
        if not self.sub_tasks and self.task_category is None:
            raise ValueError(f"leaf has no task_category (one of {', '.join(CATEGORIES)})")
        return self

    @property
    def is_leaf(self) -> bool:
        return not self.sub_tasks

    def walk(self) -> Iterator[RubricNode]:
        """This node and every descendant, depth first."""
        yield self
        for child in self.sub_tasks:
            yield from child.walk()

    def leaves(self) -> list[RubricNode]:
        return [n for n in self.walk() if n.is_leaf]


def parse_rubric(data: Any, source: str = "rubric") -> RubricNode:
    """Validate a rubric tree; the error names the offending node by id (or its path)."""
    try:
        root = RubricNode.model_validate(data)
    except RecursionError:
        raise InputError(f"{source}: the tree is nested too deeply to be a rubric") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = list(error["loc"])
        depth = 0
        while loc[depth : depth + 1] == ["sub_tasks"] and isinstance(_at(loc, depth + 1), int):
            depth += 2
        field = str(loc[depth]) if depth < len(loc) else ""
        where = _node_label(data, loc[:depth])
        what = f"field {field!r}: " if field else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        raise InputError(f"{source}: node {where}: {what}{message}") from None
    return root


def _at(items: list[Any], index: int) -> Any:
    return items[index] if index < len(items) else None


def _node_label(data: Any, loc: list[Any]) -> str:
    """The id of the node at `loc` in the raw data, else its path (e.g. root.sub_tasks[2])."""
    node, path = data, "root"
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}"
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return path
    if isinstance(node, dict) and isinstance(node.get("id"), str) and node["id"]:
        return repr(node["id"])
    return f"at {path}"


def load_rubric(path: Path) -> RubricNode:
    """Read and validate a PaperBench `rubric.json`."""
    if not path.is_file():
        raise InputError(f"rubric not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, RecursionError) as exc:  # JSON errors, non-UTF-8 bytes, deep nesting
        raise InputError(f"{path}: not valid JSON: {exc}") from None
    return parse_rubric(data, source=str(path))


class Tree(Protocol):
    id: str

    @property
    def sub_tasks(self) -> Sequence[Self]: ...


T = TypeVar("T", bound=Tree)


def leaf_keys(root: T) -> list[tuple[str, T]]:
    """Every leaf of a rubric or graded tree with its key: its id, or `id@position` (child
    indices from the root, e.g. `a1@0.2.1`) where the tree uses that id more than once
    (PaperBench's bbox and bridging-data-gaps repeat leaf ids in different subtrees)."""
    counts: Counter[str] = Counter()
    order: list[tuple[str, T]] = []

    def visit(node: T, position: str) -> None:
        counts[node.id] += 1
        if not node.sub_tasks:
            order.append((position, node))
        for i, child in enumerate(node.sub_tasks):
            visit(child, f"{position}.{i}" if position else str(i))

    visit(root, "")
    return [(n.id if counts[n.id] == 1 else f"{n.id}@{pos}", n) for pos, n in order]


def leaf_shares(root: RubricNode) -> dict[str, float]:
    """Each leaf's share of the root score (product of normalised weights along its path),
    by leaf key (`leaf_keys`)."""
    shares: list[float] = []

    def visit(node: RubricNode, share: float) -> None:
        if node.is_leaf:
            shares.append(share)
            return
        total = sum(c.weight for c in node.sub_tasks)
        for child in node.sub_tasks:
            visit(child, share * child.weight / total if total else 0.0)

    visit(root, 1.0)
    return {key: share for (key, _), share in zip(leaf_keys(root), shares, strict=True)}


def category_counts(root: RubricNode) -> dict[str, int]:
    """Number of leaves per task category (every category listed, zeros included)."""
    counts = Counter(leaf.task_category for leaf in root.leaves())
    return {c: counts.get(c, 0) for c in CATEGORIES}


def code_dev_only(root: RubricNode) -> RubricNode:
    """PaperBench's code-dev variant: keep Code Development leaves, drop emptied parents.

    Scores renormalise by themselves, since a parent averages over the children it keeps.
    """

    def prune(node: RubricNode) -> RubricNode | None:
        if node.is_leaf:
            return node if node.task_category == "Code Development" else None
        kept = [c for c in (prune(s) for s in node.sub_tasks) if c is not None]
        return node.model_copy(update={"sub_tasks": kept}) if kept else None

    pruned = prune(root)
    if pruned is None:
        raise InputError("the rubric has no Code Development leaves to grade (--code-dev)")
    return pruned
