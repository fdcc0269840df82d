"""Calls to methods a standalone class does not define are found statically."""

from __future__ import annotations

from pathlib import Path

from repowright.code.python import ProjectIndex
from repowright.verify.members import member_findings, project_bases

RING = """\
class RingBuffer:
    def __init__(self, capacity):
        self.capacity = capacity
        self.items = []
        self.on_full = print

    def pop(self):
        if self.is_empty():
            raise IndexError("empty")
        self.on_full("x")
        return self.items.pop(0)

    def peek(self):
        return None if self.is_empty() else self.items[0]

    def __len__(self):
        return self.__sizeof__()


class Mixin:
    def dump(self):
        return self.to_dict()


class Store(Mixin):
    def to_dict(self):
        return {}


class Dynamic:
    def __getattr__(self, name):
        return lambda: name

    def run(self):
        return self.anything()
"""


def test_only_the_undefined_method_of_a_standalone_class_is_reported(tmp_path: Path) -> None:
    (tmp_path / "ring.py").write_text(RING)
    index = ProjectIndex(tmp_path)
    found = list(member_findings(index.by_path["ring.py"], project_bases(index)))
    assert [(f.line, f.message) for f in found] == [
        (8, "self.is_empty() calls a method RingBuffer does not define: write it")
    ]
