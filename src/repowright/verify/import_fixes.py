"""Deterministic import repairs, made before the model is asked for edits.

A name imported from the wrong project module (`from rpn.errors import RPNError` when the
class lives in `rpn/exceptions.py`) has exactly one right answer when exactly one project
module defines that name: import it from there. An undefined name that exactly one project
module defines (or, of several, the one the file already imports from), a standard-library
module (`argparse.ArgumentParser` with no `import argparse`), a `typing` name or a
conventional alias (`np`, `pd`) has one answer too: import it. Small models often fail to
propose even such a one-line edit; anything with more than one candidate is left to the model.
"""

from __future__ import annotations

import ast
import re
import sys
import typing
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.code.python import ModuleInfo, ProjectIndex
from repowright.verify.model_free import Fix, fix_each

FIXABLE = {"ImportError", "ModuleNotFoundError"}
# Names small models use without importing them, each exported by one standard module.
STDLIB_NAMES = {
    **dict.fromkeys(
        ("deque", "defaultdict", "Counter", "OrderedDict", "namedtuple"), "collections"
    ),
    **dict.fromkeys(("dataclass", "field", "asdict"), "dataclasses"),
    **dict.fromkeys(("partial", "reduce", "lru_cache", "wraps", "cache"), "functools"),
    **dict.fromkeys(("heappush", "heappop", "heapify"), "heapq"),
    **dict.fromkeys(("ABC", "abstractmethod"), "abc"),
    "Path": "pathlib",
    "Enum": "enum",
    "Fraction": "fractions",
    "Decimal": "decimal",
}
CONVENTIONAL_ALIASES = {
    "np": "import numpy as np",
    "pd": "import pandas as pd",
    "plt": "import matplotlib.pyplot as plt",
    "nx": "import networkx as nx",
    "sp": "import scipy as sp",
}
"""Names used by convention for one package each: `np.array` with no import means numpy."""
_UNDEFINED = re.compile(r"Undefined name `(\w+)`")


def fix_imports(repo: Path, findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    """Rewrite the import statements the findings point at where the answer is unique; return
    the fixes made and the findings left for the model."""
    return fix_each(repo, findings, _fix_one, _undefined)


def _undefined(finding: Finding) -> tuple[str, str] | None:
    """(file, name) of an undefined-name finding: one import settles every use in the file."""
    m = _UNDEFINED.search(finding.message) if finding.code == "F821" else None
    return (finding.file or "", m.group(1)) if m and finding.check == "lint" else None


def _fix_one(repo: Path, index: ProjectIndex, finding: Finding) -> Fix | None:
    info = index.by_path.get(finding.file or "")
    if info is None or info.tree is None or not finding.line:
        return None
    if finding.check == "cross_imports" and finding.code in FIXABLE:
        return _rewrite(repo, info, index, finding.line)
    if (undefined := _undefined(finding)) is not None:
        return _add_import(repo, info, undefined[1], index)
    return None


def _add_import(repo: Path, info: ModuleInfo, name: str, index: ProjectIndex) -> Fix | None:
    """`from MODULE import NAME` when exactly one other project module defines NAME, `import
    NAME` for a standard-library module, `from typing import NAME` for a typing name; placed
    after the file's leading docstring and imports. None for any other name."""
    assert info.tree is not None
    owners = [m for m, mod in index.modules.items() if name in mod.own and mod is not info]
    if len(owners) > 1:
        owners = [m for m in owners if m in _imported_from(info.tree)] or owners
    if len(owners) == 1:
        statement = f"from {owners[0]} import {name}"
    elif name in sys.stdlib_module_names or (name == "pytest" and is_test_file(info.path)):
        statement = f"import {name}"
    elif name in typing.__all__:
        statement = f"from typing import {name}"
    elif name in STDLIB_NAMES:
        statement = f"from {STDLIB_NAMES[name]} import {name}"
    elif name in CONVENTIONAL_ALIASES:
        statement = CONVENTIONAL_ALIASES[name]
    else:
        return None
    source, line = with_import(info.source, info.tree, statement)
    (repo / info.path).write_text(source, encoding="utf-8")
    return Fix(info.path, line, f"undefined name {name}", statement)


def _imported_from(tree: ast.Module) -> set[str]:
    """The absolute modules a file imports names from: of two modules defining a name (an
    invented `sigmoid.py` beside `logreg.py`), the one a test already imports from is meant."""
    return {
        n.module for n in tree.body if isinstance(n, ast.ImportFrom) and n.module and not n.level
    }


def with_import(source: str, tree: ast.Module, statement: str) -> tuple[str, int]:
    """`source` with `statement` after its leading docstring and imports, and the statement's
    line number."""
    after = 0
    for i, node in enumerate(tree.body):
        docstring = i == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        if not (docstring or isinstance(node, ast.Import | ast.ImportFrom)):
            break
        after = node.end_lineno or node.lineno
    lines = source.splitlines(keepends=True)
    if after and not lines[after - 1].endswith("\n"):
        lines[after - 1] += "\n"
    lines.insert(after, statement + "\n")
    return "".join(lines), after + 1


def _rewrite(repo: Path, info: ModuleInfo, index: ProjectIndex, line: int) -> Fix | None:
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
    return Fix(info.path, line, before.strip(), "".join(new).strip())


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
