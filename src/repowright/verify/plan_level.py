"""Failures that point at the plan rather than at a line of code.

Repair edits files one at a time against a fixed blueprint; some failures cannot be fixed that
way: a module the code imports that no planned file provides, two files that disagree on an
interface, an import cycle, a requirement the environment cannot meet. Those are what
re-planning (`pipeline/replan.py`) sends back to the planner.
"""

from __future__ import annotations

import re

from repowright.artifacts.verdict import Check, Finding

MISSING_MODULE = re.compile(r"No module named '(?P<module>[\w.]+)'", re.I)
CYCLE = re.compile(r"partially initialized module|circular import", re.I)
MISSING_SCRIPT = re.compile(r"can't open file|No such file or directory: '[^']+\.py'")
DISAGREE = re.compile(r"cannot import name|module '[\w.]+' has no attribute")
"""Between files. A call with the wrong arguments is the static `call_arity` check's when it
crosses files; at run time it is as often a bug inside one file (argparse's namespace passed
to the wrong function), which repair handles."""
BY_CHECK = {
    "files": "a planned file is missing",
    "cross_imports": "files disagree on what a project module provides",
    "call_arity": "files disagree on a signature",
    "requirements": "a requirement is not declared",
    "install": "a requirement cannot be installed here",
}


def plan_level(finding: Finding, own: frozenset[str]) -> str:
    """Why `finding` points at the plan ('' when it is a code-level failure). `own`: the
    project's top-level module names (a missing one is a file the plan lacks)."""
    text = finding.message
    if m := MISSING_MODULE.search(text):
        top = m["module"].split(".")[0]
        return (
            f"the code imports {m['module']}, which no planned file provides"
            if top in own
            else f"the code needs {top}, which the environment does not have"
        )
    if CYCLE.search(text):
        return "the modules import each other (a dependency cycle)"
    if MISSING_SCRIPT.search(text):
        return "a script or entry point runs a file that does not exist"
    if finding.check in BY_CHECK:
        return BY_CHECK[finding.check]
    if DISAGREE.search(text):
        return "files disagree on an interface"
    return ""


def plan_findings(checks: list[Check], own: frozenset[str]) -> list[tuple[Finding, str]]:
    """The failing findings that point at the plan, each with why (no repeats)."""
    out: dict[str, tuple[Finding, str]] = {}
    for check in checks:
        if check.status != "failed":
            continue
        for f in check.findings or [Finding(message=check.detail, check=check.name)]:
            if why := plan_level(f, own):
                out.setdefault(f.label(), (f, why))
    return list(out.values())


def plan_scope(found: list[tuple[Finding, str]], own: frozenset[str]) -> tuple[set[str], set[str]]:
    """What a revision answering `found` may change: the files the findings name, and the
    top-level blueprint fields they are about (the environment for requirements and packages
    the environment lacks; verification and entry points for what scripts run)."""
    named = {f.file for f, _ in found if f.file}
    top: set[str] = set()
    for f, _ in found:
        missing = MISSING_MODULE.search(f.message)
        if f.check in ("requirements", "install") or (
            missing and missing["module"].split(".")[0] not in own
        ):
            top.add("environment")
        if f.check == "smoke" or MISSING_SCRIPT.search(f.message):
            top |= {"verification", "entry_points"}
    return named, top
