"""requirements.txt fixed without the model where the answer is unique.

Code importing a third-party package that nothing declares (`import numpy`, no requirement)
stops verification before anything runs; the requirements check names the distribution, so
it is added. Small models also list `python>=3.8`, standard-library modules (`json`) or the
project's own package; pip then fails and nothing else runs. None of these is ever a
third-party requirement, so the line is deleted.
"""

from __future__ import annotations

import re
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement

from repowright.artifacts.verdict import Finding
from repowright.blueprint.fixes import INTERPRETER
from repowright.verify.deps import is_stdlib, normalize
from repowright.verify.model_free import Fix

REQUIREMENTS = "requirements.txt"
MISSING = re.compile(r"add '(?P<dist>[\w.-]+)' to requirements\.txt")
"""How the requirements check (`verify/static.py`) names the distribution an import needs."""


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
    """Declare the distributions undeclared imports need (the requirements check names each);
    on a failed install, drop the requirement lines that can never install. What is left goes
    to the model."""
    declared, findings = _declare_missing(repo, findings)
    dropped, findings = _drop_uninstallable(repo, findings, own)
    return declared + dropped, findings


def _declare_missing(repo: Path, findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    wanted = {
        f.message: m["dist"]
        for f in findings
        if f.check == "requirements" and (m := MISSING.search(f.message))
    }
    if not wanted:
        return [], findings
    path = repo / REQUIREMENTS
    text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
    lines = text.splitlines()
    start = len(lines) + 1
    added = list(dict.fromkeys(wanted.values()))
    path.write_text("\n".join([*lines, *added]) + "\n", encoding="utf-8")
    fixes = [
        Fix(file=REQUIREMENTS, line=start + i, before="(undeclared)", after=dist)
        for i, dist in enumerate(added)
    ]
    return fixes, [f for f in findings if f.message not in wanted]


def _drop_uninstallable(
    repo: Path, findings: list[Finding], own: frozenset[str]
) -> tuple[list[Fix], list[Finding]]:
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
