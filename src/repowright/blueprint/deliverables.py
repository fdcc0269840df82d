"""Deliverables the document itself names, added to a plan that left them out.

Small planners forget the entry point a spec asks for (`python -m rpn` needs
`rpn/__main__.py`) and the tests it asks for. These are not judgements: the document says they
must exist, so they are planned, depending on the source files they will use (which also makes
them generated after those files).
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from repowright.blueprint.schema import Blueprint, FileSpec

_RUN_MODULE = re.compile(r"\bpython3?\s+-m\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
_RUN_SCRIPT = re.compile(r"\bpython3?\s+((?:[\w-]+/)*[\w-]+\.py)\b")
_NAMED_FILE = re.compile(r"`((?:[\w-]+/)*[\w-]+\.py)`")
_ASKS_FOR_TESTS = re.compile(r"\b(pytest|unit[- ]?tests?|tests? suite|tests)\b", re.IGNORECASE)
_SOURCE_ROOTS = ("", "src/")


def is_test_file(path: str) -> bool:
    """Whether a repository path is part of its tests (planned here, run by verification)."""
    name = PurePosixPath(path).name
    return (
        path.startswith("tests/")
        or "/tests/" in path
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def add_named_deliverables(bp: Blueprint, text: str, notes: list[str]) -> None:
    """Plan `pkg/__main__.py` for each `python -m pkg`, each `python script.py`, and a test
    file when the document asks for tests and none is planned; one note per addition."""
    if not text:
        return
    for module in dict.fromkeys(_RUN_MODULE.findall(text)):
        _add_main(bp, module, notes)
    for script in dict.fromkeys(_RUN_SCRIPT.findall(text)):
        if script not in {f.path for f in bp.files} and not script.startswith("test"):
            _add(bp, script, f"Command-line script: `python {script}` as the document describes.",
                 notes)  # fmt: skip
    for path in dict.fromkeys(_NAMED_FILE.findall(text)):
        planned = {f.path for f in bp.files}
        if not {path, f"src/{path}"} & planned and not is_test_file(path):
            siblings = [p for p in _sources(bp) if p.rpartition("/")[0] == path.rpartition("/")[0]]
            package_init = path.endswith("__init__.py")  # it re-exports its siblings
            _add(bp, path, f"`{path}` as the document describes it.", notes,
                 siblings if package_init else [])  # fmt: skip
    sources = _sources(bp)
    if (
        _ASKS_FOR_TESTS.search(text)
        and sources
        and not any(f.path.endswith(".py") and is_test_file(f.path) for f in bp.files)
    ):
        name = re.sub(r"\W+", "_", bp.project_name.lower()).strip("_") or "project"
        _add(bp, f"tests/test_{name}.py",
             "pytest tests of the behaviour the document specifies, through the public "
             "interface of the files it depends on.", notes, sources)  # fmt: skip


def _add_main(bp: Blueprint, module: str, notes: list[str]) -> None:
    package = module.replace(".", "/")
    paths = {f.path for f in bp.files}
    for root in _SOURCE_ROOTS:
        if f"{root}{package}/__main__.py" in paths or f"{root}{package}.py" in paths:
            return
        inside = sorted(p for p in paths if p.startswith(f"{root}{package}/") and p.endswith(".py"))
        if inside:  # our own package (not `python -m pytest`)
            _add(bp, f"{root}{package}/__main__.py",
                 f"Command-line entry point: `python -m {module}`, as the document describes.",
                 notes, [p for p in inside if not is_test_file(p)])  # fmt: skip
            return


def _sources(bp: Blueprint) -> list[str]:
    return [
        f.path
        for f in bp.files
        if f.path.endswith(".py")
        and not is_test_file(f.path)
        and not f.path.endswith("__main__.py")
    ]


def _add(
    bp: Blueprint, path: str, purpose: str, notes: list[str], deps: list[str] | None = None
) -> None:
    bp.files.append(FileSpec(path=path, purpose=purpose, dependencies=deps or []))
    notes.append(f"added {path}: the document names it and the plan did not")
