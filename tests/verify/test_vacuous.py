"""A test that swallows the error it checks: a failed static check, fixed without the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from repowright.code.python import ProjectIndex
from repowright.verify.static import check_stubs
from repowright.verify.vacuous import CODE, fix_swallowed

CALC = "def evaluate(text):\n    raise ValueError('bad input')\n"
TESTS = """\
from calc import evaluate


def test_adds():
    try:
        assert evaluate("3 4 +") == 7.0
    except ValueError:
        pass


def test_runs():
    try:
        evaluate("1")
    except Exception:
        pass
"""


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "calc.py").write_text(CALC)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_calc.py").write_text(TESTS)
    return tmp_path


def _pytest(repo: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
        cwd=repo,
        capture_output=True,
        env={"PYTHONPATH": str(repo), "PATH": "/usr/bin:/bin"},
    )
    return done.returncode


def test_a_test_that_cannot_fail_fails_the_check_and_is_fixed(tmp_path: Path) -> None:
    """rpn's tests passed around an `evaluate` that raised on every expression."""
    repo = _repo(tmp_path)
    assert _pytest(repo) == 0  # the broken evaluator passes
    check = check_stubs(ProjectIndex(repo))
    found = [f for f in check.findings if f.code == CODE]
    assert check.status == "failed" and [f.line for f in found] == [5, 12]
    assert "`test_adds` catches `ValueError`" in found[0].message
    assert "catches `Exception`" in found[1].message
    fixes, left = fix_swallowed(repo, found)
    assert [f.file for f in fixes] == ["tests/test_calc.py"] and not left
    assert _pytest(repo) == 1  # now the test says what the code does
    (still,) = [f for f in check_stubs(ProjectIndex(repo)).findings if f.code == CODE]
    assert "`test_runs`" in still.message  # says neither: left to the model
    assert fix_swallowed(repo, [still]) == ([], [still])
