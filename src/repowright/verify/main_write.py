"""A missing command line asked for alone, when the document's commands do not fix its shape.

wordfreq.py (`python wordfreq.py FILE [-n N]`: an option, a file to read, an exit status) was
written with `top_words` and no `if __name__ == "__main__":` block. Asked for the whole file
again in three repair rounds, the 1.5B model gave back the function each time and never the
command line; `main_fixes` writes one without the model only for a command per function. Shown
the file and the document's commands and asked for the command line alone, a small model has
one thing to write. Only the reply's imports, its `main` and its `__main__` block are kept (the
file's own functions stay as they are), and only when the file then parses.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.named import commands
from repowright.fsio import atomic_write
from repowright.generate.prompt import module_name
from repowright.models.base import Model
from repowright.prompts import chat
from repowright.verify.edits import parse_or_none, safe_path
from repowright.verify.method_fix import ask_alone
from repowright.verify.static import NO_MAIN, is_main_guard

REPLY_TOKENS = 600
"""A `main()` with argparse and a few options: 150-350 tokens."""


@dataclass(frozen=True)
class WrittenMain:
    path: str
    lines: int
    """Lines added at the end of the file."""


async def write_missing_main(
    model: Model, repo: Path, findings: list[Finding], document: str, asked: set[str]
) -> list[WrittenMain]:
    """Ask for the command line each `no-main` finding names, where the document says how the
    file is run; add what the reply defines. `asked` holds the prompts asked before (a greedy
    reply to one comes back the same), and gets the new ones."""
    written: list[WrittenMain] = []
    for path in dict.fromkeys(f.file for f in findings if f.code == NO_MAIN and f.file):
        file = safe_path(repo, path)
        source = file.read_text(encoding="utf-8", errors="replace")
        said = commands(document, path, module_name(path))
        tree = parse_or_none(source)
        if not said or tree is None or any(is_main_guard(n) for n in tree.body):
            continue
        messages = chat(
            "verify_main_system", "verify_main_user", path=path, source=source, commands=said
        )
        if (key := repr(messages)) in asked:
            continue
        asked.add(key)
        reply = await ask_alone(model, messages, path, REPLY_TOKENS, "verify_main")
        added = command_line(reply, module_name(path), source)
        text = source.rstrip("\n") + "\n\n\n" + added + "\n"
        if added and parse_or_none(text) is not None:
            atomic_write(file, text)
            written.append(WrittenMain(path, len(added.splitlines())))
    return written


def command_line(reply: str, module: str, source: str = "") -> str:
    """The reply's imports (not of the file itself, nor ones `source` has), its `main` and its
    `__main__` block, in its order ('' when it has neither `main` nor the block, or does not
    parse); a `main` without the block gets one."""
    tree = parse_or_none(reply)
    if tree is None:
        return ""
    has = set(source.splitlines())
    kept: list[str] = []
    guarded = has_main = False
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            line = ast.get_source_segment(reply, node) or ""
            if line not in has and not (isinstance(node, ast.ImportFrom) and node.module == module):
                kept.append(line)
        elif isinstance(node, ast.FunctionDef) and node.name == "main":
            kept.append(unshadowed(node, source) or ast.get_source_segment(reply, node) or "")
            has_main = True
        elif is_main_guard(node):
            kept.append(ast.get_source_segment(reply, node) or "")
            guarded = True
    if not guarded and has_main:
        kept.append('if __name__ == "__main__":\n    main()')
    return "\n\n".join(k for k in kept if k) if guarded or has_main else ""


def unshadowed(main: ast.FunctionDef, source: str) -> str:
    """`main` with each variable named like a function of `source` renamed (`top_words =
    top_words(text, n)` made every call raise UnboundLocalError), its calls left to the
    function; '' when nothing is shadowed."""
    tree = parse_or_none(source)
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)} if tree else set()
    stored = {
        n.id for n in ast.walk(main) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
    }
    shadowed = stored & functions
    if not shadowed:
        return ""
    called = {id(c.func) for c in ast.walk(main) if isinstance(c, ast.Call)}
    for n in ast.walk(main):
        if isinstance(n, ast.Name) and n.id in shadowed and id(n) not in called:
            n.id = f"{n.id}_result"
    return ast.unparse(main)
