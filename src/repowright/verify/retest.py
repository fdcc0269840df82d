"""Failing functions are rewritten one at a time, not as a whole file.

Asked for a whole test file again, a small model copies it back: in the demo its
`test_done` expected an item it never added, and two rewrites (greedy, then sampled) returned
the file unchanged. Shown the file without the failing tests and asked for just those
functions, it has to write them anew; the passing tests and fixtures stay exactly as they were.
The same holds for code: asked for all of roman.py again to fix `from_roman`, a fresh rewrite
fixed it and broke `to_roman`; asked for `from_roman` alone, the rest cannot break.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.code.python import bound_names
from repowright.verify.edits import safe_path
from repowright.verify.import_fixes import with_import

DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
"""What a reply may add to a file beside the functions asked for."""
NODE = re.compile(r"^(?P<file>[^\s:]+\.py)::(?P<test>[\w.]+)")


def test_node(finding: Finding) -> tuple[str, str] | None:
    """(test file, test function) of a pytest finding, from its node id."""
    m = NODE.match(finding.message)
    return (m["file"], m["test"].split(".")[-1]) if m else None


def failing_tests(path: str, source: str, found: list[Finding]) -> list[str]:
    """The top-level test functions of `path` the findings name, when every finding is one of
    them ([] otherwise: the whole file is rewritten)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    top = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    names: list[str] = []
    for f in found:
        node = test_node(f)
        if node is None or node[0] != path or f.file != path or node[1] not in top:
            return []
        names.append(node[1])
    return list(dict.fromkeys(names))


MAX_FUNCTIONS = 2
"""More functions to blame than this, and the file is rewritten whole."""


def failing_functions(path: str, source: str, found: list[Finding], repo: Path) -> list[str]:
    """The top-level functions of module `path` the findings point at, when each points at
    one: the function a traceback line of `path` is in, or the functions of `path` the failing
    test calls; [] otherwise (a method, a module-level line: the whole file is rewritten). A
    finding neither in `path` nor of a test (the smoke run of reproduce.sh) points nowhere and
    is passed over: with it, roman's `from_roman`, failing the document's examples, was
    rewritten as part of the whole file."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    top = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    names: list[str] = []
    for f in found:
        hit: list[str] = []
        if f.file != path and test_node(f) is None:
            continue
        if f.file == path and f.line:
            hit = [n for n, fn in top.items() if fn.lineno <= f.line <= (fn.end_lineno or 0)]
        elif (node := test_node(f)) is not None:
            hit = [n for n in called(repo / node[0], node[1]) if n in top]
        if not hit:
            return []
        names += hit
    names = list(dict.fromkeys(names))
    return names if len(names) <= MAX_FUNCTIONS else []


def called(path: Path, name: str) -> list[str]:
    """The names function `name` of file `path` calls (`f(...)`, `module.f(...)`)."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        return []
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == name), None)
    calls = [c.func for c in ast.walk(fn) if isinstance(c, ast.Call)] if fn else []
    return [
        f.id if isinstance(f, ast.Name) else f.attr
        for f in calls
        if isinstance(f, ast.Name | ast.Attribute)
    ]


def first_line(node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The 1-based line a function starts on, its decorators included."""
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _span(tree: ast.Module, name: str) -> tuple[int, int, int] | None:
    """Top-level function `name`'s lines as slice bounds: its first decorator, its `def`, its
    end."""
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return first_line(node) - 1, node.lineno - 1, node.end_lineno or node.lineno
    return None


def without_functions(source: str, names: list[str]) -> str:
    """`source` with the named top-level functions removed (what the model is shown)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    spans = sorted((s for n in names if (s := _span(tree, n))), reverse=True)
    for first, _, end in spans:
        del lines[first:end]
    return "".join(lines)


def splice_functions(source: str, names: list[str], reply: str) -> str | None:
    """`source` with each named function the reply defines replaced by the reply's (one it
    leaves out stays as it is), the helpers the reply adds (functions, classes, constants the
    source lacks; no new tests) put before the first of them, and the reply's missing imports
    added; None when the reply does not parse or defines none of them. A parser rewritten
    right is `evaluate` plus `_expr`/`_term`/`_factor`: kept without its helpers it would fail
    on a NameError."""
    try:
        new = ast.parse(reply)
        tree = ast.parse(source)
    except SyntaxError:
        return None
    found = {n.name: n for n in new.body if isinstance(n, ast.FunctionDef) and n.name in names}
    spans = {n: s for n in found if (s := _span(tree, n))}
    if not spans:
        return None
    have = {name for node in tree.body for name in _bound(node)}
    helpers = [
        ast.get_source_segment(reply, node, padded=False) or ""
        for node in new.body
        if (bound := _bound(node))
        and not bound & have
        and not any(b in names or b.startswith("test") for b in bound)
    ]
    lines = source.splitlines(keepends=True)
    ordered = sorted(spans.items(), key=lambda kv: -kv[1][0])
    for name, (first, start, end) in ordered:
        fn = found[name]
        # a reply without decorators keeps the test's own (the model is shown the function)
        head = "".join(f"@{ast.get_source_segment(reply, d)}\n" for d in fn.decorator_list)
        body = ast.get_source_segment(reply, fn) or ""
        lines[first:end] = [((head or "".join(lines[first:start])) + body).rstrip("\n") + "\n"]
    if helpers:
        first = ordered[-1][1][0]
        lines[first:first] = ["".join(f"{h.rstrip()}\n\n\n" for h in helpers)]
    out = "".join(lines)
    imports = {ast.unparse(n) for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)}
    for node in new.body:
        if isinstance(node, ast.Import | ast.ImportFrom) and ast.unparse(node) not in imports:
            out, _ = with_import(out, ast.parse(out), ast.unparse(node))
    return out


def _bound(node: ast.stmt) -> set[str]:
    """The names a top-level function, class or assignment binds (imports and `if` blocks
    bind none here)."""
    return bound_names(node) if isinstance(node, DEFINITIONS) else set()


def checking_tests(source: str) -> dict[str, bool]:
    """Each test function of `source` and whether it checks something: an `assert`, a
    `pytest.raises` block, or a call of an `assert...` helper (`np.testing.assert_allclose`,
    `pytest.fail`). A rewrite that leaves a test checking nothing passes against any code."""
    return _tests(source, ("raises", "fail", "warns"))


def value_checking_tests(source: str) -> dict[str, bool]:
    """Each test function of `source` and whether it checks a value (an `assert` or an
    `assert...` helper), not only that something raises."""
    return _tests(source, ())


def checks_value(repo: Path, path: str, name: str) -> bool:
    """Whether test `name` (a parametrized id allowed) of `repo/path` checks a value."""
    try:
        source = safe_path(repo, path).read_text(encoding="utf-8", errors="replace")
    except (ValueError, OSError):
        return False
    return value_checking_tests(source).get(name.partition("[")[0], False)


def _tests(source: str, also: tuple[str, ...]) -> dict[str, bool]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    return {
        node.name: any(_checks(n, also) for n in ast.walk(node))
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def _checks(node: ast.AST, also: tuple[str, ...]) -> bool:
    if isinstance(node, ast.Assert):
        return True
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
    return name.startswith("assert") or name in also


def document_examples(source: str, document: str) -> set[str]:
    """The string literals of test `source` that `document` quotes (`"IIII"`, `'x'`, a
    backticked `IIII`): what the document gives as examples, which a rewritten test keeps."""
    return {
        value
        for value in string_literals(source)
        if len(value.strip()) >= 2 and any(f"{q}{value}{q}" in document for q in ('"', "'", "`"))
    }


def string_literals(source: str) -> set[str]:
    """Every string constant of Python `source` (none when it does not parse)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    return {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
