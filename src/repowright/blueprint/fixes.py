"""Deterministic repairs that have exactly one sensible answer, applied before validation.

Anything that needs a judgement about the file tree (a dependency on a file that does not
exist, a cycle, an unsafe path) is *not* fixed here: it goes back to the planner as a
violation, because guessing would silently change what the plan means.
"""

from __future__ import annotations

import re
import sys
from pathlib import PurePosixPath

from packaging.version import InvalidVersion, Version

from repowright.artifacts.blueprint import Blueprint, Component, FileSpec, Stage
from repowright.blueprint.deliverables import (
    add_named_deliverables,
    add_run_entry_points,
    importable,
    resolve_entry_points,
    wire_harness,
    wire_packages,
)
from repowright.blueprint.examples import add_document_examples
from repowright.blueprint.named import resolve_symbol_dependencies, wire_named_symbols
from repowright.blueprint.shadowing import fold_shadowing_packages, fold_symbol_modules
from repowright.blueprint.validate import PYTHON_VERSION, README, REPRODUCE
from repowright.fsio import slugify

DEFAULT_PYTHON = "3.11"
ANY_VERSION = {"*", "any", "latest"}
INTERPRETER = {"python", "python3", "cpython"}
_PY_IN_TEXT = re.compile(r"3\.\d{1,2}(?:\.\d{1,2})?")
_NAME_AND_VERSION = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._\-\[\],]*)(?:\s*([<>=!~].*)|\s+(\d\S*))$")


def autofix_blueprint(
    bp: Blueprint,
    default_name: str = "project",
    document_text: str = "",
    item_ids: frozenset[str] = frozenset(),
) -> tuple[Blueprint, list[str]]:
    """A repaired copy of `bp` and one note per change made.

    Fixes: empty project name (from `default_name`), `./` prefixes and surrounding spaces in
    paths, duplicate file entries (merged), repeated, empty or self dependencies, repeated
    references, dependencies written as a module (`pkg.errors` -> `pkg/errors.py`; `csv` dropped) or
    as an algorithm item id (`eq1`, one of `item_ids`: moved to `covers`),
    empty reproduce script / smoke command, missing `README.md` / `reproduce.sh`, a Python
    version written loosely (`python3.11`, `>=3.10`), package specifiers in the name field,
    bare versions (`2.0` -> `==2.0`), `*`/`latest`, standard-library modules listed as
    packages, and deliverables `document_text` names but the plan left out (entry points,
    tests), symbols it assigns to a file and the files using them (`blueprint/named.py`), a
    package shadowing the module file the document names or a module named after a symbol the
    document defines in another (`blueprint/shadowing.py`), a test file of the examples the
    document states (`blueprint/examples.py`),
    entry points written as the command that runs them, a package directory without
    `__init__.py`; an `__init__.py` comes after its
    modules, README / reproduce script after the entry points and tests they run
    (`blueprint/deliverables.py`).
    """
    bp = bp.model_copy(deep=True)
    notes: list[str] = []
    if not bp.project_name.strip():
        bp.project_name = slugify(default_name)
        notes.append(f"project_name was empty; set to {bp.project_name!r}")
    _fix_paths(bp, notes)
    _resolve_references(bp, notes, item_ids)
    fold_shadowing_packages(bp, document_text, notes)
    fold_symbol_modules(bp, document_text, notes)
    add_named_deliverables(bp, document_text, notes)
    wire_named_symbols(bp, document_text, notes)
    add_document_examples(bp, document_text, notes)
    resolve_symbol_dependencies(bp, notes)
    resolve_entry_points(bp, notes)
    add_run_entry_points(bp, document_text, notes)
    wire_packages(bp, notes)
    _fix_required_files(bp, notes)
    wire_harness(bp, [README, bp.verification.reproduce_script])
    _fix_environment(bp, notes)
    return bp, notes


def _clean(path: str) -> str:
    path = path.strip()
    while path.startswith("./"):
        path = path[2:]
    return path


def _fix_paths(bp: Blueprint, notes: list[str]) -> None:
    renamed = {}
    for spec in bp.files:
        new = _clean(spec.path)
        if new != spec.path:
            renamed[spec.path] = new
            spec.path = new
    if renamed:
        notes.append(
            "normalized paths: " + ", ".join(f"{a!r} -> {b!r}" for a, b in renamed.items())
        )
    kept: dict[str, FileSpec] = {}
    for spec in bp.files:
        first = kept.setdefault(spec.path, spec)
        if first is spec:
            continue
        if spec == first:
            notes.append(f"dropped an exact duplicate entry of {spec.path!r}")
        else:
            _merge(first, spec)
            notes.append(f"merged a second entry of {spec.path!r} into the first")
    bp.files = list(kept.values())
    for spec in bp.files:
        deps = list(dict.fromkeys("" if _nothing(d) else _clean(d) for d in spec.dependencies))
        if "" in deps:
            deps.remove("")
            notes.append(f"{spec.path}: dropped an empty dependency")
        if spec.path in deps:
            deps.remove(spec.path)
            notes.append(f"{spec.path}: dropped its dependency on itself")
        spec.dependencies = deps
    bp.entry_points = list(dict.fromkeys(_clean(e) for e in bp.entry_points))
    groups: list[Component | Stage] = [*bp.components, *bp.plan]
    for group in groups:
        group.files = list(dict.fromkeys(_clean(f) for f in group.files))
    bp.verification.reproduce_script = _clean(bp.verification.reproduce_script) or REPRODUCE


def _nothing(ref: str) -> bool:
    """A placeholder for no dependency (graphs' plan listed `'None'`, which cost a repair round
    of the whole plan)."""
    return ref.strip().lower() in {"none", "null", "nil", "n/a", "na", "-", "[]"}


def _merge(into: FileSpec, other: FileSpec) -> None:
    """Two entries for one path describe one file: it gets what either says."""
    names = {s.name for s in into.interface}
    into.interface += [s for s in other.interface if s.name not in names]
    into.dependencies = list(dict.fromkeys([*into.dependencies, *other.dependencies]))
    into.sections = list(dict.fromkeys([*into.sections, *other.sections]))
    into.covers = list(dict.fromkeys([*into.covers, *other.covers]))
    into.purpose = into.purpose or other.purpose


def _resolve_references(bp: Blueprint, notes: list[str], item_ids: frozenset[str]) -> None:
    """Dependencies written as a module rather than a path: `pkg.errors`, `errors.py` or
    `pkg/errors` become the one tree file they name; an importable module outside the tree
    (`csv`, a declared package) is not a file dependency and is dropped. A reference that
    matches no file, or several, is left for the planner."""
    paths = [f.path for f in bp.files]
    external = set(sys.stdlib_module_names) | {
        re.split(r"[\[<>=!~ ]", p.name.strip().lower().replace("-", "_"))[0]
        for p in bp.environment.packages
    }
    for spec in bp.files:
        kept = []
        for dep in spec.dependencies:
            if dep in item_ids and dep not in paths:
                spec.covers = list(dict.fromkeys([*spec.covers, dep]))
                notes.append(f"{spec.path}: {dep!r} moved from dependencies to covers")
                continue
            new = dep if dep in paths else _named_file(dep, paths)
            if new is None and _is_module(dep, external):
                notes.append(f"{spec.path}: dropped dependency {dep!r} (a module, not a file)")
                continue
            if new is not None and new != dep:
                notes.append(f"{spec.path}: dependency {dep!r} -> {new!r}")
            kept.append(new or dep)
        spec.dependencies = list(dict.fromkeys(kept))


def _is_module(ref: str, external: set[str]) -> bool:
    """Whether `ref` names a module outside the tree: the standard library, a declared
    package, or one importable here (`pytest`, `numpy`); never something path-like."""
    if "/" in ref or ref.endswith((".py", ".sh", ".md", ".txt", ".json", ".yaml", ".toml")):
        return False
    top = ref.split(".")[0].strip().lower().replace("-", "_")
    return top.isidentifier() and (top in external or importable(top))


def _named_file(ref: str, paths: list[str]) -> str | None:
    """The single tree file that `ref` names as a module or a bare file name, else None."""
    ref = ref.strip()
    dotted = ref.removesuffix(".py").replace(".", "/")
    wanted = {f"{dotted}.py", f"{dotted}/__init__.py", f"src/{dotted}.py"}
    found = [p for p in paths if p in wanted]
    if not found and "/" not in ref:  # a bare file name
        name = ref if ref.endswith(".py") else f"{ref}.py"
        found = [p for p in paths if PurePosixPath(p).name == name]
    return found[0] if len(found) == 1 else None


def _fix_required_files(bp: Blueprint, notes: list[str]) -> None:
    script = bp.verification.reproduce_script
    if not bp.verification.smoke_command.strip():
        bp.verification.smoke_command = f"bash {script} --smoke"
        notes.append(
            f"verification.smoke_command was empty; set to {bp.verification.smoke_command!r}"
        )
    paths = {f.path for f in bp.files}
    if README not in paths:
        bp.files.append(FileSpec(path=README, purpose="What the project does and how to run it."))
        notes.append(f"added the missing {README}")
    for name in dict.fromkeys((REPRODUCE, script)):
        if name in paths:
            continue
        bp.files.append(
            FileSpec(
                path=name,
                purpose="Runs the experiments end to end; `--smoke` runs a small, fast version.",
                dependencies=[e for e in bp.entry_points if e in paths],
            )
        )
        notes.append(f"added the missing {name}")


def _fix_environment(bp: Blueprint, notes: list[str]) -> None:
    env = bp.environment
    if not PYTHON_VERSION.match(env.python):
        found = _PY_IN_TEXT.findall(env.python)
        if not env.python.strip() or len(set(found)) == 1:
            new = found[0] if found else DEFAULT_PYTHON
            notes.append(f"environment.python {env.python!r} -> {new!r}")
            env.python = new
    kept = []
    own = own_modules(bp)
    for pkg in env.packages:
        before = f"{pkg.name}{pkg.version}"
        pkg.name, pkg.version = pkg.name.strip(), pkg.version.strip()
        joined = _NAME_AND_VERSION.match(pkg.name)
        if joined and not pkg.version:
            pkg.name = joined.group(1)
            pkg.version = (joined.group(2) or joined.group(3)).replace(" ", "")
        if pkg.version.lower() in ANY_VERSION:
            pkg.version = ""
        elif _is_version(pkg.version):
            pkg.version = f"=={pkg.version}"
        after = f"{pkg.name}{pkg.version}"
        if after != before:
            notes.append(f"package {before!r} -> {after!r}")
        if pkg.name.lower() in INTERPRETER:
            notes.append(f"dropped {pkg.name!r} from packages: it is environment.python")
        elif pkg.name.lower() in sys.stdlib_module_names:
            notes.append(f"dropped {pkg.name!r} from packages: it is in the standard library")
        elif pkg.name.lower().replace("-", "_") in own:
            notes.append(f"dropped {pkg.name!r} from packages: it is this project's own module")
        elif pkg in kept:
            notes.append(f"dropped a repeated package entry {pkg.name!r}")
        else:
            kept.append(pkg)
    env.packages = kept


def own_modules(bp: Blueprint) -> set[str]:
    """Top-level modules and packages the plan writes (`lru` for `lru/cache.py`): listed as a
    requirement, pip would fetch an unrelated PyPI project of the same name."""
    tops = set()
    for spec in bp.files:
        parts = PurePosixPath(spec.path.removeprefix("src/")).parts
        if spec.path.endswith(".py") and parts:
            tops.add(parts[0].removesuffix(".py").lower())
    return tops - {"tests", "test"}


def _is_version(text: str) -> bool:
    try:
        Version(text)
    except InvalidVersion:
        return False
    return True
