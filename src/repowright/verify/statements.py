"""The lines of a Python file a failing statement is asked for by: the statement itself
(with the assignments just before it that feed it), or what feeds it from before its loop,
shown inside its function and spliced back re-indented."""

from __future__ import annotations

import ast
import textwrap

MAX_LINES = 6
"""Statements longer than this are left to the whole-file rewrite."""
CONTEXT_LINES = 8
"""Lines shown around a failing statement outside any function."""


def statement_span(source: str, line: int) -> tuple[int, int] | None:
    """The lines of the innermost statement at `line` to rewrite: a simple statement whole, a
    compound one's header, from the first assignment just before it of a name it reads (a shape
    error raised at `w -= lr * grad` is made where `grad` is computed); None for a `raise`
    (raising is what it is for), a definition, or a statement too long to ask for alone."""
    found = _statement(source, line)
    if found is None:
        return None
    tree, inner, end = found
    reads = _reads(inner, end)
    start = inner.lineno
    for sibling in reversed(_before(tree, inner)):
        if end - sibling.lineno + 1 > MAX_LINES:
            break
        if _assigned(sibling) & reads:
            start = sibling.lineno
    return start, end


def feeding_span(source: str, line: int) -> tuple[int, int] | None:
    """The assignments that compute what the statement at `line` reads, made before the loop or
    `if` it is in (kmeans' `rng.choice(X, p=probabilities)` in a loop raised "p must be
    1-dimensional"; the shape was made by the two assignments before the loop), with what they
    read in turn, within MAX_LINES; None when there are none."""
    found = _statement(source, line)
    if found is None:
        return None
    tree, inner, end = found
    needed = _reads(inner, end)
    parents = {
        id(child): node
        for node in ast.walk(tree)
        for name in ("body", "orelse", "finalbody", "handlers")
        for child in getattr(node, name, None) or []
        if isinstance(child, ast.stmt | ast.excepthandler)
    }
    node: ast.AST = inner
    while isinstance(outer := parents.get(id(node)), ast.stmt) and not isinstance(
        outer, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ):
        first = last = 0
        for sibling in reversed(_before(tree, outer)):
            if last and last - sibling.lineno + 1 > MAX_LINES:
                break
            if _assigned(sibling) & needed:
                first, last = sibling.lineno, last or sibling.end_lineno or sibling.lineno
                needed |= _reads(sibling, sibling.end_lineno or sibling.lineno)
        if first:
            return first, last
        node = outer
    return None


def _statement(source: str, line: int) -> tuple[ast.Module, ast.stmt, int] | None:
    """The parsed source, the innermost statement at `line` and the last line of it (of its
    header, for a compound one); None for a `raise`, a definition or a statement too long."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    around = [
        node
        for node in ast.walk(tree)  # outer statements come first: the last is the innermost
        if isinstance(node, ast.stmt) and node.lineno <= line <= (node.end_lineno or node.lineno)
    ]
    inner = max(reversed(around), key=lambda n: n.lineno, default=None)
    if inner is None or isinstance(
        inner, ast.Raise | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
    ):
        return None
    body = getattr(inner, "body", None)
    end = body[0].lineno - 1 if isinstance(body, list) and body else inner.end_lineno or line
    if line > end or end - inner.lineno + 1 > MAX_LINES:
        return None
    return tree, inner, end


def _reads(stmt: ast.stmt, end: int) -> set[str]:
    """The names a statement reads, up to line `end` (a compound statement's header)."""
    return {
        n.id
        for n in ast.walk(stmt)
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.lineno <= end
    }


def _assigned(stmt: ast.stmt) -> set[str]:
    """The plain names an assignment binds."""
    targets = (
        stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if isinstance(stmt, ast.AugAssign | ast.AnnAssign) else []
    )  # fmt: skip
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _before(tree: ast.Module, stmt: ast.stmt) -> list[ast.stmt]:
    """The statements before `stmt` in its block."""
    for node in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(node, name, None)
            if isinstance(block, list) and stmt in block:
                return block[: block.index(stmt)]
    return []


def context(source: str, span: tuple[int, int]) -> str:
    """The function around the statement (or a few lines either side of it)."""
    lines = source.splitlines()
    start, end = span
    tree = ast.parse(source)
    funcs = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)
        and n.lineno <= start
        and end <= (n.end_lineno or n.lineno)
    ]
    if funcs:
        inner = max(funcs, key=lambda n: n.lineno)
        shown = lines[inner.lineno - 1 : inner.end_lineno]
    else:
        shown = lines[max(0, start - 1 - CONTEXT_LINES) : end + CONTEXT_LINES]
    return textwrap.dedent("\n".join(shown))


def splice(source: str, span: tuple[int, int], reply: str) -> str | None:
    """`source` with the statement replaced by the reply, indented as it was; None when the
    result does not parse or changes nothing."""
    lines = source.splitlines()
    start, end = span
    code = textwrap.dedent(reply).strip("\n")
    if not code.strip():
        return None
    old = lines[start - 1]
    indent = old[: len(old) - len(old.lstrip())]
    new = [indent + ln if ln.strip() else "" for ln in code.splitlines()]
    if new == lines[start - 1 : end]:
        return None
    text = "\n".join([*lines[: start - 1], *new, *lines[end:]]) + "\n"
    try:
        ast.parse(text)
    except SyntaxError:
        return None
    return text
