"""The file a model meant, cut out of its reply: fences and surrounding prose removed.

Small models wrap a file in a Markdown fence and often add a sentence before or after it, or
end an unfenced file with a stray fence and an explanation. None of that belongs in a Python
module or a shell script; a Markdown file keeps its own fences and only loses a wrapping one.
"""

from __future__ import annotations

import ast

FENCE = "```"


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
