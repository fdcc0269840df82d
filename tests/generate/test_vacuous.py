"""A test that swallows the error it would fail on is made able to fail when it is written."""

from __future__ import annotations

from repowright.generate.tidy import tidy

SWALLOWING = '''"""Tests."""
from calc import CalcError, evaluate


@pytest.mark.parametrize("expr, expected", [("3 4 +", 7.0), ("1 2 3 + *", 9.0)])
def test_evaluate(expr, expected):
    try:
        result = evaluate(expr)
        assert result == expected
    except CalcError as e:
        # the document expects an error message
        pass


def test_bad_token():
    try:
        evaluate("3 x +")
    except (CalcError, ValueError):
        pass


def test_empty():
    try:
        evaluate("")
        assert False, "no error"
    except CalcError:
        ...


def test_runs():
    try:
        evaluate("1")
    except Exception:
        pass


def test_cleanup(tmp_path):
    try:
        assert evaluate("1") == 1
    finally:
        tmp_path.rmdir()
'''


def test_a_test_that_swallows_the_error_it_checks_can_fail_again() -> None:
    """rpn's repair wrapped a test's assertion in `try: ... except RPNError: pass`, then made
    `evaluate` raise on every expression, and the run ended VERIFIED with a broken evaluator."""
    fixed = tidy("tests/test_calc.py", SWALLOWING)
    assert fixed.startswith('"""Tests."""\nimport pytest\nfrom calc import')
    assert (
        "def test_evaluate(expr, expected):\n"
        "    result = evaluate(expr)\n    assert result == expected\n\n"
    ) in fixed
    assert (
        "def test_bad_token():\n"
        '    with pytest.raises((CalcError, ValueError)):\n        evaluate("3 x +")\n\n'
    ) in fixed
    assert 'with pytest.raises(CalcError):\n        evaluate("")\n\n' in fixed
    assert '    try:\n        evaluate("1")\n    except Exception:\n' in fixed  # says neither
    assert "    finally:\n" in fixed  # not a swallowed error
    assert tidy("calc.py", SWALLOWING) == SWALLOWING  # only test files
