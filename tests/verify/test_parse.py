"""Failure output to (file, line, message) findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from repowright.verify.parse import pytest_findings, timeout_finding, traceback_finding


def test_traceback_points_at_the_innermost_repo_frame(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    text = (
        "Traceback (most recent call last):\n"
        f'  File "{repo}/pkg/cli.py", line 12, in main\n    run()\n'
        f'  File "{repo}/pkg/core.py", line 4, in run\n    return 1 / 0\n'
        '  File "/usr/lib/python3.11/fractions.py", line 99, in x\n    pass\n'
        "ZeroDivisionError: division by zero\n"
    )
    f = traceback_finding(text, repo, "smoke", "reproduce.sh")
    assert (f.file, f.line, f.code) == ("pkg/core.py", 4, "ZeroDivisionError")
    assert f.message == "ZeroDivisionError: division by zero"


def test_input_without_a_keyboard_says_where_the_value_comes_from(tmp_path: Path) -> None:
    text = (
        "Traceback (most recent call last):\n"
        f'  File "{tmp_path}/todo/cli.py", line 31, in add\n    text = input("Text: ")\n'
        "EOFError: EOF when reading a line\n"
    )
    f = traceback_finding(text, tmp_path, "smoke", "reproduce.sh")
    assert (f.file, f.line, f.code) == ("todo/cli.py", 31, "EOFError")
    assert "command-line arguments" in f.message


def test_argparse_and_shell_errors(tmp_path: Path) -> None:
    usage = "usage: calc [-h] numbers\ncalc: error: unrecognized arguments: --scale 2\n"
    f = traceback_finding(usage, tmp_path, "smoke", "reproduce.sh")
    assert f.file == "reproduce.sh" and "unrecognized arguments: --scale" in f.message
    shell = "reproduce.sh: line 7: trainer: command not found\n"
    f = traceback_finding(shell, tmp_path, "smoke", None)
    assert (f.file, f.line, f.message) == ("reproduce.sh", 7, "trainer: command not found")


def test_the_tail_of_a_failed_run_skips_warnings(tmp_path: Path) -> None:
    out = (
        "F.F\n2 failed, 1 passed in 0.05s\n"
        "/venv/pytest_asyncio/plugin.py:306: PytestDeprecationWarning: option unset\n"
        "  warnings.warn(PytestDeprecationWarning(_UNSET))\n"
    )
    f = traceback_finding(out, tmp_path, "smoke", "reproduce.sh")
    assert f.message == "F.F | 2 failed, 1 passed in 0.05s"


def test_timeout_located_by_faulthandler_dump(tmp_path: Path) -> None:
    dump = (
        "Fatal Python error: Aborted\n\nCurrent thread 0x1 (most recent call first):\n"
        f'  File "{tmp_path}/pkg/loop.py", line 9 in spin\n'
        f'  File "{tmp_path}/pkg/cli.py", line 3 in <module>\n'
    )
    f = timeout_finding(dump, tmp_path, "smoke", 5, "reproduce.sh")
    assert (f.file, f.line, f.code) == ("pkg/loop.py", 9, "Timeout")


def test_pytest_failures(tmp_path: Path) -> None:
    output = (
        "F.E\n=================================== FAILURES ===================================\n"
        "___________________________________ test_add ___________________________________\n"
        "tests/test_core.py:5: in test_add\n    assert add(1, 2) == 4\n"
        "pkg/core.py:2: in add\n    return a - b\nE   assert -1 == 4\n"
        "==================================== ERRORS ====================================\n"
        "___________________ ERROR collecting tests/test_io.py ____________________\n"
        "tests/test_io.py:1: in <module>\n    from pkg.io import load\n"
        "E   ImportError: cannot import name 'load' from 'pkg.io'\n"
        "=========================== short test summary info ============================\n"
        "FAILED tests/test_core.py::test_add - assert -1 == 4\n"
        "ERROR tests/test_io.py - ImportError: cannot import name 'load' from 'pk...\n"
        "1 failed, 1 passed, 1 error in 0.05s\n"
    )
    found = pytest_findings(output, tmp_path)
    assert [(f.file, f.line, f.code) for f in found] == [
        ("pkg/core.py", 2, "TestFailure"),
        ("tests/test_io.py", 1, "TestError"),
    ]
    assert found[1].message.endswith("cannot import name 'load' from 'pkg.io'")


def test_a_setup_error_says_why(tmp_path: Path) -> None:
    output = (
        "==================================== ERRORS ====================================\n"
        "___________________________ ERROR at setup of test_fit ___________________________\n"
        "file tests/test_km.py, line 20\n  def test_fit(self, tmp_path: Path):\n"
        "E       fixture 'self' not found\n"
        "=========================== short test summary info ============================\n"
        "ERROR tests/test_km.py::test_fit\n1 error in 0.07s\n"
    )
    (found,) = pytest_findings(output, tmp_path)
    assert found.message == "tests/test_km.py::test_fit: fixture 'self' not found"


def test_a_failed_comparison_says_what_differs(tmp_path: Path) -> None:
    """The first `E` line shortens both sides with `...`; what differs is below it."""
    output = (
        "=================================== FAILURES ===================================\n"
        "________________________________ test_list_done ________________________________\n"
        "tests/test_storage.py:42: in test_list_done\n"
        "    assert todos == [{'id': '2', 'text': 'eat lunch'}]\n"
        "E   AssertionError: assert [{'id': '1', ...'done': True}] == [{'id': '2', ...}]\n"
        "E     \n"
        "E     At index 0 diff: {'id': '1', 'text': 'buy milk'} != "
        "{'id': '2', 'text': 'eat lunch'}\n"
        "E     Use -v to get more diff\n"
        "=========================== short test summary info ============================\n"
        "FAILED tests/test_storage.py::test_list_done - AssertionError: assert [{'id':...\n"
    )
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_storage.py").write_text("")
    [finding] = pytest_findings(output, tmp_path)
    assert finding.message == (
        "tests/test_storage.py::test_list_done: AssertionError: assert [{'id': '1', "
        "...'done': True}] == [{'id': '2', ...}] (At index 0 diff: {'id': '1', 'text': "
        "'buy milk'} != {'id': '2', 'text': 'eat lunch'})"
    )


def test_parametrized_ids_with_spaces_and_dashes_are_read_whole(tmp_path: Path) -> None:
    """pytest's own report of ids like `(5 - 3) * 2-4` and `[1, 2]-3`: every failing test is
    one finding, named by its whole id."""
    (tmp_path / "test_calc.py").write_text(
        "import pytest\n\n\n@pytest.mark.parametrize('text, want', [('3 + 4', 7), "
        "('(5 - 3) * 2', 4), ('[1, 2]', 3), ('ok', 2)])\ndef test_calc(text, want):\n"
        "    assert len(text) == want\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "--tb=short", "-rfE", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    found = pytest_findings(done.stdout, tmp_path)
    assert [f.message.partition(": ")[0] for f in found] == [
        "test_calc.py::test_calc[3 + 4-7]",
        "test_calc.py::test_calc[(5 - 3) * 2-4]",
        "test_calc.py::test_calc[[1, 2]-3]",
    ]
    assert all(f.file == "test_calc.py" and f.line == 6 for f in found)
    assert "assert 11 == 4" in found[1].message
