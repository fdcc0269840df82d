"""Expectations of a test module that contradict each other, cut before they mislead repair.

One call with the same arguments cannot both raise and return a value. A small model writes
both: inside one test (`with pytest.raises(ValueError): convert(csv_text)`, then `assert
convert(csv_text) == expected`; 3 of 10 e2e test files of a 1.5B model), and across tests of
one module (csv2json's tests expected `ValueError` from `convert(input_csv)` in three tests
and a list of rows from the same call on the same fixture in two others). No code passes
both, so repair aims at the wrong thing and the candidate search has nothing to tell apart.
The check of the value stays: it is what the test was written for.
"""

from __future__ import annotations

import ast
from typing import TypeGuard

from repowright.generate.body import cut_spans, is_raises

_Test = ast.FunctionDef | ast.AsyncFunctionDef


def without_contradicted_raises(text: str) -> str:
    """Test module `text` without each `with pytest.raises(...)` block whose calls of
    module-level functions a test also makes outside such a block, with the same arguments:
    the same test, unchanged after the block, or another test, where the arguments can only
    mean the same thing there (literals, module-level names, the module's own fixtures); a
    test that was only that block goes whole. A method call (`stack.pop()`) is left alone,
    since the object may have changed in between."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    tests: list[_Test] = [n for n in tree.body if isinstance(n, _Test)]
    tests += [m for c in tree.body if isinstance(c, ast.ClassDef) for m in c.body
              if isinstance(m, _Test)]  # fmt: skip
    cuts: list[tuple[int, int, int, int]] = []
    fixtures, module_names = _fixtures(tree), _module_names(tree)
    stable = {id(fn): _stable(fn, fixtures, module_names) for fn in tests}
    for fn in tests:
        alone = _alone(fn)
        within = _contradicted(fn)
        cuts += [(w.lineno, -1 - (w in alone), w.end_lineno or w.lineno, -1) for w in within]
        if within or not fn.name.startswith("test"):
            continue
        if any(
            _made_in(call, other, stable[id(fn)] & stable[id(other)])
            for call in _lone_raises_calls(fn) for other in tests if other is not fn
        ):  # fmt: skip
            first = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
            cuts.append((first, -1, fn.end_lineno or fn.lineno, -1))
    return cut_spans(text, cuts) if cuts else text


def _contradicted(fn: _Test) -> list[ast.With]:
    """The `pytest.raises` blocks of `fn` whose every statement is a call made again outside."""
    blocks = _raises_blocks(fn)
    inside = {id(n) for w in blocks for n in ast.walk(w)}
    again = {ast.dump(n) for n in ast.walk(fn) if isinstance(n, ast.Call) and id(n) not in inside}
    out = []
    for w in blocks:
        calls = [s.value for s in w.body if isinstance(s, ast.Expr | ast.Assign)]
        after = {
            n.id
            for n in ast.walk(fn)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store) and n.lineno > w.lineno
        }
        if len(calls) == len(w.body) and all(
            isinstance(c, ast.Call)
            and isinstance(c.func, ast.Name)
            and ast.dump(c) in again
            and not any(isinstance(n, ast.Name) and n.id in after for n in ast.walk(c))
            for c in calls
        ):
            out.append(w)
    return out


def _raises_blocks(fn: ast.AST) -> list[ast.With]:
    return [w for w in ast.walk(fn) if _is_raises_block(w)]


def _is_raises_block(node: ast.AST) -> TypeGuard[ast.With]:
    return isinstance(node, ast.With) and any(
        isinstance(i.context_expr, ast.Call) and is_raises(i.context_expr.func) for i in node.items
    )


def _lone_raises_calls(fn: _Test) -> list[ast.Call]:
    """The calls of module-level functions in `fn`'s `pytest.raises` block when that block of
    calls alone is all `fn` does (its docstring aside), else []."""
    body = [
        s for s in fn.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))
    ]
    if len(body) != 1 or not _is_raises_block(block := body[0]):
        return []
    statements = [s for s in block.body if isinstance(s, ast.Expr | ast.Assign)]
    if len(statements) != len(block.body):
        return []
    return [
        s.value
        for s in statements
        if isinstance(s.value, ast.Call) and isinstance(s.value.func, ast.Name)
    ]


def _made_in(call: ast.Call, other: _Test, shared: set[str]) -> bool:
    """Whether `other` makes `call` outside a `pytest.raises` block, every name in its
    arguments one that means the same in both tests (`shared`)."""
    names = {n.id for arg in (*call.args, *call.keywords) for n in ast.walk(arg)
             if isinstance(n, ast.Name)}  # fmt: skip
    if not names <= shared:
        return False
    inside = {id(n) for w in _raises_blocks(other) for n in ast.walk(w)}
    wanted = ast.dump(call)
    return any(
        isinstance(n, ast.Call) and id(n) not in inside and ast.dump(n) == wanted
        for n in ast.walk(other)
    )


def _fixtures(tree: ast.Module) -> set[str]:
    """Names of the module's own `@pytest.fixture` functions: each test gets the same value."""
    return {
        n.name
        for n in tree.body
        if isinstance(n, _Test) and any("fixture" in ast.dump(d) for d in n.decorator_list)
    }


def _module_names(tree: ast.Module) -> set[str]:
    """Names bound at module level (constants, imports, functions)."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, _Test | ast.ClassDef):
            names.add(node.name)
    return names


def _stable(fn: _Test, fixtures: set[str], module_names: set[str]) -> set[str]:
    """Names whose value in `fn` is the module's: a fixture of the module it takes (not
    parametrized), or a module-level name it does not take; in both cases never assigned."""
    params = {a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)}
    stored = {
        n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    return ((fixtures & params) - _parametrized(fn) - stored) | (module_names - params - stored)


def _parametrized(fn: _Test) -> set[str]:
    """Parameters of `fn` that `pytest.mark.parametrize` gives values (they differ per case)."""
    out: set[str] = set()
    for d in fn.decorator_list:
        if isinstance(d, ast.Call) and "parametrize" in ast.dump(d.func) and d.args:
            first = d.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                out |= {p.strip() for p in first.value.split(",")}
            else:  # names given as a list or tuple of strings, or computed: all of fn's
                out |= {a.arg for a in fn.args.args}
    return out


def _alone(fn: ast.AST) -> set[ast.stmt]:
    """Statements that are the whole of their block (cut, they become `pass`)."""
    return {
        block[0]
        for node in ast.walk(fn)
        for name in ("body", "orelse", "finalbody")
        if isinstance(block := getattr(node, name, None), list) and len(block) == 1
    }
