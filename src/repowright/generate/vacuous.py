"""Tests that cannot fail: a test's assertions inside `try: ... except Error: pass`.

Such a test passes whatever the code does. rpn's repair rewrote a test that way, then rewrote a
correct `evaluate` to raise on every expression; the tests passed and the run said VERIFIED
with 7 of 12 acceptance tests against 10 before repair. Each such `try` has one sensible
reading, made without the model (`no_swallowed_errors`); what says neither stays, and the
verify phase names it (`verify/vacuous.py`).
"""

from __future__ import annotations

import ast

from repowright.generate.shared import after_header

_BROAD = {"Exception", "BaseException"}


def swallowing(tree: ast.Module) -> list[tuple[str, ast.Try]]:
    """(test name, `try`) for each outermost `try` in a test function whose every handler does
    nothing, with no `else` or `finally`."""
    found = [
        (fn.name, n)
        for fn in ast.walk(tree)
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef) and fn.name.startswith("test")
        for n in ast.walk(fn)
        if isinstance(n, ast.Try)
        and not (n.orelse or n.finalbody)
        and all(_idle(h.body) for h in n.handlers)
    ]
    inner = {id(m) for _, n in found for m in ast.walk(n) if m is not n}
    return [(name, n) for name, n in found if id(n) not in inner]


def no_swallowed_errors(text: str) -> str:
    """A test's `try: ... except E: pass` made able to fail: with an assertion in it, the
    `try` goes (an error now fails the test); with none, or ending in `assert False` or
    `pytest.fail(...)`, it becomes `with pytest.raises(E):`. A broad `except Exception: pass`
    around calls alone says neither, and stays."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    raises = False
    for _, node in sorted(swallowing(tree), key=lambda found: -found[1].lineno):
        if (new := _unswallowed(node, lines)) is not None:
            lines[node.lineno - 1 : node.end_lineno], raised = new
            raises |= raised
    out = "".join(lines)
    if raises and not any(
        isinstance(n, ast.Import) and "pytest" in (a.name for a in n.names) for n in tree.body
    ):
        out = _import_pytest(tree, out)
    try:
        ast.parse(out)
    except SyntaxError:
        return text
    return out


def _idle(body: list[ast.stmt]) -> bool:
    """A handler that does nothing: `pass`, `...`, a string, `assert True`."""
    return all(
        isinstance(s, ast.Pass)
        or (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
        or (isinstance(s, ast.Assert) and isinstance(s.test, ast.Constant) and bool(s.test.value))
        for s in body
    )


def _fails(stmt: ast.stmt) -> bool:
    """`assert False`, `pytest.fail(...)`, `raise AssertionError`: reached when nothing raised."""
    if isinstance(stmt, ast.Assert):
        return isinstance(stmt.test, ast.Constant) and not stmt.test.value
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        return ast.unparse(stmt.value.func) in {"pytest.fail", "fail"}
    return isinstance(stmt, ast.Raise) and "AssertionError" in ast.unparse(stmt.exc or ast.Pass())


def _unswallowed(node: ast.Try, lines: list[str]) -> tuple[list[str], bool] | None:
    """The lines replacing `node` and whether they use `pytest.raises`; None to leave it."""
    body, indent = node.body, lines[node.lineno - 1][: node.col_offset]
    types = [
        ast.unparse(t)
        for h in node.handlers
        for t in (
            h.type.elts if isinstance(h.type, ast.Tuple) else [h.type or ast.Name("BaseException")]
        )
    ]
    ends_failing = _fails(body[-1])
    asserts = any(isinstance(n, ast.Assert) for s in body for n in ast.walk(s))
    if asserts and not ends_failing:
        cut = body[0].col_offset - node.col_offset
        kept = lines[body[0].lineno - 1 : body[-1].end_lineno]
        return [line[cut:] if line.startswith(" " * cut) else line for line in kept], False
    kept_body = body[:-1] if ends_failing else body
    if not kept_body or (not ends_failing and _BROAD & set(types)):
        return None
    caught = types[0] if len(types) == 1 else f"({', '.join(types)})"
    kept = lines[kept_body[0].lineno - 1 : kept_body[-1].end_lineno]
    return [f"{indent}with pytest.raises({caught}):\n", *kept], True


def _import_pytest(tree: ast.Module, text: str) -> str:
    """`text` with `import pytest` after its docstring and `__future__` imports."""
    lines = text.splitlines(keepends=True)
    at = after_header(tree)
    return "".join([*lines[:at], "import pytest\n", *lines[at:]])
