"""SEARCH/REPLACE edits from the repair model, applied safely and tolerantly.

Models copy code imperfectly (indentation, trailing spaces), so a block that is not found
verbatim is matched line by line ignoring whitespace, then by similarity; the replacement
is re-indented to where it lands. Anything ambiguous is refused with a useful error.
"""

from __future__ import annotations

import ast
import difflib
import re
import sys
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from pydantic import BaseModel, Field

from repowright.blueprint.examples import EXAMPLES_PATH

FUZZY_MIN = 0.9
EXAMPLES_FIXED = "holds the document's own examples: change the code, not this file"


class Edit(BaseModel):
    file: str = Field(description="Path of the file, relative to the repository root.")
    search: str = Field(
        description="Exact lines currently in the file to replace (copy them, with a little "
        "context so they occur once). Empty: `replace` is a whole file (created or rewritten) "
        "or only import lines to add at its top."
    )
    replace: str = Field(description="The new lines that take the place of `search`.")


class RepairPlan(BaseModel):
    analysis: str = Field(default="", description="The root cause, in one or two sentences.")
    edits: list[Edit] = Field(default_factory=list)


@dataclass
class EditResult:
    edit: Edit
    ok: bool
    how: str = ""  # exact | whitespace | fuzzy | created
    error: str = ""


def safe_path(repo: Path, file: str) -> Path:
    """The file inside `repo`; raise ValueError for absolute paths, `..`, or `.git`."""
    rel = PurePosixPath(file.strip().replace("\\", "/"))
    if not file.strip() or rel.is_absolute() or ".." in rel.parts or ".git" in rel.parts:
        raise ValueError(f"unsafe path {file!r}: use a relative path inside the repository")
    target = (repo / rel).resolve()
    if not target.is_relative_to(repo.resolve()):
        raise ValueError(f"unsafe path {file!r}: it leaves the repository")
    return target


def apply_edit(repo: Path, edit: Edit, near: Collection[int] = ()) -> EditResult:
    """Apply one edit; `near` are the lines of this file that findings point at, which pick
    among several places a SEARCH block matches."""
    try:
        path = safe_path(repo, edit.file)
    except ValueError as exc:
        return EditResult(edit, False, error=str(exc))
    if path == safe_path(repo, EXAMPLES_PATH):
        return EditResult(edit, False, error=f"{EXAMPLES_PATH} {EXAMPLES_FIXED}")
    if not edit.search.strip():
        current = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""
        if current.strip():
            new_text, how, error = fill_whole(edit.file, current, edit.replace)
            if new_text is None:
                return EditResult(edit, False, error=f"{edit.file}: {error}")
            path.write_text(new_text, encoding="utf-8")
            return EditResult(edit, True, how)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_with_newline(edit.replace), encoding="utf-8")
        return EditResult(edit, True, "created")
    if not path.is_file():
        return EditResult(edit, False, error=f"{edit.file} does not exist (empty SEARCH creates)")
    text = path.read_text(encoding="utf-8", errors="replace")
    new_text, how, error = replace_block(text, edit.search, edit.replace, near)
    if new_text is None:
        return EditResult(edit, False, error=f"{edit.file}: {error}")
    if broken := _breaks_syntax(edit.file, text, new_text):
        return EditResult(edit, False, error=f"{edit.file}: {broken}; the file is unchanged")
    path.write_text(new_text, encoding="utf-8")
    return EditResult(edit, True, how)


def _breaks_syntax(file: str, before: str, after: str) -> str:
    """Why `after` is invalid Python when `before` was valid ('' otherwise): an edit must not
    turn a runnable module into one that no longer compiles."""
    if not file.endswith(".py") or parse_or_none(before) is None:
        return ""
    try:
        ast.parse(after)
    except SyntaxError as exc:
        return f"the edit would leave invalid Python ({exc.msg}, line {exc.lineno})"
    return ""


def fill_whole(file: str, text: str, replace: str) -> tuple[str | None, str, str]:
    """An empty SEARCH on a file that has content, read the way small models mean it: only
    import lines are added under the module's docstring and existing imports; a complete new
    version replaces the file. A fragment that would lose what the file defines is refused.
    """
    if file.endswith(".py"):
        new = parse_or_none(replace)
        if new is None:
            return None, "", "empty SEARCH with a replacement that is not valid Python"
        if new.body and all(isinstance(n, ast.Import | ast.ImportFrom) for n in new.body):
            if wrong := _not_in_stdlib(new):
                return None, "", f"the import names what its module does not have: {wrong}"
            return _add_imports(text, replace), "imports added", ""
        old = parse_or_none(text)
        lost = sorted(_defined(old) - _defined(new)) if old is not None else []
        if lost:
            return (
                None,
                "",
                (
                    "an empty SEARCH replaces the whole file, and this replacement would drop "
                    f"{', '.join(lost[:8])}: give a SEARCH block, or the complete file"
                ),
            )
    if len(replace.strip()) < len(text.strip()) / 2:
        return None, "", "exists and is not empty: give a SEARCH block, or the complete file"
    return _with_newline(replace), "rewritten", ""


def _not_in_stdlib(module: ast.Module) -> str:
    """`from typing import int`: a name a standard-library module does not define ('' when
    every such import is real). The demo's repair added that line, and the test file stopped
    collecting. Only standard-library modules this process has loaded are looked at (none is
    imported to check: `antigravity` opens a browser); other imports are left."""
    for node in module.body:
        if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
            continue
        imported = sys.modules.get(node.module)
        if imported is None or node.module.partition(".")[0] not in sys.stdlib_module_names:
            continue
        for alias in node.names:
            if alias.name != "*" and not hasattr(imported, alias.name):
                return f"{node.module} has no {alias.name}"
    return ""


def parse_or_none(source: str) -> ast.Module | None:
    """The module `source` parses to, None when it does not parse."""
    try:
        return ast.parse(source)
    except SyntaxError:
        return None


def _defined(module: ast.Module) -> set[str]:
    """Public top-level names a module defines (what other files may import from it)."""
    names: set[str] = set()
    for node in module.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


def _add_imports(text: str, imports: str) -> str:
    """`imports` placed after the docstring, `__future__` and existing imports at the top."""
    lines = text.splitlines()
    module = parse_or_none(text)
    at = 0
    if module is not None:
        for node in module.body:
            is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
            if not (is_doc and at == 0) and not isinstance(node, ast.Import | ast.ImportFrom):
                break
            at = node.end_lineno or at
    have = {ln.strip() for ln in lines}
    new = [ln for ln in _trim_blank(imports.splitlines()) if ln.strip() not in have]
    out = lines[:at] + new + lines[at:]
    return "\n".join(out) + "\n"


def _with_newline(text: str) -> str:
    return text if text.endswith("\n") or not text else text + "\n"


def replace_block(
    text: str, search: str, replace: str, near: Collection[int] = ()
) -> tuple[str | None, str, str]:
    """(new text, how, error): exact, then whitespace-insensitive lines, then similarity. A
    block found in several places is replaced where it covers one of the `near` lines."""
    count = text.count(search)
    if count == 1:
        return text.replace(search, replace, 1), "exact", ""
    lines = text.splitlines()
    wanted = _trim_blank(search.splitlines())
    if not wanted:
        return None, "", "SEARCH block is blank"
    norm = [" ".join(ln.split()) for ln in lines]
    target = [" ".join(ln.split()) for ln in wanted]
    n = len(target)
    hits = [i for i in range(len(lines) - n + 1) if norm[i : i + n] == target]
    if len(hits) > 1:
        pointed = [i for i in hits if any(i < line <= i + n for line in near)]
        if len(pointed) != 1:
            return (
                None,
                "",
                f"SEARCH lines match {len(hits)} places; include more surrounding lines",
            )
        hits = pointed
    how = "whitespace"
    if not hits and len(wanted) == 1:
        return _replace_fragment(text, wanted[0], replace)
    if not hits:
        scored = sorted(
            (
                (
                    difflib.SequenceMatcher(
                        None, "\n".join(norm[i : i + n]), "\n".join(target)
                    ).ratio(),
                    i,
                )
                for i in range(len(lines) - n + 1)
            ),
            reverse=True,
        )
        if not scored:
            return None, "", "SEARCH block is longer than the file"
        best, start = scored[0]
        runner_up = scored[1][0] if len(scored) > 1 else 0.0
        if best < FUZZY_MIN or best - runner_up < 0.02:
            closest = "\n".join(lines[start : start + n])
            return (
                None,
                "",
                (
                    f"SEARCH block not found (closest, {best:.0%} similar, lines "
                    f"{start + 1}-{start + n}):\n{closest}"
                ),
            )
        hits, how = [start], "fuzzy"
    start = hits[0]
    new_lines = _reindent(_trim_blank(replace.splitlines()), wanted, lines[start : start + n])
    out = lines[:start] + new_lines + lines[start + n :]
    return "\n".join(out) + ("\n" if text.endswith("\n") else ""), how, ""


def _replace_fragment(text: str, search: str, replace: str) -> tuple[str | None, str, str]:
    """A one-line SEARCH that is part of a line: match it with whitespace runs collapsed."""
    pattern = r"\s+".join(re.escape(tok) for tok in search.split())
    hits = list(re.finditer(pattern, text))
    if not hits and (signature := _replace_signature(text, search, replace)) is not None:
        return signature, "signature", ""
    if len(hits) != 1:
        where = "occurs several times" if hits else "was not found"
        return None, "", f"SEARCH text {where} (even ignoring whitespace): {search.strip()!r}"
    start, end = hits[0].span()
    return text[:start] + replace.strip() + text[end:], "whitespace", ""


_DEF = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)\b")


def _replace_signature(text: str, search: str, replace: str) -> str | None:
    """A misremembered `def f(...)` line whose replacement is a new `def f(...)` line: the
    file's one definition of `f` gets the new signature (it may span several lines)."""
    old, new = _DEF.match(search), _DEF.match(replace.strip("\n"))
    if not old or not new or old[1] != new[1] or len(replace.strip().splitlines()) != 1:
        return None
    lines = text.splitlines()
    starts = [i for i, ln in enumerate(lines) if (m := _DEF.match(ln)) and m[1] == old[1]]
    if len(starts) != 1:
        return None
    start = end = starts[0]
    while end < len(lines) - 1 and not lines[end].rstrip().endswith(":"):
        end += 1  # the signature continues over several lines
    indent = _indent(lines[start])
    out = [*lines[:start], indent + replace.strip(), *lines[end + 1 :]]
    return "\n".join(out) + ("\n" if text.endswith("\n") else "")


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def _reindent(replacement: list[str], searched: list[str], found: list[str]) -> list[str]:
    """Shift the replacement by the indentation difference between SEARCH and the file."""
    first_s = next((ln for ln in searched if ln.strip()), "")
    first_f = next((ln for ln in found if ln.strip()), "")
    have, want = _indent(first_s), _indent(first_f)
    if have == want:
        return replacement
    out = []
    for line in replacement:
        if line.startswith(have):
            out.append(want + line[len(have) :] if line.strip() else "")
        else:
            out.append(line)
    return out
