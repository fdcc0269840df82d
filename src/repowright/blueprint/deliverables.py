"""Deliverables the document itself names, added to a plan that left them out.

Small planners forget the entry point a spec asks for (`python -m rpn` needs
`rpn/__main__.py`) and the tests it asks for. These are not judgements: the document says they
must exist, so they are planned, depending on the source files they will use (which also makes
them generated after those files).
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import PurePosixPath

from repowright.artifacts.blueprint import Blueprint, FileSpec
from repowright.blueprint.graph import dependency_graph

RUN_MODULE = re.compile(r"\bpython3?\s+-m\s+([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
RUN_SCRIPT = re.compile(r"\bpython3?\s+((?:[\w-]+/)*[\w-]+\.py)\b")
_NAMED_FILE = re.compile(r"`((?:[\w-]+/)*[\w-]+\.py)`")
_ASKS_FOR_TESTS = re.compile(r"\b(pytest|unit[- ]?tests?|tests? suite|tests)\b", re.IGNORECASE)
_TESTS_FOR = re.compile(
    r"\btests?\s+(?:for|of)\s+(?:the\s+)?`?(?:[\w/]+/)?(\w+)(?:\.py)?`?\s*(?:module|file|\.py)?",
    re.IGNORECASE,
)
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
    for module in dict.fromkeys(RUN_MODULE.findall(text)):
        _add_main(bp, module, notes)
    for script in dict.fromkeys(RUN_SCRIPT.findall(text)):
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
        tested = _tested_modules(text, sources)
        if tested:  # "unit tests for the storage module": those, not the command line
            name = PurePosixPath(tested[0]).stem
        _add(bp, f"tests/test_{name}.py",
             "pytest tests of the behaviour the document specifies, through the public "
             "interface of the files it depends on.", notes, tested or sources)  # fmt: skip


def _tested_modules(text: str, sources: list[str]) -> list[str]:
    """The source files the document says its tests are for ("tests for the storage
    module", "tests of `parser.py`"), or [] when it does not say."""
    named = {m.lower() for m in _TESTS_FOR.findall(text)}
    return [p for p in sources if PurePosixPath(p).stem.lower() in named]


def resolve_entry_points(bp: Blueprint, notes: list[str]) -> None:
    """Entry points written as the command that runs them (`python -m todo add x`,
    `python train.py --smoke`) become the planned file that command runs; one note each."""
    paths = {f.path for f in bp.files}
    resolved = []
    for entry in bp.entry_points:
        target = entry
        if entry not in paths:
            wanted = list(RUN_SCRIPT.findall(entry))
            for module in RUN_MODULE.findall(entry):
                package = module.replace(".", "/")
                wanted += [f"{package}/__main__.py", f"{package}.py"]
            found = [f"{root}{w}" for w in wanted for root in _SOURCE_ROOTS]
            target = next((p for p in found if p in paths), entry)
            if target != entry:
                notes.append(f"entry point {entry!r} -> {target!r} (the file it runs)")
        resolved.append(target)
    bp.entry_points = list(dict.fromkeys(resolved))


def add_run_entry_points(bp: Blueprint, text: str, notes: list[str]) -> None:
    """Every planned file the document runs (`python rle.py encode TEXT`, `python -m pkg`) is
    an entry point, one note each: rle's plan once listed none, so nothing checked that
    rle.py had a command line (it had none)."""
    planned = {f.path for f in bp.files}
    runs = [s for s in RUN_SCRIPT.findall(text) if not is_test_file(s)]
    runs += [f"{m.replace('.', '/')}/__main__.py" for m in RUN_MODULE.findall(text)]
    for path in dict.fromkeys(f"{root}{r}" for r in runs for root in _SOURCE_ROOTS):
        if path in planned and path not in bp.entry_points:
            bp.entry_points.append(path)
            notes.append(f"entry point {path!r} added: the document runs it")


def wire_harness(bp: Blueprint, harness: list[str]) -> None:
    """Make each harness file (README, reproduce script) depend on what it runs: the entry
    points, `__main__.py` files and tests. It is then written last, from their real
    interfaces (its prompt shows how to run each one) instead of guessing commands. Only
    ordering and context change, not what is built, so no note is made."""
    paths = {f.path for f in bp.files}
    runnable = [
        f.path
        for f in bp.files
        if f.path.endswith(".py")
        and (f.path in bp.entry_points or f.path.endswith("__main__.py") or is_test_file(f.path))
    ]
    for spec in bp.files:
        if spec.path not in harness or spec.path not in paths:
            continue
        wanted = [
            p
            for p in runnable
            if p not in spec.dependencies and spec.path not in closure(bp, p) | {p}
        ]
        if spec.path.endswith(".md"):
            wanted = [p for p in wanted if not is_test_file(p)]
        spec.dependencies.extend(wanted)


def wire_packages(bp: Blueprint, notes: list[str]) -> None:
    """Every directory of source modules is a package with an `__init__.py` (added with a
    note when missing), written after its modules so it can re-export what they really
    define (`generate/reexport.py`)."""
    sources = _sources(bp)
    packages = {
        str(parent)
        for p in sources
        if not p.startswith("/") and ".." not in PurePosixPath(p).parts
        for parent in PurePosixPath(p).parents
        if str(parent) not in (".", "src") and not is_test_file(f"{parent}/x.py")
    }
    planned = {f.path for f in bp.files}
    for package in sorted(packages):
        init = f"{package}/__init__.py"
        if init not in planned:
            _add(bp, init, f"Package `{package.removeprefix('src/')}`: re-exports its modules.",
                 notes, [])  # fmt: skip
            notes[-1] = f"added {init}: `{package}` has modules and no __init__.py"
    for spec in bp.files:
        if PurePosixPath(spec.path).name != "__init__.py":
            continue
        package = spec.path.rpartition("/")[0]
        siblings = [p for p in sources if p.rpartition("/")[0] == package and p != spec.path]
        spec.dependencies.extend(
            p for p in siblings if p not in spec.dependencies and spec.path not in closure(bp, p)
        )


def closure(bp: Blueprint, path: str) -> set[str]:
    """Every file `path` depends on, directly or not (a new edge must not close a cycle)."""
    deps = dependency_graph(bp)
    seen: set[str] = set()
    todo = list(deps.get(path, []))
    while todo:
        dep = todo.pop()
        if dep not in seen:
            seen.add(dep)
            todo.extend(deps.get(dep, []))
    return seen


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
    if "." not in module and not importable(module) and _sources(bp):
        # The document runs a module the plan does not have at all: its entry point, over
        # the modules the plan has (`wire_packages` then adds the package's __init__.py).
        _add(bp, f"{package}/__main__.py",
             f"Command-line entry point: `python -m {module}`, as the document describes.",
             notes, _sources(bp))  # fmt: skip


def importable(module: str) -> bool:
    """A module that exists outside the plan (`pytest`, `http.server`, `venv`)."""
    try:
        return module in sys.stdlib_module_names or importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


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
