"""Symbols the document assigns to a file: planned in its interface, and followed by its users.

Specs often say which file holds what (`calc/errors.py`: `class CalcError(Exception)`;
`calc/parser.py`: `evaluate(text) -> float` ... raise `CalcError`), or name one module and
list its interface below (A module `rle.py`. - `encode(data: str) -> str` ...). A small
planner leaves the interfaces empty (in every plan of the e2e specs) and misses that the
parser needs the errors module, so the parser is written without it (and invents its own
`CalcError`). The passage that names a file — its line and the lines after it, up to the
next line naming another planned file — defines the symbols whose signatures it shows, and a
file whose passage mentions a symbol defined in another file's passage depends on that file
(unless the edge would close a cycle).
"""

from __future__ import annotations

import builtins
import re

from repowright.artifacts.blueprint import Blueprint, Symbol
from repowright.blueprint.deliverables import RUN_MODULE, RUN_SCRIPT, closure, is_test_file

SPAN = re.compile(r"`([^`\n]+)`")
"""A backticked span on one line: code, a signature, a path or a literal the document quotes."""
_DEFINES = re.compile(r"^(?:(class)\s+([A-Za-z_]\w*)\b|()([A-Za-z_]\w*)\s*\()")
"""`class Name...` or `name(...)`: the passage defines it (not `buf.is_full()` or `np.exp(x)`)."""
_EXCEPTION = re.compile(r"^class\s+\w+\s*\(\s*\w*(?:Error|Exception|Warning)\s*\)")
"""An exception class has no methods: the names after it are not its methods."""
_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_BUILTINS = frozenset(dir(builtins))
"""`len(cache)`, `list(buf)`: protocols a class supports, not names it defines."""
_NAME = re.compile(r"^(?:[A-Za-z_]\w*\.)*([A-Za-z_]\w*)$")
_TYPE = re.compile(r"\b[A-Z]\w*")
"""A capitalised name inside a signature (`add(item: Item)`) is a type the file uses."""


def passages(text: str, paths: list[str]) -> dict[str, str]:
    """For each path the document names in backticks: its first line naming it and the lines
    after, up to the next line naming another of `paths`."""
    lines = text.splitlines()
    naming = [[p for p in paths if f"`{p}`" in line] for line in lines]
    found: dict[str, str] = {}
    for i, named in enumerate(naming):
        if not named:
            continue
        ends = (j for j in range(i + 1, len(lines)) if set(naming[j]) - set(named))
        block = "\n".join(lines[i : next(ends, len(lines))])
        for path in named:
            found.setdefault(path, block)
    return found


def blocks(passage: str) -> list[str]:
    """The passage's list items and paragraphs, each on one line."""
    blocks: list[list[str]] = []
    for line in passage.splitlines():
        if not line.strip():
            blocks.append([])
        elif _ITEM.match(line) or not blocks:
            blocks.append([_ITEM.sub("", line).strip()])
        else:
            blocks[-1].append(line.strip())
    return [" ".join(b) for b in blocks if b]


def defined_symbol(span: str) -> tuple[re.Match[str], str] | None:
    """The match and name of a quoted span that defines a symbol (`encode(data)`,
    `class Item`); None for anything else, builtins included (`len(cache)`)."""
    m = _DEFINES.match(span)
    name = m and (m[2] or m[4])
    return (m, name) if m and name and name not in _BUILTINS else None


def defined_names(passage: str) -> list[str]:
    """The module-level names a passage defines (`encode(data)`, `class Item`), in order."""
    found = (defined_symbol(span) for span in SPAN.findall(passage))
    return list(dict.fromkeys(d[1] for d in found if d))


def commands(text: str, path: str, module: str) -> list[str]:
    """The document's list items and paragraphs that run `path` (importable as `module`) as a
    program: `python rle.py encode TEXT` ... print the result. A small coder wrote rle.py's
    functions and no command line at all, with the commands only somewhere in the document."""
    out = []
    for block in blocks(text):
        if path in RUN_SCRIPT.findall(block) or (module and module in RUN_MODULE.findall(block)):
            out.append(block)
    return out


def _homes(bp: Blueprint) -> dict[str, str]:
    """The file each planned module-level symbol belongs to."""
    return {s.name: f.path for f in bp.files for s in f.interface if s.kind != "method"}


def wire_named_symbols(bp: Blueprint, text: str, notes: list[str]) -> None:
    """Add the symbols each file's passage defines to its interface, each described by the list
    item or paragraph defining it (what the document requires of it, next to its signature in
    the file's prompt), and a dependency on the file defining a symbol its passage mentions;
    one note per change."""
    sources = [f.path for f in bp.files if f.path.endswith(".py") and not is_test_file(f.path)]
    found = passages(text, sources)
    homes = _homes(bp)
    for path, passage in found.items():
        spec = bp.file(path)
        in_class = False  # `get(key)` after `LRUCache(capacity)` is one of its methods
        for block in blocks(passage):
            described = False  # the block describes its first symbol (`fit`, `predict` follow)
            for span in SPAN.findall(block):
                if (defined := defined_symbol(span)) is None or homes.get(defined[1], path) != path:
                    continue
                m, name = defined
                is_class = bool(m[1]) or name[0].isupper()
                in_class |= is_class and not _EXCEPTION.match(span)
                kind = "class" if is_class else "method" if in_class else "function"
                if kind != "method":
                    homes[name] = path
                said = "" if described else block
                described = True
                known = next((s for s in spec.interface if s.name == name), None)
                if known is None:
                    spec.interface.append(
                        Symbol(name=name, kind=kind, signature=span, description=said)
                    )
                    notes.append(f"{path}: interface gains `{name}`, as the document defines it")
                elif said and not known.description:
                    known.description = said
    for path, passage in found.items():
        spec = bp.file(path)
        for span in SPAN.findall(passage):
            named = _NAME.match(span)
            for name in [named[1]] if named else _TYPE.findall(span):
                home = homes.get(name)
                if home is None or home == path or home in spec.dependencies:
                    continue
                if path in closure(bp, home):
                    continue  # the home already depends on this file: no cycle
                spec.dependencies.append(home)
                notes.append(f"{path}: depends on {home}, which defines `{name}` (the document)")


def resolve_symbol_dependencies(bp: Blueprint, notes: list[str]) -> None:
    """A dependency written as a symbol (`Item`, `OutOfStock`) becomes the file whose interface
    defines it: inventory's plan named classes as dependencies, and asking the planner again
    cost a round (266 s) that came back with the same names."""
    paths = {f.path for f in bp.files}
    homes = _homes(bp)
    for spec in bp.files:
        kept = []
        for dep in spec.dependencies:
            home = homes.get(dep) if dep not in paths else None
            if home is not None:
                notes.append(f"{spec.path}: dependency {dep!r} -> {home!r}, which defines it")
            kept.append(home or dep)
        spec.dependencies = [d for d in dict.fromkeys(kept) if d != spec.path]
