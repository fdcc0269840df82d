"""Contradicting expectations of a test module are cut: one call cannot both raise and return."""

from __future__ import annotations

import ast

from repowright.generate.contradictions import without_contradicted_raises

CONTRADICTED = """import pytest
from csv2json import convert


def test_convert():
    with pytest.raises(ValueError):
        convert("a,b\\n1,2")
    assert convert("a,b\\n1,2") == [{"a": 1, "b": 2}]


def test_ragged():
    with pytest.raises(ValueError):
        convert("a\\n1,2")
    assert convert("a\\n1") == [{"a": 1}]


def test_pop(stack):
    with pytest.raises(IndexError):
        stack.pop()
    stack.push(1)
    assert stack.pop() == 1


def test_changed():
    text = "a\\n1,2"
    with pytest.raises(ValueError):
        convert(text)
    text = "a\\n1"
    assert convert(text) == [{"a": 1}]


class TestCodec:
    def test_round_trip(self, data):
        if data:
            with pytest.raises(ValueError):
                decode(encode(data))
        assert decode(encode(data)) == data
"""


def test_a_raises_block_the_same_test_contradicts_is_cut() -> None:
    """The same call cannot both raise and return: the `pytest.raises` block goes, the check
    of the value stays; another call, a method call or changed arguments are left alone."""
    out = without_contradicted_raises(CONTRADICTED)
    ast.parse(out)
    assert out.count("pytest.raises") == 3
    assert 'def test_convert():\n    assert convert("a,b\\n1,2")' in out
    assert "        if data:\n            pass\n        assert decode(encode(data))" in out
    assert "stack.pop()\n    stack.push(1)" in out and 'convert(text)\n    text = "a\\n1"' in out
    assert without_contradicted_raises("def broken(:\n") == "def broken(:\n"


ACROSS = '''import pytest
from csv2json import convert

TEXT = "a,b\\n1,2"


@pytest.fixture
def input_csv():
    return "a\\n1"


def test_rows(input_csv):
    assert convert(input_csv) == [{"a": 1}]


def test_bad(input_csv):
    """Expects an error."""
    with pytest.raises(ValueError):
        convert(input_csv)


@pytest.mark.slow
def test_constant_bad():
    with pytest.raises(ValueError):
        convert(TEXT)


def test_constant():
    assert convert(TEXT)


def test_local_bad():
    text = "a\\n1"
    with pytest.raises(ValueError):
        convert(text)


def test_local():
    text = "a\\n1,2"
    assert convert(text)


def test_tmp_bad(tmp_path):
    with pytest.raises(ValueError):
        convert(tmp_path)


def test_tmp(tmp_path):
    assert convert(tmp_path)


@pytest.mark.parametrize("input_csv", ["x", "y,z"])
def test_each_bad(input_csv):
    with pytest.raises(ValueError):
        convert(input_csv)


def test_more_than_raises(input_csv):
    with pytest.raises(ValueError):
        convert(input_csv)
    assert TEXT
'''


def test_a_raises_test_another_test_contradicts_goes_whole() -> None:
    """`convert(input_csv)` on the module's fixture, or on a module constant, both raises (in
    a test that is only that) and returns (in another): the raising test goes, decorators and
    all. Local variables, pytest's own fixtures and parametrized names may differ between
    tests; a test that checks more than the raise stays."""
    out = without_contradicted_raises(ACROSS)
    ast.parse(out)
    assert "def test_bad" not in out and "def test_constant_bad" not in out
    assert "@pytest.mark.slow" not in out
    for kept in ("test_rows", "test_constant", "test_local_bad", "test_tmp_bad", "test_each_bad"):
        assert f"def {kept}(" in out
    assert "def test_more_than_raises" in out
