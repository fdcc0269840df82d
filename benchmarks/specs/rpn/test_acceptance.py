import subprocess
import sys

import pytest
from rpn import RPNError, evaluate


def test_addition():
    assert evaluate("3 4 +") == 7


def test_precedence_free_chain():
    assert evaluate("5 1 2 + 4 * + 3 -") == 14


def test_division_and_decimals():
    assert evaluate("7 2 /") == pytest.approx(3.5)
    assert evaluate("1.5 2 *") == pytest.approx(3.0)


def test_negative_numbers():
    assert evaluate("-2 3 *") == -6


def test_error_is_a_value_error():
    assert issubclass(RPNError, ValueError)


@pytest.mark.parametrize("bad", ["", "1 +", "1 2", "1 0 /", "2 x +"])
def test_bad_expressions_raise(bad):
    with pytest.raises(RPNError):
        evaluate(bad)


def test_cli_prints_result():
    done = subprocess.run([sys.executable, "-m", "rpn", "3 4 +"], capture_output=True, text=True)
    assert done.returncode == 0
    assert float(done.stdout.strip()) == 7


def test_cli_reports_errors():
    done = subprocess.run([sys.executable, "-m", "rpn", "1 +"], capture_output=True, text=True)
    assert done.returncode == 1
    assert "error" in done.stderr.lower()
