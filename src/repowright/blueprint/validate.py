"""The rules a blueprint must follow before generation starts, as one pure function.

Each violation is a precise, self-contained sentence: the planner gets the list back to repair
its plan, and a user who edited `blueprint.yaml` by hand gets the same list as the error.
"""

from __future__ import annotations

import re
from collections import Counter

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.graph import dependency_graph, find_cycles
from repowright.blueprint.shadowing import shadowed_modules

README = "README.md"
REPRODUCE = "reproduce.sh"
PYTHON_VERSION = re.compile(r"^3\.\d{1,2}(\.\d{1,2})?$")
_DRIVE = re.compile(r"^[A-Za-z]:")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def path_problem(path: str) -> str | None:
    """Why `path` is not a safe relative POSIX path inside the repository, or None."""
    if not path:
        return "empty path"
    if "\\" in path:
        return "contains a backslash; use '/' as the separator"
    if _DRIVE.match(path):
        return "starts with a drive letter; use a path relative to the repository root"
    if path.startswith(("/", "~")):
        return "is absolute; use a path relative to the repository root"
    if _CONTROL.search(path):
        return "contains a control character"
    parts = path.split("/")
    if ".." in parts:
        return "contains '..'; paths must stay inside the repository"
    if any(part in ("", ".") for part in parts):
        return "has an empty or '.' segment (e.g. '//', './' or a trailing '/')"
    if any(part != part.strip() for part in parts):
        return "has a segment with leading or trailing spaces"
    if parts[0] == ".git":
        return "is inside .git"
    return None


def validate_blueprint(bp: Blueprint) -> list[str]:
    """Every rule `bp` breaks, as precise error strings; an empty list means it is valid."""
    errors: list[str] = []
    if not bp.project_name.strip():
        errors.append("project_name is empty")
    errors += _path_errors(bp)
    paths = {f.path for f in bp.files}
    for spec in bp.files:
        for dep in spec.dependencies:
            if dep == spec.path:
                errors.append(f"{spec.path}: depends on itself")
            elif dep not in paths:
                errors.append(
                    f"{spec.path}: dependency {dep!r} is not a file in the tree (dependencies "
                    "name other files of this blueprint; packages go in environment.packages)"
                )
    for cycle in find_cycles(dependency_graph(bp)):
        errors.append(
            f"dependency cycle: {' -> '.join(cycle)} (each file depends on the next); "
            "remove one of these dependencies"
        )
    errors += _reference_errors(bp, paths)
    errors += _environment_errors(bp)
    return errors


def _path_errors(bp: Blueprint) -> list[str]:
    errors = []
    for i, spec in enumerate(bp.files):
        problem = path_problem(spec.path)
        if problem:
            errors.append(f"files[{i}].path {spec.path!r} {problem}")
    for path, count in Counter(f.path for f in bp.files).items():
        if count > 1:
            errors.append(f"files: {path!r} is listed {count} times; list each file once")
    paths = {f.path for f in bp.files}
    for path in sorted(paths):
        parts = path.split("/")
        for cut in range(1, len(parts)):
            folder = "/".join(parts[:cut])
            if folder in paths:
                errors.append(f"files: {folder!r} is a file but also a folder of {path!r}")
    for module, members in shadowed_modules(paths).items():
        package = module.removesuffix(".py") + "/"
        errors.append(
            f"files: {module!r} and the package {package!r} ({', '.join(members)}) have the "
            f"same import name, and Python imports the package: {module!r} would never be "
            "imported; keep one of them"
        )
    return errors


def _reference_errors(bp: Blueprint, paths: set[str]) -> list[str]:
    """Components, entry points, stages and the required files must name files of the tree."""
    errors = []
    for comp in bp.components:
        if not comp.files:
            errors.append(f"component {comp.name!r}: lists no files")
        errors += [
            f"component {comp.name!r}: {f!r} is not a file in the tree"
            for f in comp.files
            if f not in paths
        ]
    errors += [
        f"entry_points: {e!r} is not a file in the tree" for e in bp.entry_points if e not in paths
    ]
    for stage in bp.plan:
        errors += [
            f"plan stage {stage.name!r}: {f!r} is not a file in the tree"
            for f in stage.files
            if f not in paths
        ]
    for required in dict.fromkeys((README, REPRODUCE, bp.verification.reproduce_script)):
        if required not in paths:
            errors.append(f"{required} is missing from the file tree")
    if not bp.verification.smoke_command.strip():
        errors.append("verification.smoke_command is empty (e.g. 'bash reproduce.sh --smoke')")
    return errors


def _environment_errors(bp: Blueprint) -> list[str]:
    env = bp.environment
    errors = []
    if not PYTHON_VERSION.match(env.python):
        errors.append(f"environment.python {env.python!r} is not a Python version such as '3.11'")
    for pkg in env.packages:
        try:
            req = Requirement(pkg.name)
        except InvalidRequirement:
            req = None
        if req is None or req.specifier or req.url or req.marker:
            errors.append(
                f"environment.packages: name {pkg.name!r} is not a plain package name "
                "(put the version specifier in `version`)"
            )
        try:
            SpecifierSet(pkg.version)
        except InvalidSpecifier:
            errors.append(
                f"environment.packages: {pkg.name!r} version {pkg.version!r} is not a pip "
                "specifier such as '>=2.0' or '==1.4.2' (or empty)"
            )
    for name, count in Counter(p.name.lower() for p in env.packages).items():
        if count > 1:
            errors.append(f"environment.packages: {name!r} is listed {count} times")
    return errors
