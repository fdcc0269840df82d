"""Run-time errors explained from the code: the cause, not the symptom."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.artifacts.verdict import Finding
from repowright.code.python import ProjectIndex
from repowright.verify.explain import explain, missing_attribute_cause

STORE = """
import os

class Store:
    def __init__(self, path):
        self.path = path
        if os.path.exists(path):
            self.items = []
        {extra}

    def load(self):
        self.cache = {{}}
        self.flush()
"""


def _index(tmp_path: Path, extra: str = "") -> ProjectIndex:
    (tmp_path / "store.py").write_text(STORE.format(extra=extra))
    return ProjectIndex(tmp_path)


@pytest.mark.parametrize(
    ("attr", "extra", "cause"),
    [
        ("items", "", "only some paths of `Store.__init__` set `self.items`"),
        ("items", "else:\n            self.items = [1]", ""),
        ("cache", "", "`self.cache` is set in `Store.load`, never in `__init__`"),
        ("size", "", "no method of `Store` sets `self.size`"),
        ("flush", "", "`Store` calls `self.flush()` but defines no method `flush`"),
        ("path", "", ""),
    ],
)
def test_missing_attribute_causes(tmp_path: Path, attr: str, extra: str, cause: str) -> None:
    assert missing_attribute_cause(_index(tmp_path, extra), "Store", attr).startswith(cause)


def test_explain_appends_the_cause_and_leaves_other_findings(tmp_path: Path) -> None:
    index = _index(tmp_path)
    msg = "t.py::test_add: AttributeError: 'Store' object has no attribute 'items'"
    other = Finding(file="store.py", message="ZeroDivisionError: division by zero", check="tests")
    got = explain([Finding(file="store.py", line=7, message=msg, check="tests"), other], index)
    assert (
        got[0].message
        == f"{msg} (only some paths of `Store.__init__` set `self.items`: set it on every path)"
    )
    assert got[1] == other
    assert missing_attribute_cause(index, "Unknown", "items") == ""


CLI = """import argparse


def add(text):
    print(text)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    adder = sub.add_parser("add")
    adder.add_argument("text")
    adder.set_defaults(func=add)
    args = parser.parse_args()
    args.func(
        **vars(args)
    )
"""


def test_every_option_spread_into_a_subcommand_function_is_explained(tmp_path: Path) -> None:
    (tmp_path / "cli.py").write_text(CLI)
    index = ProjectIndex(tmp_path)
    msg = "TypeError: add() got an unexpected keyword argument 'command'"
    got = explain([Finding(file="cli.py", line=16, message=msg, check="smoke")], index)
    assert got[0].message == (
        f"{msg} (`**vars(...)` passes every command-line option, `command` included, to `add`: "
        "call it with only the arguments it takes)"
    )
    elsewhere = Finding(file="cli.py", line=5, message=msg, check="smoke")
    assert explain([elsewhere], index) == [elsewhere]  # not such a call: nothing said
