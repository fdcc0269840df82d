"""The tags one module makes and others compare with, for CodeMem.

An interface line says a lexer's `Token` is `kind: str; value: str`, not which kinds exist; a
parser written from that line tested `tok.kind in ("*", "/")` where the lexer made
`Token("op", "*")` (infix, e2e). The string literals a module builds the project's data objects
with are one line of CodeMem (`Token(kind='number'|'op'|'lparen')`), and an enum's members
belong on its interface line.
"""

from __future__ import annotations

import ast

MAX_VALUES = 8
"""Literals shown per field; more are cut (a table of names is not a tag set)."""


def field_nodes(cls: ast.ClassDef) -> list[ast.AnnAssign]:
    """The annotated fields of a class body (`kind: str`, `done: bool = False`), in order: what
    a dataclass, NamedTuple or model is built from."""
    return [
        n
        for n in cls.body
        if isinstance(n, ast.AnnAssign)
        and isinstance(n.target, ast.Name)
        and "ClassVar" not in ast.unparse(n.annotation)
    ]


def enum_members(cls: ast.ClassDef) -> list[str]:
    """An enum's members as written (`NUMBER = 'number'`): the tags its users compare with,
    which an interface line of fields and methods leaves out."""
    bases = {ast.unparse(b).rpartition(".")[2] for b in cls.bases}
    if not any(b.endswith("Enum") or b == "Flag" for b in bases):
        return []
    return [
        ast.unparse(n)[:60]
        for n in cls.body
        if isinstance(n, ast.Assign) and all(isinstance(t, ast.Name) for t in n.targets)
    ]


def data_fields(tree: ast.Module | None) -> dict[str, list[str]]:
    """The field names of each top-level class that has fields."""
    out: dict[str, list[str]] = {}
    for node in tree.body if tree else []:
        if isinstance(node, ast.ClassDef) and (found := field_nodes(node)):
            out[node.name] = [ast.unparse(n.target) for n in found]
    return out


def built_values(tree: ast.Module | None, fields: dict[str, list[str]]) -> list[str]:
    """One line per class of `fields` that `tree` builds with tags: the fields it always
    passes a string literal for, each with the distinct literals in source order
    (`Token(kind='number'|'op')`). A field also passed a computed value (`value=ch`) is data,
    not a tag, and is left out, as are calls of other classes (exceptions, messages)."""
    seen: dict[str, dict[str, list[str]]] = {}
    computed: set[tuple[str, str]] = set()
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)] if tree else []
    for call in sorted(calls, key=lambda n: (n.lineno, n.col_offset)):
        if not isinstance(call.func, ast.Name) or call.func.id not in fields:
            continue
        cls, names = call.func.id, fields[call.func.id]
        pairs = [(names[i], arg) for i, arg in enumerate(call.args[: len(names)])]
        pairs += [(k.arg, k.value) for k in call.keywords if k.arg in names]
        for name, arg in pairs:
            if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)):
                computed.add((cls, name))
                continue
            values = seen.setdefault(cls, {}).setdefault(name, [])
            if arg.value not in values and len(values) < MAX_VALUES:
                values.append(arg.value)
    lines = []
    for cls, by in seen.items():
        tags = [f"{n}=" + "|".join(map(repr, v)) for n, v in by.items() if (cls, n) not in computed]
        if tags:
            lines.append(f"{cls}({', '.join(tags)})")
    return lines
