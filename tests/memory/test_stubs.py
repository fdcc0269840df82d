"""Functions declared without code are found; bodies meant to be empty are not."""

from __future__ import annotations

import ast

from repowright.memory.stubs import stub_functions

SOURCE = '''
from abc import ABC, abstractmethod
from typing import Protocol, overload


def evaluate(expression: str) -> float:
    """Evaluate an RPN expression."""
    # Implementation goes here


def todo():
    raise NotImplementedError("later")


def done(x):
    return x + 1


class Stack:
    def __init__(self):
        pass

    def push(self, item):
        ...

    def pop(self):
        raise NotImplementedError  # a base class by convention


class Base(ABC):
    @abstractmethod
    def step(self): ...


class Reader(Protocol):
    def read(self) -> str: ...


class Error(ValueError):
    pass


@overload
def f(x: int) -> int: ...
def f(x):
    return x
'''


def test_stubs_are_found_and_intended_empty_bodies_are_not() -> None:
    found = stub_functions(ast.parse(SOURCE))
    assert [name for name, _ in found] == ["evaluate", "todo", "Stack.push"]
    assert found[0][1] == 6
