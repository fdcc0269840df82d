"""Say why a run-time error happened when the code shows it, so a small repair model is told
the cause rather than the symptom: `'Store' object has no attribute 'items'` becomes "... only
some paths of `Store.__init__` set `self.items`" (the file was written, the branch that reads
the saved file sets it, the branch that creates it does not); `add() got an unexpected keyword
argument 'command'` on `args.func(**vars(args))` says that every option is passed."""

from __future__ import annotations

import ast
import re

from repowright.artifacts.verdict import Finding
from repowright.code.python import ProjectIndex

NO_ATTRIBUTE = re.compile(r"AttributeError: '(?P<cls>\w+)' object has no attribute '(?P<attr>\w+)'")
UNEXPECTED_KEYWORD = re.compile(
    r"TypeError: (?P<fn>[\w.]+)\(\) got an unexpected keyword argument '(?P<kw>\w+)'"
)


def is_self_attr(node: ast.AST, attr: str | None = None) -> bool:
    """Whether `node` is `self.<attr>` (any attribute of `self` when `attr` is None)."""
    return (
        isinstance(node, ast.Attribute)
        and (attr is None or node.attr == attr)
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
    )


def assigns(node: ast.AST, attr: str) -> bool:
    """Whether `node` assigns `self.<attr>` anywhere inside it."""
    for sub in ast.walk(node):
        targets: list[ast.expr] = []
        if isinstance(sub, ast.Assign):
            targets = sub.targets
        elif isinstance(sub, ast.AnnAssign | ast.AugAssign):
            targets = [sub.target]
        if any(is_self_attr(t, attr) for target in targets for t in ast.walk(target)):
            return True
    return False


def _on_every_path(body: list[ast.stmt], attr: str) -> bool:
    """Whether straight-line execution of `body` always assigns `self.<attr>` (an `if` counts
    only when both branches do; loops, `with` bodies and `try` bodies count as run)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            if _on_every_path(stmt.body, attr) and _on_every_path(stmt.orelse, attr):
                return True
        elif isinstance(stmt, ast.With | ast.AsyncWith | ast.Try):
            if _on_every_path(stmt.body, attr):
                return True
        elif isinstance(stmt, ast.Return | ast.Raise):
            return False
        elif assigns(stmt, attr):
            return True
    return False


def partial_init_branch(cls: ast.ClassDef, attr: str) -> ast.stmt | None:
    """The top-level statement of `cls.__init__` that sets `self.<attr>` on some of its paths
    only (an `if` whose other branch does not), when that is why instances may lack it."""
    init = next(
        (n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None
    )
    if init is None or _on_every_path(init.body, attr):
        return None
    for stmt in init.body:
        if assigns(stmt, attr):
            return stmt if not _on_every_path([stmt], attr) else None
    return None


def class_defs(index: ProjectIndex, name: str) -> list[ast.ClassDef]:
    found = []
    for info in index.by_path.values():
        if info.tree is not None:
            nodes = ast.walk(info.tree)
            found += [n for n in nodes if isinstance(n, ast.ClassDef) and n.name == name]
    return found


def missing_attribute_cause(index: ProjectIndex, cls: str, attr: str) -> str:
    """Why instances of the project's class `cls` lack `self.<attr>` ('' when unsure)."""
    classes = class_defs(index, cls)
    if len(classes) != 1:
        return ""
    methods = {
        n.name: n for n in classes[0].body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    if any(isinstance(n, ast.AnnAssign | ast.Assign) for n in classes[0].body):
        return ""  # a dataclass field or class attribute: not an __init__ question
    init = methods.get("__init__")
    if init is not None and assigns(init, attr) and not _on_every_path(init.body, attr):
        return f"only some paths of `{cls}.__init__` set `self.{attr}`: set it on every path"
    setters = [name for name, fn in methods.items() if name != "__init__" and assigns(fn, attr)]
    if setters and (init is None or not assigns(init, attr)):
        return f"`self.{attr}` is set in `{cls}.{setters[0]}`, never in `__init__`"
    if not setters and (init is None or not assigns(init, attr)):
        called = any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == attr
            for n in ast.walk(classes[0])
        )
        if called:
            return f"`{cls}` calls `self.{attr}()` but defines no method `{attr}`: write it"
        return f"no method of `{cls}` sets `self.{attr}`"
    return ""


def spread_namespace_cause(index: ProjectIndex, finding: Finding, fn: str, kw: str) -> str:
    """`main()` calling `args.func(**vars(args))`: every command-line option reaches the
    function (the subcommand's name too), which takes only some of them ('' when the failing
    line is not such a call)."""
    info = index.by_path.get(finding.file or "")
    if info is None or info.tree is None or finding.line is None:
        return ""
    for node in ast.walk(info.tree):
        if isinstance(node, ast.Call) and node.lineno <= finding.line <= (node.end_lineno or 0):
            for keyword in node.keywords:
                spread = keyword.value
                if (
                    keyword.arg is None
                    and isinstance(spread, ast.Call)
                    and isinstance(spread.func, ast.Name)
                    and spread.func.id == "vars"
                ):
                    return (
                        f"`**vars(...)` passes every command-line option, `{kw}` included, to "
                        f"`{fn}`: call it with only the arguments it takes"
                    )
    return ""


def explain(findings: list[Finding], index: ProjectIndex) -> list[Finding]:
    """The findings, each run-time error the code explains given its cause in parentheses."""
    out = []
    for finding in findings:
        m = NO_ATTRIBUTE.search(finding.message)
        cause = missing_attribute_cause(index, m["cls"], m["attr"]) if m else ""
        if not cause and (k := UNEXPECTED_KEYWORD.search(finding.message)):
            cause = spread_namespace_cause(index, finding, k["fn"], k["kw"])
        if cause:
            finding = finding.model_copy(update={"message": f"{finding.message} ({cause})"})
        out.append(finding)
    return out
