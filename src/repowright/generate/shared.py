"""One class, one definition: a class a new file defines again is imported from its first home.

A small model writing `calc/parser.py` without `calc/errors.py` among its planned dependencies
defines its own `class CalcError(Exception)`. The repository then has two unrelated classes of
that name: the parser raises one, `calc/__init__.py` exports the other, and every
`pytest.raises(CalcError)` fails although the code looks right. When a file being written
defines a class that a project module already written defines (CodeMem knows which), that
module's class is imported instead — unless the module imports this file (a cycle).

The same holds for a function that a module this file depends on defines with the same
parameters: infix's parser imported `Token` from `calc.lexer` but wrote its own
`tokenize(text)`, so the package had two tokenizers and fixing the lexer left `evaluate`
broken. A function with other parameters is a different function and stays.
"""

from __future__ import annotations

import ast
from collections.abc import Collection

from repowright.artifacts.memory import MemoryEntry
from repowright.blueprint.deliverables import is_test_file
from repowright.generate.drift import params
from repowright.generate.prompt import module_name


def import_shared(
    path: str, text: str, memory: dict[str, MemoryEntry], uses: Collection[str] = ()
) -> str:
    """`text` with each top-level class already defined by another written module, and each
    function defined with the same parameters by a module it `uses`, replaced by an import."""
    if not path.endswith(".py") or is_test_file(path):
        return text
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return text
    classes: dict[str, str] = {}
    functions: dict[str, tuple[str, list[str] | None]] = {}
    for entry in memory.values():
        if entry.path == path or is_test_file(entry.path) or path in entry.depends_on:
            continue
        module = module_name(entry.path) if entry.path.endswith(".py") else ""
        for item in entry.interface if module else []:
            if item.kind == "class":
                classes.setdefault(item.name, module)
            elif item.kind == "function" and entry.path in uses:
                functions.setdefault(item.name, (module, params(item.signature)))
    homes: dict[ast.ClassDef | ast.FunctionDef, str] = {}  # a definition to drop: its module
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name in classes:
            homes[node] = classes[node.name]
        elif isinstance(node, ast.FunctionDef) and node.name in functions:
            module, wanted = functions[node.name]
            own = params(f"def {node.name}({ast.unparse(node.args)})")
            if wanted is not None and wanted == own:
                homes[node] = module
    if not homes:
        return text
    lines = text.splitlines()
    for node in sorted(homes, key=lambda n: -n.lineno):
        start = min([node.lineno, *(d.lineno for d in node.decorator_list)]) - 1
        del lines[start : node.end_lineno]
    by_module: dict[str, list[str]] = {}
    for node, module in homes.items():
        by_module.setdefault(module, []).append(node.name)
    imports = [f"from {m} import {', '.join(names)}" for m, names in by_module.items()]
    at = after_header(tree)
    lines[at:at] = imports
    return "\n".join(lines) + "\n"


def after_header(tree: ast.Module) -> int:
    """The line index after the module docstring and `from __future__` imports."""
    at = 0
    for node in tree.body:
        is_doc = isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        is_future = isinstance(node, ast.ImportFrom) and node.module == "__future__"
        if (is_doc and at == 0) or is_future:
            at = node.end_lineno or at
        else:
            break
    return at
