"""Replies become files: fences and the prose small models put around code never reach disk."""

from __future__ import annotations

import pytest

from repowright.generate.body import (
    at_most_tests,
    file_body,
    unchecked_setup,
    without_unstated_messages,
)

CODE = "class RPNError(ValueError):\n    pass\n"


@pytest.mark.parametrize(
    "reply",
    [
        CODE,
        f"```python\n{CODE}```",
        f"```python\n{CODE}```\n\nThis file defines the `RPNError` class.",
        f"# rpn/errors.py\n\n{CODE}```\n\nThis file defines the `RPNError` class, a ValueError.",
        f"Here is the file:\n\n```python\n{CODE}```\nIt subclasses ValueError.",
        f"```\n{CODE}```\n```python\nprint('usage example')\n```",
    ],
)
def test_python_file_keeps_only_the_code(reply: str) -> None:
    body = file_body("rpn/errors.py", reply)
    assert body.endswith(CODE) and "```" not in body and "This file" not in body
    compile(body, "errors.py", "exec")


def test_shell_script_loses_fence_and_trailing_explanation() -> None:
    reply = "#!/bin/bash\nset -e\npytest -q\n```\n\nThis script first runs the tests."
    assert file_body("reproduce.sh", reply) == "#!/bin/bash\nset -e\npytest -q\n"


def test_markdown_keeps_its_own_fences_and_loses_a_wrapping_one() -> None:
    readme = "# rpn\n\n```bash\npython -m rpn '3 4 +'\n```\n"
    assert file_body("README.md", readme) == readme
    assert file_body("README.md", f"```markdown\n{readme}```") == readme


def test_empty_reply_is_empty() -> None:
    assert file_body("a.py", "```python\n```") == ""
    assert file_body("a.py", "  \n") == ""


def test_a_cut_off_test_module_keeps_its_complete_tests() -> None:
    from repowright.generate.body import whole_tests

    cut = "from x import f\n\n\ndef test_a():\n    assert f(1)\n\n\ndef test_b():\n    assert f(2"
    assert whole_tests(cut) == "from x import f\n\n\ndef test_a():\n    assert f(1)\n"
    assert whole_tests("from x import f\n\n\ndef test_a(:\n") is None
    assert whole_tests("import os\n\nX = (1,") is None  # no test survives


def test_a_test_file_keeps_its_first_eight_tests() -> None:
    tests = "".join(
        f"{'@pytest.mark.slow' + chr(10) if i == 9 else ''}def test_{'a' * (i + 1)}():\n"
        f"    assert {i} == {i}\n\n\n"
        for i in range(12)
    )
    text = f"import pytest\n\n\n{tests}HELPER = 1\n"
    kept = at_most_tests(text)
    names = [line for line in kept.splitlines() if line.startswith("def test_")]
    assert len(names) == 8 and names[-1] == "def test_aaaaaaaa():"
    assert "@pytest.mark.slow" not in kept and kept.endswith("HELPER = 1\n")
    assert at_most_tests(kept) == kept and at_most_tests("def test_(:\n") == "def test_(:\n"


GUESSED = """import pytest
from calc import CalcError, evaluate


def test_division_by_zero():
    with pytest.raises(CalcError) as excinfo:
        evaluate("1 / 0")
    assert str(excinfo.value) == "Division by zero"
    assert evaluate("2 / 1") == 2


def test_capacity():
    with pytest.raises(ValueError, match="capacity must be positive"):
        make(0)
    with pytest.raises(ValueError, match="below 1"):
        make(0)


def test_caught():
    try:
        make(-1)
    except ValueError as e:
        assert "negative capacity" in str(e)
"""
DOC = (
    "Division by zero raises `CalcError`. A capacity below 1 raises `ValueError: capacity below 1`."
)


def test_checks_of_an_exception_message_the_document_never_states_are_dropped() -> None:
    out = without_unstated_messages(GUESSED, DOC)
    assert "Division by zero" not in out and 'evaluate("2 / 1") == 2' in out
    assert "with pytest.raises(ValueError):\n" in out and 'match="below 1"' in out
    assert "    except ValueError as e:\n        pass\n" in out
    compile(out, "test.py", "exec")


def test_a_message_the_document_states_is_kept() -> None:
    doc = DOC + " Its message is `division by  zero`."
    assert 'str(excinfo.value) == "Division by zero"' in without_unstated_messages(GUESSED, doc)


def test_a_test_that_sets_a_value_it_never_checks_is_named() -> None:
    text = """import pytest
from m import convert


def test_valid():
    csv_text = "a\\n1"
    expected = [{"a": 1}]
    with pytest.raises(ValueError) as excinfo:
        convert(csv_text)


def test_checked():
    expected = [{"a": 1}]
    assert convert("a\\n1") == expected
"""
    assert unchecked_setup(text) == ["`test_valid` sets `expected`"]
    assert unchecked_setup("def test_x(:\n") == []
