"""Interface drift: what a file promised in the blueprint versus what it really defines."""

from __future__ import annotations

import ast

from repowright.artifacts.blueprint import FileSpec
from repowright.artifacts.drift import Drift
from repowright.artifacts.memory import MemoryEntry
from repowright.code.python import function_node


def params(signature: str) -> list[str] | None:
    """Parameter names of a function's signature, with or without `def` (annotations and a
    return type allowed), without `self`/`cls`; None when it is not one that parses."""
    fn = function_node(signature)
    if fn is None:
        return None
    a = fn.args
    return [x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs] if x.arg not in {"self", "cls"}]


def detect_drift(spec: FileSpec, entry: MemoryEntry) -> Drift:
    """Compare planned symbols (by name) and function parameters (when both parse)."""
    actual = {item.name: item for item in entry.interface}
    defined = set(actual) | set(entry.exports)
    drift = Drift(path=spec.path)
    for symbol in spec.interface:
        name = symbol.name.split(".")[-1].strip()
        if not name or not spec.path.endswith(".py") or symbol.kind == "method":
            continue  # a method is not a module-level name (its class's signature lists it)
        if name not in defined:
            drift.missing.append(name)
            continue
        planned, real = (
            params(symbol.signature),
            params(actual[name].signature) if (name in actual) else None,
        )
        if planned is not None and real is not None and planned != real:
            drift.changed.append(
                f"{name}: planned ({', '.join(planned)}) != actual ({', '.join(real)})"
            )
    return drift


def stated_changes(spec: FileSpec, source: str, document: str) -> list[str]:
    """Module-level functions of `source` whose parameters differ from a planned signature the
    document itself states (`evaluate(text: str) -> float`): callers and the document's users
    call it so. A small model wrote `evaluate(tokens: list[Token])` beside a lexer, and every
    later file followed the wrong one."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    written = {
        n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    changes = []
    for symbol in spec.interface:
        node = written.get(symbol.name)
        if symbol.kind != "function" or node is None or symbol.signature not in document:
            continue
        planned = params(symbol.signature)
        real = params(f"def {node.name}({ast.unparse(node.args)})")
        if planned is not None and real is not None and planned != real:
            changes.append(
                f"`{node.name}({', '.join(real)})` where the document states `{symbol.signature}`"
            )
    return changes
