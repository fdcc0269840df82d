"""An attribute set on some paths of __init__ only: given its empty value before the branch."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.artifacts.verdict import Finding
from repowright.verify.attr_fixes import fix_partial_init

STORE = """\
import json
import os


class Store:
    def __init__(self, path):
        self.path = path
        if not os.path.exists(path):
            with open(path, "w") as fh:
                json.dump([], fh)
        else:
            with open(path) as fh:
                self.items = json.load(fh)

    def add(self, text):
        {use}
"""


def _finding(message: str) -> Finding:
    return Finding(file="store.py", line=16, message=message, check="tests")


@pytest.mark.parametrize(
    ("use", "value"),
    [
        ("self.items.append(text)", "[]"),
        ("self.items[text] = True", "{}"),
        ("return len(self.items)", "[]"),
        ("self.items.add(text)", "set()"),
        ("return self.items", "None"),
    ],
)
def test_the_attribute_gets_its_empty_value_before_the_branch(
    tmp_path: Path, use: str, value: str
) -> None:
    (tmp_path / "store.py").write_text(STORE.format(use=use))
    msg = "t.py::test_add: AttributeError: 'Store' object has no attribute 'items'"
    fixes, left = fix_partial_init(tmp_path, [_finding(msg), _finding(msg)])
    assert left == [] and len(fixes) == 1 and fixes[0].after == f"self.items = {value}"
    lines = (tmp_path / "store.py").read_text().splitlines()
    assert lines[7:9] == [f"        self.items = {value}", "        if not os.path.exists(path):"]


def test_other_findings_and_unexplained_attributes_are_left(tmp_path: Path) -> None:
    (tmp_path / "store.py").write_text(STORE.format(use="self.items.append(text)"))
    other = _finding("ZeroDivisionError: division by zero")
    unknown = _finding("AttributeError: 'Store' object has no attribute 'size'")
    fixes, left = fix_partial_init(tmp_path, [other, unknown])
    assert fixes == [] and left == [other, unknown]
