"""Interface drift: what a file promised in the blueprint versus what it really defines."""

from __future__ import annotations

import ast

from repowright.artifacts.blueprint import FileSpec
from repowright.artifacts.drift import Drift
from repowright.artifacts.memory import MemoryEntry


def params(signature: str) -> list[str] | None:
    """Parameter names of a `def name(...)` signature (annotations and a return type allowed),
    without `self`/`cls`; None when it is not one that parses."""
    text = signature.strip().removeprefix("async ").rstrip(":").rstrip()
    if not text.startswith("def "):
        return None
    try:
        fn = ast.parse(f"{text}:\n    pass").body[0]
    except SyntaxError:
        return None
    assert isinstance(fn, ast.FunctionDef)
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
