"""Fixes made without the model, one finding at a time, where the answer is unique.

Each fixer reads one finding against the project as it is now and either fixes it or leaves it
for the model. A fix changes a file, so the project is indexed again before the next finding;
a finding whose key was fixed already (the same missing name, attribute or call, hit by
another test) is dropped rather than fixed twice.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.code.python import ProjectIndex


@dataclass
class Fix:
    """One edit made without the model: where, and what it was before and after."""

    file: str
    line: int
    before: str
    after: str


FixOne = Callable[[Path, ProjectIndex, Finding], Fix | None]
"""Fix one finding in the repository (given its current index), or None to leave it."""
FixKey = Callable[[Finding], Hashable | None]
"""What one fix settles for every finding with the same key (None: nothing shared)."""


def fix_each(
    repo: Path, findings: list[Finding], fix_one: FixOne, key: FixKey
) -> tuple[list[Fix], list[Finding]]:
    """Apply `fix_one` to each finding; return the fixes made and the findings left."""
    index = ProjectIndex(repo)
    fixes: list[Fix] = []
    left: list[Finding] = []
    done: set[Hashable] = set()
    for finding in findings:
        settled = key(finding)
        if settled is not None and settled in done:
            continue
        fix = fix_one(repo, index, finding)
        if fix is None:
            left.append(finding)
            continue
        fixes.append(fix)
        if settled is not None:
            done.add(settled)
        index = ProjectIndex(repo)  # the file changed: later findings see the new source
    return fixes, left
