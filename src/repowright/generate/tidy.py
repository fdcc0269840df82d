"""Mechanical fixes to generated files, each with only one sensible reading.

Small models write `if [ "$1" == "--smoke" ]` under `set -u` (an error when the script runs
without arguments), pass the script's own `--smoke` on to pytest (which has no such option),
or forget the shebang; they list `python>=3.8`, `json` or a sentence in requirements.txt,
which makes `pip install -r` fail; they write `from typing import *`, which hides every
undefined name from the linter (a missing `deque` import then fails only at run time); they
give module-level test functions a `self` parameter (pytest: "fixture 'self' not found"); they
wrap a test's assertions in `try: ... except Error: pass`, a test that cannot fail
(`generate/vacuous.py`). None of these needs a model round trip.
"""

from __future__ import annotations

import ast
import importlib
import re
import sys

from packaging.requirements import InvalidRequirement, Requirement

from repowright.blueprint.deliverables import is_test_file
from repowright.blueprint.fixes import INTERPRETER
from repowright.generate.vacuous import no_swallowed_errors

_STRICT = re.compile(r"^\s*set\s+-\w*u", re.M)
_POSITIONAL = re.compile(r"\$([1-9])\b|\$\{([1-9])\}")
_PYTEST = re.compile(r"\bpytest\b")


def tidy(path: str, text: str, own: frozenset[str] = frozenset()) -> str:
    """`text` as it should be written to `path` (unchanged for kinds with no mechanical fix);
    `own` names the project's own top-level modules."""
    if not text.strip():
        return text
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".sh"):
        return tidy_shell(text)
    if name.startswith("requirements") and name.endswith(".txt"):
        return tidy_requirements(text, own)
    if name.endswith(".py"):
        text = explicit_star_imports(text)
        return no_swallowed_errors(no_self_in_test_functions(text)) if is_test_file(path) else text
    return text


def tidy_shell(text: str) -> str:
    """`text` with positional arguments defaulted under `set -u`, `--smoke` kept away from
    pytest and a bash shebang when none is there."""
    if _STRICT.search(text):
        text = _POSITIONAL.sub(lambda m: "${%s:-}" % (m[1] or m[2]), text)
    lines = [
        re.sub(r"\s+--smoke\b", "", line) if _PYTEST.search(line) else line
        for line in text.splitlines()
    ]
    if lines and not lines[0].startswith("#!"):
        lines.insert(0, "#!/usr/bin/env bash")
    return "\n".join(lines) + "\n" if lines else text


def tidy_requirements(text: str, own: frozenset[str] = frozenset()) -> str:
    """`text` without lines pip cannot or must not install: the interpreter, standard-library
    modules, the project itself (`own`: an unrelated PyPI project of that name would come) and
    anything that is not a requirement (prose). Options (`-r`, `--index-url`) and comments stay."""
    kept = []
    for line in text.splitlines():
        spec = line.split("#", 1)[0].strip()
        if spec and not spec.startswith("-") and not _installable(spec, own):
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def _installable(spec: str, own: frozenset[str]) -> bool:
    try:
        name = Requirement(spec).name.lower()
    except InvalidRequirement:
        return False
    return not ({name, name.replace("-", "_")} & (INTERPRETER | own | sys.stdlib_module_names))


def explicit_star_imports(text: str) -> str:
    """`from M import *` of a standard-library module replaced by the names the file uses
    (the line is dropped when it uses none); other modules and unparsable files unchanged."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    lines = text.splitlines(keepends=True)
    for node in reversed(tree.body):
        if not (
            isinstance(node, ast.ImportFrom)
            and node.level == 0
            and node.module
            and [a.name for a in node.names] == ["*"]
            and node.module.split(".")[0] in sys.stdlib_module_names
        ):
            continue
        try:
            exported = _public_names(importlib.import_module(node.module))
        except ImportError:
            continue
        names = sorted(used & exported)
        start, end = node.lineno - 1, node.end_lineno or node.lineno
        lines[start:end] = [f"from {node.module} import {', '.join(names)}\n"] if names else []
    return "".join(lines)


def _public_names(module: object) -> set[str]:
    exported = getattr(module, "__all__", None)
    if exported is None:
        exported = [n for n in dir(module) if not n.startswith("_")]
    return set(exported)


def no_self_in_test_functions(text: str) -> str:
    """`def test_x(self, tmp_path)` outside a class loses `self`."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    lines = text.splitlines(keepends=True)
    for node in tree.body:
        if (
            isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.name.startswith("test")
            and node.args.args
            and node.args.args[0].arg == "self"
        ):
            arg = node.args.args[0]
            line = lines[arg.lineno - 1]
            rest = re.sub(r"^\s*,\s*", "", line[arg.end_col_offset :])
            lines[arg.lineno - 1] = line[: arg.col_offset] + rest
    return "".join(lines)
