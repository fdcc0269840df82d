"""Symbols the document assigns to a file: planned in its interface, and followed by its users.

Specs often say which file holds what (`calc/errors.py`: `class CalcError(Exception)`;
`calc/parser.py`: `evaluate(text) -> float` ... raise `CalcError`). A small planner leaves
the interfaces empty and misses that the parser needs the errors module, so the parser is
written without it (and invents its own `CalcError`). The passage that names a file — its
line and the indented lines continuing it — defines the symbols whose signatures it shows,
and a file whose passage mentions a symbol defined in another file's passage depends on that
file (unless the edge would close a cycle).
"""

from __future__ import annotations

import re

from repowright.artifacts.blueprint import Blueprint, Symbol
from repowright.blueprint.deliverables import closure, is_test_file

_SPAN = re.compile(r"`([^`\n]+)`")
_DEFINES = re.compile(r"^(?:(class)\s+([A-Za-z_]\w*)\b|()([A-Za-z_]\w*)\s*\()")
"""`class Name...` or `name(...)`: the passage defines it."""
_NAME = re.compile(r"^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)$")
_TYPE = re.compile(r"\b[A-Z]\w*")
"""A capitalised name inside a signature (`add(item: Item)`) is a type the file uses."""
_NEW_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)]|#)\s")


def passages(text: str, paths: list[str]) -> dict[str, str]:
    """For each path the document names in backticks: its line and the lines continuing it."""
    lines = text.splitlines()
    found: dict[str, str] = {}
    for i, line in enumerate(lines):
        named = [p for p in paths if f"`{p}`" in line and p not in found]
        if not named:
            continue
        block = [line]
        for more in lines[i + 1 :]:
            if not more.strip() or _NEW_ITEM.match(more) or not more[:1].isspace():
                break
            block.append(more)
        for path in named:
            found[path] = "\n".join(block)
    return found


def wire_named_symbols(bp: Blueprint, text: str, notes: list[str]) -> None:
    """Add the symbols each file's passage defines to its interface, and a dependency on the
    file defining a symbol its passage mentions; one note per change."""
    sources = [f.path for f in bp.files if f.path.endswith(".py") and not is_test_file(f.path)]
    found = passages(text, sources)
    homes = {s.name: f.path for f in bp.files for s in f.interface if s.kind != "method"}
    for path, passage in found.items():
        spec = bp.file(path)
        in_class = False  # `get(key)` after `LRUCache(capacity)` is one of its methods
        for span in _SPAN.findall(passage):
            m = _DEFINES.match(span)
            name = m and (m[2] or m[4])
            if not m or not name or name in homes:
                continue
            is_class = bool(m[1]) or name[0].isupper()
            in_class |= is_class
            kind = "class" if is_class else "method" if in_class else "function"
            if kind != "method":
                homes[name] = path
            if all(s.name != name for s in spec.interface):
                spec.interface.append(Symbol(name=name, kind=kind, signature=span))
                notes.append(f"{path}: interface gains `{name}`, as the document defines it")
    for path, passage in found.items():
        spec = bp.file(path)
        for span in _SPAN.findall(passage):
            m = _NAME.match(span)
            for name in [m[1]] if m else _TYPE.findall(span):
                home = homes.get(name)
                if home is None or home == path or home in spec.dependencies:
                    continue
                if path in closure(bp, home):
                    continue  # the home already depends on this file: no cycle
                spec.dependencies.append(home)
                notes.append(f"{path}: depends on {home}, which defines `{name}` (the document)")
