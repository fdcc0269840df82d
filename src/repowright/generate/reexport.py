"""A package `__init__.py` that only re-exports its modules, written without the model.

Its content follows from the modules already written: one import line per module, with the
names CodeMem recorded, and `__all__`. A small model asked for it guesses module paths and
names (`from .calculator import Calc`), and one wrong line breaks every `from pkg import x`.
The model still writes an `__init__.py` whose plan gives it code of its own.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from repowright.artifacts.blueprint import FileSpec
from repowright.artifacts.memory import MemoryEntry
from repowright.generate.prompt import module_name, public_names


def reexport_source(spec: FileSpec, memory: dict[str, MemoryEntry]) -> str | None:
    """The source of `spec` when it is a package `__init__.py` whose planned interface its
    written modules already provide, else None (the model writes it)."""
    path = PurePosixPath(spec.path)
    if path.name != "__init__.py":
        return None
    package = str(path.parent)
    modules = [
        memory[d]
        for d in spec.dependencies
        if d in memory and d.endswith(".py") and d.startswith(f"{package}/") and module_name(d)
    ]
    # A name defined twice comes from the module that depends on fewer others (`errors.py`,
    # not the parser that redefines its exception).
    modules.sort(key=lambda entry: len(entry.depends_on))
    lines: list[str] = []
    exported: list[str] = []
    for entry in modules:
        names = [n for n in public_names(entry) if n not in exported]
        if names:
            lines.append(f"from {module_name(entry.path)} import {', '.join(names)}")
            exported.extend(names)
    planned = {s.name.split("(")[0].strip() for s in spec.interface if "." not in s.name}
    if not planned <= set(exported):
        return None
    doc = " ".join(spec.purpose.split()).replace('"""', "'''") or "Package exports."
    body = [f'"""{doc}"""', ""]
    if lines:
        body += [*lines, "", f"__all__ = {json.dumps(sorted(exported))}"]
    return "\n".join(body) + "\n"
