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
    kwonly = [k.arg for k in fn.args.kwonlyargs if k.arg not in {"self", "cls"}]
    return [x.arg for x in _positional(fn)] + kwonly


def _positional(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> list[ast.arg]:
    """A function's positional parameters, without `self`/`cls`."""
    return [a for a in [*fn.args.posonlyargs, *fn.args.args] if a.arg not in {"self", "cls"}]


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


def _called_otherwise(
    planned: ast.FunctionDef, written: ast.FunctionDef | ast.AsyncFunctionDef
) -> bool:
    """Whether a call written for `planned` may fail on `written`: another number of
    parameters or of required ones, another type at a position where both annotate
    (`text: str` against `tokens: list[Token]`), or another name where callers pass it by
    keyword (one with a default, or keyword-only). A renamed positional parameter
    (`s` for `text`) is still called the same way."""
    a, b = _positional(planned), _positional(written)
    optional_a, optional_b = len(planned.args.defaults), len(written.args.defaults)
    if len(a) != len(b) or len(a) - optional_a != len(b) - optional_b:
        return True
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        types = [ast.unparse(t).lower() for t in (x.annotation, y.annotation) if t is not None]
        if len(types) == 2 and types[0] != types[1]:
            return True
        if i >= len(a) - optional_a and x.arg != y.arg:
            return True
    return [k.arg for k in planned.args.kwonlyargs] != [k.arg for k in written.args.kwonlyargs]


def stated_signatures(files: list[FileSpec], document: str) -> dict[str, str]:
    """The planned module-level functions whose signature the document itself states
    (`convert(csv_text: str, infer_types: bool = True) -> list[dict]`), by name: how its
    users call them."""
    flat = " ".join(document.split())  # a document wraps a long signature across lines
    return {
        symbol.name: symbol.signature
        for spec in files
        for symbol in spec.interface
        if symbol.kind == "function" and (said := " ".join(symbol.signature.split()))
        and said in flat
    }  # fmt: skip


def stated_changes(spec: FileSpec, tree: ast.Module, document: str) -> list[tuple[int, str]]:
    """Module-level functions (line, what differs) that a call written from a signature the
    document itself states (`evaluate(text: str) -> float`) may not fit: the document's users
    call it so. A small model wrote `evaluate(tokens: list[Token])` beside a lexer, and every
    later file followed the wrong one."""
    written = {
        n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    changes = []
    for name, signature in stated_signatures([spec], document).items():
        node = written.get(name)
        planned = function_node(signature)
        if node is not None and planned is not None and _called_otherwise(planned, node):
            real = ", ".join(a.arg for a in _positional(node))
            said = f"`{node.name}({real})` where the document states `{signature}`"
            changes.append((node.lineno, said))
    return changes
