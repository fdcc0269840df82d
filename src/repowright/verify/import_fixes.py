"""Deterministic import repairs, made before the model is asked for edits.

A name imported from the wrong project module (`from rpn.errors import RPNError` when the
class lives in `rpn/exceptions.py`) has exactly one right answer when exactly one project
module defines that name: import it from there. Small models often fail to propose even such a
one-line edit; anything with more than one candidate is left to the model.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from repowright.memory.extract import ModuleInfo, ProjectIndex
from repowright.verify.schema import Finding

FIXABLE = {"ImportError", "ModuleNotFoundError"}


@dataclass
class ImportFix:
    file: str
    line: int
    before: str
    after: str


def fix_imports(repo: Path, findings: list[Finding]) -> tuple[list[ImportFix], list[Finding]]:
    """Rewrite the import statements the findings point at where the answer is unique; return
    the fixes made and the findings left for the model."""
    index = ProjectIndex(repo)
    fixes: list[ImportFix] = []
    left: list[Finding] = []
    for finding in findings:
        fix = None
        if finding.check == "cross_imports" and finding.code in FIXABLE and finding.line:
            info = index.by_path.get(finding.file or "")
            if info is not None and info.tree is not None:
                fix = _rewrite(repo, info, index, finding.line)
        if fix is None:
            left.append(finding)
        else:
            fixes.append(fix)
            index = ProjectIndex(repo)  # the file changed: later findings see the new source
    return fixes, left


def _rewrite(repo: Path, info: ModuleInfo, index: ProjectIndex, line: int) -> ImportFix | None:
    assert info.tree is not None
    node = next(
        (n for n in ast.walk(info.tree) if isinstance(n, ast.ImportFrom) and n.lineno == line),
        None,
    )
    if node is None or any(a.name == "*" for a in node.names):
        return None
    target = index.resolve(info, node.module, node.level)
    spelled = "." * node.level + (node.module or "")  # kept where the target stays right
    groups: dict[str, list[str]] = {}
    for alias in node.names:
        home = _home(alias.name, target, index)
        if home is None:
            return None
        text = alias.name + (f" as {alias.asname}" if alias.asname else "")
        groups.setdefault(spelled if home == target else home, []).append(text)
    lines = info.source.splitlines(keepends=True)
    first, last = node.lineno - 1, (node.end_lineno or node.lineno) - 1
    indent = lines[first][: len(lines[first]) - len(lines[first].lstrip())]
    new = [f"{indent}from {module} import {', '.join(names)}\n" for module, names in groups.items()]
    before = "".join(lines[first : last + 1])
    if "".join(new).strip() == before.strip():
        return None
    lines[first : last + 1] = new
    (repo / info.path).write_text("".join(lines), encoding="utf-8")
    return ImportFix(info.path, line, before.strip(), "".join(new).strip())


def _home(name: str, target: str | None, index: ProjectIndex) -> str | None:
    """The module to import `name` from: the current target if it has it, else the one project
    module (or package) that defines it, else None."""
    if target is not None:
        module = index.modules.get(target)
        if (module is not None and name in module.defined) or index.exists(f"{target}.{name}"):
            return target
    owners = [m for m, info in index.modules.items() if name in info.own]
    if len(owners) == 1:
        return owners[0]
    submodules = [m for m in index.modules if m.rpartition(".")[2] == name]
    if not owners and len(submodules) == 1 and "." in submodules[0]:
        return submodules[0].rpartition(".")[0]  # `from pkg import mod`
    return None
