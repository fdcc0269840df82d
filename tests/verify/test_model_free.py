"""The driver of the fixes made without the model."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.code.python import ProjectIndex
from repowright.verify.model_free import Fix, fix_each


def test_each_fix_sees_the_files_as_the_last_one_left_them(tmp_path: Path) -> None:
    """A key fixed once drops its other findings; a finding nothing fixes is left; every fixer
    call reads the repository as the previous fix left it."""
    (tmp_path / "m.py").write_text("X = 0\n")
    seen: list[str] = []

    def bump(repo: Path, index: ProjectIndex, finding: Finding) -> Fix | None:
        seen.append(index.by_path["m.py"].source)
        if finding.message == "skip":
            return None
        (repo / "m.py").write_text(f"X = {len(seen)}\n")
        return Fix("m.py", 1, "", finding.message)

    findings = [Finding(message=m, file="m.py") for m in ("a", "a", "skip", "b")]
    fixes, left = fix_each(tmp_path, findings, bump, lambda f: f.message)
    assert [f.after for f in fixes] == ["a", "b"]
    assert [f.message for f in left] == ["skip"]
    assert seen == ["X = 0\n", "X = 1\n", "X = 1\n"]
