"""Calls to methods a class does not have, found before anything runs.

`self.is_empty()` in a `RingBuffer` that defines no `is_empty` fails every test that reaches
it with an `AttributeError` far from the cause. A class that stands alone (no base but
`object`, no `__getattr__`, not itself a base of another project class, which could supply the
method) has exactly the members its body defines and its methods assign: any other
`self.name(...)` is a bug the static checks can name, with the method's line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from repowright.artifacts.verdict import Finding
from repowright.code.python import ModuleInfo, ProjectIndex
from repowright.verify.explain import is_self_attr

DYNAMIC = {"__getattr__", "__getattribute__"}


def _members(cls: ast.ClassDef) -> set[str]:
    """Names the class body binds, plus every `self.<name>` its methods assign."""
    names: set[str] = set()
    for node in cls.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    for sub in ast.walk(cls):
        if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store) and is_self_attr(sub):
            names.add(sub.attr)
    return names


def _standalone(cls: ast.ClassDef, bases_in_project: set[str]) -> bool:
    plain_bases = all(isinstance(b, ast.Name) and b.id == "object" for b in cls.bases)
    return (
        plain_bases
        and not cls.keywords
        and not cls.decorator_list
        and cls.name not in bases_in_project
    )


def _self_calls(cls: ast.ClassDef) -> Iterator[tuple[str, int]]:
    """`self.<name>(...)` calls in the class's own methods (not in nested classes)."""
    for method in cls.body:
        if not isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(method):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and is_self_attr(node.func)
            ):
                yield node.func.attr, node.lineno


def project_bases(index: ProjectIndex) -> set[str]:
    """Names used as a base class anywhere in the project."""
    bases: set[str] = set()
    for info in index.by_path.values():
        for node in ast.walk(info.tree) if info.tree else ():
            if isinstance(node, ast.ClassDef):
                for base in node.bases:
                    if isinstance(base, ast.Name):
                        bases.add(base.id)
                    elif isinstance(base, ast.Attribute):
                        bases.add(base.attr)
    return bases


def missing_methods(
    tree: ast.Module, bases_in_project: set[str]
) -> Iterator[tuple[ast.ClassDef, str, int]]:
    """(class, name, line of its first call) for each `self.name(...)` where a standalone
    class has no member `name`."""
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        members = _members(cls)
        if not _standalone(cls, bases_in_project) or members & DYNAMIC:
            continue
        seen: set[str] = set()
        for name, line in _self_calls(cls):
            if name in members or name in seen or (name.startswith("__") and name.endswith("__")):
                continue
            seen.add(name)
            yield cls, name, line


def member_findings(info: ModuleInfo, bases_in_project: set[str]) -> Iterator[Finding]:
    """A finding for each of the module's `missing_methods`."""
    assert info.tree is not None
    for cls, name, line in missing_methods(info.tree, bases_in_project):
        yield Finding(
            file=info.path,
            line=line,
            message=f"self.{name}() calls a method {cls.name} does not define: write it",
            check="stubs",
            code="AttributeError",
        )
