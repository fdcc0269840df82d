"""A method a class calls on itself but never defines, asked for alone.

`RingBuffer` called `self.is_empty()` and defined no `is_empty` (the static `stubs` check names
it: `verify/members.py`). Asked for the whole file again, the 1.5B model gave it back unchanged
in each of three rounds (ringbuffer, e2e); shown the class and asked for that one method, it
wrote `return self.size == 0`. The method goes at the end of the class. Nothing existing is
replaced, so it is kept when the file still parses: every call of it raised before, and the
repair loop undoes a round that leaves the repository worse.
"""

from __future__ import annotations

import ast
import textwrap
from dataclasses import dataclass
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.code.python import ProjectIndex
from repowright.fsio import atomic_write
from repowright.generate.body import file_body
from repowright.models.base import Message, Model, ModelRequest
from repowright.prompts import chat
from repowright.verify.edits import safe_path
from repowright.verify.members import missing_methods, project_bases

MAX_METHODS = 3
"""Methods written per round."""
REPLY_TOKENS = 400


@dataclass(frozen=True)
class Written:
    path: str
    cls: str
    name: str


async def write_missing_methods(
    model: Model, repo: Path, findings: list[Finding], asked: set[str]
) -> list[Written]:
    """Ask for each method the `stubs` findings say a class calls but lacks, and add the ones
    the replies define; `asked` holds the prompts asked before (a greedy reply to one comes
    back the same), and gets the new ones."""
    paths = dict.fromkeys(
        f.file for f in findings if f.check == "stubs" and f.code == "AttributeError" and f.file
    )
    bases = project_bases(ProjectIndex(repo)) if paths else set()
    written: list[Written] = []
    for path in paths:
        file = safe_path(repo, path)
        while len(written) < MAX_METHODS:
            source = file.read_text(encoding="utf-8", errors="replace")
            wanted = _next(source, bases, path, asked)
            if wanted is None:
                break
            cls, name, messages = wanted
            reply = await ask_alone(model, messages, path, REPLY_TOKENS, "verify_method")
            text = _with_method(source, cls, name, reply)
            if text is not None:
                atomic_write(file, text)
                written.append(Written(path, cls.name, name))
    return written


async def ask_alone(
    model: Model, messages: list[Message], path: str, max_tokens: int, tag: str
) -> str:
    """The code of the greedy reply to a request for one missing piece of `path`."""
    reply = await model.complete(
        ModelRequest(messages=messages, temperature=0.0, max_tokens=max_tokens, tag=f"{tag}:{path}")
    )
    return file_body(path, reply.text)


def _next(
    source: str, bases: set[str], path: str, asked: set[str]
) -> tuple[ast.ClassDef, str, list[Message]] | None:
    """The first missing method whose prompt was not asked yet (it is now), or None."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return None
    lines = source.splitlines()
    for cls, name, line in missing_methods(tree, bases):
        messages = chat(
            "verify_method_system",
            "verify_method_user",
            path=path,
            cls=cls.name,
            source=ast.get_source_segment(source, cls) or "",
            method=name,
            call=lines[line - 1].strip(),
        )
        if (key := repr(messages)) not in asked:
            asked.add(key)
            return cls, name, messages
    return None


def _with_method(source: str, cls: ast.ClassDef, name: str, reply: str) -> str | None:
    """`source` with the reply's method `name` added at the end of `cls` (a class of
    `source`'s tree); None when the reply defines no such method taking `self`, or the result
    does not parse."""
    code = textwrap.dedent(reply)
    try:
        defs = [n for n in ast.walk(ast.parse(code)) if isinstance(n, ast.FunctionDef)]
    except SyntaxError:
        return None
    found = [n for n in defs if n.name == name]
    args = found[0].args.args if found else []
    if not args or args[0].arg != "self" or cls.end_lineno is None:
        return None
    method = ast.get_source_segment(code, found[0]) or ""
    indent = " " * cls.body[0].col_offset
    lines = source.splitlines(keepends=True)
    lines[cls.end_lineno - 1] = lines[cls.end_lineno - 1].rstrip("\n") + "\n"
    lines.insert(cls.end_lineno, "\n" + textwrap.indent(textwrap.dedent(method), indent) + "\n")
    text = "".join(lines)
    try:
        ast.parse(text)
    except SyntaxError:
        return None
    return text
