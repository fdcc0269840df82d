"""The file a model meant, cut out of its reply: fences and surrounding prose removed.

Small models wrap a file in a Markdown fence and often add a sentence before or after it, or
end an unfenced file with a stray fence and an explanation. None of that belongs in a Python
module or a shell script; a Markdown file keeps its own fences and only loses a wrapping one.
"""

from __future__ import annotations

import ast
import re

FENCE = "```"
_QUOTED = re.compile(r"`([^`]+)`|\"([^\"\n]+)\"|\u201c([^\u201d\n]+)\u201d")


def file_body(path: str, text: str) -> str:
    """The content to write to `path` from a model's reply (ends with one newline)."""
    lines = text.strip("\n").splitlines()
    fences = [i for i, line in enumerate(lines) if line.lstrip().startswith(FENCE)]
    if path.lower().endswith((".md", ".markdown")):
        body = _unwrap(lines) if fences[:1] == [0] else lines
    elif not fences:
        body = lines
    elif len(fences) == 1 and lines[fences[0]].strip() == FENCE and fences[0] > 0:
        body = lines[: fences[0]]  # code, then a stray closing fence and prose
    else:
        start = fences[0] + 1  # the first fenced block, whatever surrounds it
        end = next((i for i in fences if i >= start), len(lines))
        body = lines[start:end]
    joined = "\n".join(body).strip("\n")
    return joined + "\n" if joined.strip() else ""


def _unwrap(lines: list[str]) -> list[str]:
    """A reply wholly wrapped in one fence: the inside (a Markdown file keeps inner fences)."""
    inner = lines[1:]
    if inner and inner[-1].strip() == FENCE:
        inner = inner[:-1]
    return inner


def whole_tests(text: str) -> str | None:
    """A cut-off test module trimmed to its complete top-level statements, when at least one
    test function survives (a small model that lists test after test until the token limit
    wrote a usable file; the unfinished last test is the only loss), else None."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line and not line[0].isspace()]
    for end in reversed(starts):
        head = "\n".join(lines[:end]).rstrip()
        try:
            tree = ast.parse(head)
        except SyntaxError:
            continue
        tests = [
            n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")
        ]
        return head + "\n" if tests else None
    return None


MAX_TESTS = 8
"""Test functions a generated test file keeps (the generation prompt asks for at most eight)."""


def at_most_tests(text: str, limit: int = MAX_TESTS) -> str:
    """`text` without the top-level test functions after the first `limit`: a small model that
    repeats itself writes test after test with ever longer names, each failing the same way,
    and a file too long to rewrite whole."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    tests = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test")]
    if len(tests) <= limit:
        return text
    lines = text.splitlines(keepends=True)
    for node in reversed(tests[limit:]):
        first = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        del lines[first : node.end_lineno]
    return "".join(lines).rstrip("\n") + "\n"


def unusable(path: str, text: str, finish_reason: str | None) -> str:
    """Why a reply cannot be the file (empty or cut off), or '' when it is usable."""
    if not text.strip():
        return "the reply was empty"
    if finish_reason == "length":
        return "the reply was cut off at the token limit"
    if path.endswith(".py"):
        try:
            ast.parse(text)
        except SyntaxError as exc:
            at_end = (exc.lineno or 0) >= len(text.splitlines()) - 1
            if at_end or "never closed" in str(exc.msg) or "EOF" in str(exc.msg):
                return f"the Python source is cut off ({exc.msg})"
    return ""


def without_unstated_messages(text: str, document: str) -> str:
    """Test module `text` without the checks of an exception's message that `document` does
    not state: asserts on a caught exception holding a string the document never quotes
    (`assert str(excinfo.value) == "Division by zero"`), and such a `match=` of
    `pytest.raises`. A document says which exception is raised, rarely its words; a small
    model's test that guesses them fails against right code, and repair then rewrites the code
    or the test for the wrong reason (5 of 14 e2e test files did)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    quoted = [" ".join("".join(q).lower().split()) for q in _QUOTED.findall(document)]
    caught: set[str] = set()
    cuts: list[tuple[int, int, int, int]] = []  # (line, col, end line, end col), 1-based lines
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.name:
            caught.add(node.name)
        if not isinstance(node, ast.With | ast.AsyncWith):
            continue
        for item in node.items:
            call = item.context_expr
            if not (isinstance(call, ast.Call) and is_raises(call.func)):
                continue
            if isinstance(item.optional_vars, ast.Name):
                caught.add(item.optional_vars.id)
            for i, kw in enumerate(call.keywords):
                before = call.keywords[i - 1].value if i else call.args[-1] if call.args else None
                if kw.arg == "match" and before is not None and _unstated(kw.value, quoted):
                    end = kw.end_lineno or kw.lineno
                    cuts.append((before.end_lineno or 0, before.end_col_offset or 0,
                                 end, kw.end_col_offset or 0))  # fmt: skip
    asserts = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Assert)
        and _unstated(node, quoted)
        and any(isinstance(n, ast.Name) and n.id in caught for n in ast.walk(node))
    ]
    emptied = {  # the first of a block's statements when all are cut: it becomes `pass`
        block[0].lineno
        for node in ast.walk(tree)
        for name in ("body", "orelse", "finalbody")
        if (block := getattr(node, name, None)) and isinstance(block, list)
        and all(s in asserts for s in block)
    }  # fmt: skip
    cuts += [(a.lineno, -1 - (a.lineno in emptied), a.end_lineno or a.lineno, -1) for a in asserts]
    return cut_spans(text, cuts) if cuts else text


def cut_spans(text: str, cuts: list[tuple[int, int, int, int]]) -> str:
    """`text` without the spans of `cuts`; a column of -1: the whole lines, -2: `pass` instead."""
    lines = text.splitlines(keepends=True)
    for line, col, end, end_col in sorted(cuts, reverse=True):
        if col < 0:
            indent = lines[line - 1][: len(lines[line - 1]) - len(lines[line - 1].lstrip())]
            lines[line - 1 : end] = [f"{indent}pass\n"] if col == -2 else []
        else:
            joined = "".join(lines[line - 1 : end])
            offset = sum(len(x) for x in lines[line - 1 : end - 1]) + end_col
            lines[line - 1 : end] = [joined[:col] + joined[offset:]]
    return "".join(lines)


def is_raises(func: ast.expr) -> bool:
    """Whether a call of `func` is `pytest.raises(...)` (or a bare imported `raises`)."""
    return (isinstance(func, ast.Attribute) and func.attr == "raises") or (
        isinstance(func, ast.Name) and func.id == "raises"
    )


def _unstated(node: ast.AST, quoted: list[str]) -> bool:
    """Whether `node` holds a string (two characters or more) that none of the document's
    `quoted` spans (backticks or double quotes; lower case, spaces collapsed) contains: words
    it uses to describe a failure ("division by zero raises `CalcError`") are not the message
    it promises."""
    return any(
        isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and len(n.value.strip()) >= 2
        and not any(" ".join(n.value.lower().split()) in q for q in quoted)
        for n in ast.walk(node)
    )


def unchecked_setup(text: str) -> list[str]:
    """Test functions that assign a plain name they never read (`expected_output = [...]`
    beside a `pytest.raises` around the valid call it was meant for): such a test checks
    nothing it set up. A greedy test file of csv2json repeated that in all eight tests, each
    expecting `ValueError` from valid input, and repair then pushed the code towards raising."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef) or not node.name.startswith("test"):
            continue
        stored = [
            t.id
            for stmt in ast.walk(node)
            if isinstance(stmt, ast.Assign)
            for t in stmt.targets
            if isinstance(t, ast.Name) and t.id != "_"
        ]
        read = {
            n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
        }
        found += [
            f"`{node.name}` sets `{name}`" for name in dict.fromkeys(stored) if name not in read
        ]
    return found
