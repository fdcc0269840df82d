"""The repair loop keeps the best repository it has seen.

A small model's repair can make things worse: a round that fixes one test and breaks the
syntax of the module leaves a repository that no longer even imports. The state after each
round is scored (fewer static failures first, then fewer checks skipped because of them,
then fewer findings) and, when the loop ends worse than its best, that best state's files
are put back, with the checks that were measured on exactly those files.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from repowright.artifacts.verdict import Check
from repowright.code.python import repo_files

Score = tuple[int, int, int]


def score(checks: list[Check]) -> Score:
    """Lower is better: failed static checks, then skipped dynamic ones, then findings."""
    static = sum(c.status == "failed" and c.stage == "static" for c in checks)
    skipped = sum(c.status == "skipped" and c.stage == "dynamic" for c in checks)
    findings = sum(len(c.findings) or 1 for c in checks if c.status == "failed")
    return static, skipped, findings


@dataclass
class Snapshot:
    """The repository's files, the checks measured on them, and the round that made them."""

    files: dict[str, bytes]
    checks: list[Check]
    round: int

    @classmethod
    def take(cls, repo: Path, checks: list[Check], round_no: int) -> Snapshot:
        files = {p.relative_to(repo).as_posix(): p.read_bytes() for p in repo_files(repo)}
        return cls(files, checks, round_no)

    def save(self, folder: Path) -> None:
        """Write the files under `folder`, all or nothing (a new folder renamed into place)."""
        partial = folder.with_name(folder.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        self.restore(partial)
        partial.rename(folder)

    def restore(self, repo: Path) -> None:
        for path in repo_files(repo):
            if path.relative_to(repo).as_posix() not in self.files:
                path.unlink()
        for rel, data in self.files.items():
            target = repo / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.is_file() or target.read_bytes() != data:
                target.write_bytes(data)
