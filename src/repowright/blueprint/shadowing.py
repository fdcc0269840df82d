"""Planned files the document places inside another file: folded into it.

A module and a package with the same import name: `roman.py` beside `roman/`.

Python imports the package, so the module is never loaded: a plan for "a Python module
`roman.py`" that also split its functions into `roman/to_roman.py` and `roman/from_roman.py`
wrote code no `import roman` reached. When the document names the module file and not the
package, the answer is certain: the package's files are folded into the module (their
interfaces, dependencies and places in the plan). Otherwise it is a violation the planner
resolves.

A module named after a symbol (`sigmoid.py`) that the document defines in a module it names
(`logreg.py`, whose interface lists `sigmoid(z)`): the planner gave one function its own file,
so the code held two `sigmoid`s (only the invented file's was numerically stable) and a test
using `sigmoid` had two modules to import it from. The invented file is folded into the named
one.
"""

from __future__ import annotations

import re

from repowright.artifacts.blueprint import Blueprint, Component, FileSpec, Stage
from repowright.blueprint.deliverables import is_test_file
from repowright.blueprint.named import defined_names, passages


def shadowed_modules(paths: set[str]) -> dict[str, list[str]]:
    """Module files (`x.py`) that a package of the same name (`x/`) shadows, with the
    package's files."""
    out: dict[str, list[str]] = {}
    for path in sorted(paths):
        if not path.endswith(".py") or path.endswith("__init__.py"):
            continue
        prefix = path.removesuffix(".py") + "/"
        members = sorted(p for p in paths if p.startswith(prefix) and p.endswith(".py"))
        if members:
            out[path] = members
    return out


def fold_shadowing_packages(bp: Blueprint, document_text: str, notes: list[str]) -> None:
    """Fold a package into the module of the same name when the document names the module's
    file and nothing inside the package."""
    for module, members in shadowed_modules({f.path for f in bp.files}).items():
        prefix = module.removesuffix(".py") + "/"
        name = module.rpartition("/")[2]
        named = re.search(rf"(?<![\w/]){re.escape(name)}\b", document_text)
        if not named or prefix in document_text:
            continue
        _fold(bp, module, members)
        notes.append(
            f"folded {', '.join(members)} into {module}: the package `{prefix}` would shadow "
            f"the module the document names"
        )


def fold_symbol_modules(bp: Blueprint, document_text: str, notes: list[str]) -> None:
    """Fold a module the document never names, named after a symbol the passage of a module
    it names defines, into that module."""
    sources = [f.path for f in bp.files if f.path.endswith(".py") and not is_test_file(f.path)]
    found = passages(document_text, sources)
    homes: dict[str, str] = {}
    for path, passage in found.items():
        for name in defined_names(passage):
            homes.setdefault(name, path)
    for path in sources:
        stem = path.rpartition("/")[2].removesuffix(".py")
        home = homes.get(stem)
        if path in found or home is None or home == path or path in bp.entry_points:
            continue
        _fold(bp, home, [path])
        notes.append(f"folded {path} into {home}: the document defines `{stem}` there")


def _fold(bp: Blueprint, module: str, members: list[str]) -> None:
    target = next(f for f in bp.files if f.path == module)
    gone = set(members)
    for spec in [f for f in bp.files if f.path in gone]:
        have = {s.name for s in target.interface}
        target.interface += [s for s in spec.interface if s.name not in have]
        target.dependencies += spec.dependencies
        target.sections += [s for s in spec.sections if s not in target.sections]
        target.covers += [c for c in spec.covers if c not in target.covers]
    bp.files = [f for f in bp.files if f.path not in gone]
    for spec in bp.files:
        spec.dependencies = _moved(spec.dependencies, gone, module, spec)
    groups: list[Component | Stage] = [*bp.components, *bp.plan]
    for group in groups:
        group.files = list(dict.fromkeys(module if f in gone else f for f in group.files))
    bp.entry_points = list(dict.fromkeys(module if e in gone else e for e in bp.entry_points))


def _moved(deps: list[str], gone: set[str], module: str, spec: FileSpec) -> list[str]:
    moved = (module if d in gone else d for d in deps)
    return [d for d in dict.fromkeys(moved) if d != spec.path]
