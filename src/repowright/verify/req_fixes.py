"""Requirement lines that can never install, removed without the model.

Small models list `python>=3.8`, standard-library modules (`json`, `argparse`) or the project's
own package in requirements.txt; pip then fails and nothing else runs. None of these is ever
a third-party requirement, so the line has one right fix: delete it.
"""

from __future__ import annotations

from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from repowright.artifacts.verdict import Finding
from repowright.blueprint.fixes import INTERPRETER
from repowright.verify.deps import is_stdlib, normalize
from repowright.verify.import_fixes import Fix

REQUIREMENTS = "requirements.txt"


def never_installable(line: str, own: frozenset[str]) -> str:
    """Why the requirement on `line` is not a third-party package ('' when it may be one)."""
    text = line.split("#", 1)[0].strip()
    if not text or text.startswith("-"):
        return ""
    try:
        name = Requirement(text).name
    except InvalidRequirement:
        return ""
    if normalize(name) in INTERPRETER:
        return "the Python version is not a package"
    if is_stdlib(name):
        return f"{name} is in the standard library"
    if normalize(name) in {normalize(o) for o in own}:
        return f"{name} is this project's own package"
    return ""


def fix_requirements(
    repo: Path, findings: list[Finding], own: frozenset[str]
) -> tuple[list[Fix], list[Finding]]:
    """On a failed install, drop the requirement lines that can never install; the install
    finding is left for the model only when no such line was found."""
    if not any(f.check == "install" for f in findings):
        return [], findings
    path = repo / REQUIREMENTS
    if not path.is_file():
        return [], findings
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    fixes = [
        Fix(file=REQUIREMENTS, line=n, before=line.strip(), after=f"(removed: {why})")
        for n, line in enumerate(lines, start=1)
        if (why := never_installable(line, own))
    ]
    if not fixes:
        return [], findings
    removed = {fix.line for fix in fixes}
    path.write_text("".join(ln for n, ln in enumerate(lines, 1) if n not in removed))
    return fixes, [f for f in findings if f.check != "install"]
