"""A deterministic repair for an attribute `__init__` sets on some paths only.

`if os.path.exists(path): self.items = json.load(f)` with nothing in the other branch leaves
new instances without `items`; the first use fails with `AttributeError`. The fix has one
right shape: give the attribute its empty value before that `if`, so the branch that sets it
still wins. The empty value is read from how the class uses the attribute (`.append` → `[]`,
`[key] =` or `.items()` → `{}`, `.add` → `set()`, `+=` → `0`), else `None`.
"""

from __future__ import annotations

import ast
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.code.python import ProjectIndex
from repowright.fsio import atomic_write
from repowright.verify.explain import (
    NO_ATTRIBUTE,
    class_defs,
    is_self_attr,
    partial_init_branch,
)
from repowright.verify.model_free import Fix, fix_each

LIST_METHODS = {"append", "extend", "insert", "remove", "sort", "index", "count"}
DICT_METHODS = {"items", "keys", "values", "get", "setdefault", "update"}


def _uses(node: ast.AST, attr: str) -> str | None:
    """What one node says about the type of `self.<attr>` (None: nothing)."""
    if isinstance(node, ast.Attribute) and is_self_attr(node.value, attr):
        if node.attr in LIST_METHODS:
            return "list"
        return "dict" if node.attr in DICT_METHODS else "set" if node.attr == "add" else "other"
    if isinstance(node, ast.Subscript) and is_self_attr(node.value, attr):
        if isinstance(node.ctx, ast.Store):
            key = node.slice
            return (
                "list" if isinstance(key, ast.Constant) and isinstance(key.value, int) else "dict"
            )
        return "sized"
    if isinstance(node, ast.AugAssign) and is_self_attr(node.target, attr):
        value = node.value
        return (
            "number"
            if isinstance(value, ast.Constant) and type(value.value) in (int, float)
            else "other"
        )
    if isinstance(node, ast.For) and is_self_attr(node.iter, attr):
        return "sized"
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "len":
        return "sized" if any(is_self_attr(a, attr) for a in node.args) else None
    return None


EMPTY = {"list": "[]", "dict": "{}", "set": "set()", "number": "0"}


def _empty_value(cls: ast.ClassDef, attr: str) -> str:
    """The empty value of `self.<attr>` as the class uses it: one kind of use (iterating and
    `len` count as a list's unless a dict's use is seen), else None."""
    kinds = {k for node in ast.walk(cls) if (k := _uses(node, attr))}
    if kinds == {"sized"}:
        return "[]"
    kinds.discard("sized")
    return EMPTY.get(kinds.pop(), "None") if len(kinds) == 1 else "None"


def fix_partial_init(repo: Path, findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    """Set each attribute that `__init__` sets on some paths only before the branch that sets
    it; return the fixes and the findings left for the model."""
    return fix_each(repo, findings, _fix_one, _missing)


def _missing(finding: Finding) -> tuple[str, str] | None:
    """(class, attribute) a finding says is missing: another test hitting it is fixed too."""
    m = NO_ATTRIBUTE.search(finding.message)
    return (m["cls"], m["attr"]) if m else None


def _fix_one(repo: Path, index: ProjectIndex, finding: Finding) -> Fix | None:
    missing = _missing(finding)
    return _fix(repo, index, *missing) if missing else None


def _fix(repo: Path, index: ProjectIndex, cls_name: str, attr: str) -> Fix | None:
    classes = class_defs(index, cls_name)
    if len(classes) != 1:
        return None
    branch = partial_init_branch(classes[0], attr)
    info = next(
        (i for i in index.by_path.values() if i.tree and classes[0] in ast.walk(i.tree)), None
    )
    if branch is None or info is None:
        return None
    lines = info.source.splitlines(keepends=True)
    indent = lines[branch.lineno - 1][: branch.col_offset]
    added = f"self.{attr} = {_empty_value(classes[0], attr)}"
    lines.insert(branch.lineno - 1, f"{indent}{added}\n")
    atomic_write(repo / info.path, "".join(lines))
    return Fix(
        info.path, branch.lineno, f"{cls_name}.__init__ sets self.{attr} on some paths", added
    )
