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
