"""Last resort after the planner's repair rounds: drop what cannot be trusted, and say so.

Small models (the embedded default) often keep producing the same structural mistakes. Rather
than fail the run, this pass makes the *lossy* choices the autofix refuses to make — unsafe
paths rewritten into the tree, dangling references and cycle-closing edges dropped — and
returns one note per change, which the phase logs and the report shows. The result is then
validated again like any other blueprint.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath

from repowright.artifacts.blueprint import Blueprint, Component, FileSpec, Stage
from repowright.blueprint.graph import dependency_graph, find_cycles

_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_path(path: str) -> str:
    """`path` forced inside the repository: no drive, root, `~`, `.` or `..` segments."""
    text = _DRIVE.sub("", path.strip().replace("\\", "/"))
    parts = [p.strip() for p in text.split("/")]
    kept = [p for p in parts if p and p not in {".", "..", "~"} and not p.startswith("~")]
    return str(PurePosixPath(*kept)) if kept else ""


def salvage_blueprint(bp: Blueprint) -> tuple[Blueprint, list[str]]:
    """A copy of `bp` that can pass validation, and a note for every lossy change."""
    bp = bp.model_copy(deep=True)
    notes: list[str] = []
    renamed: dict[str, str] = {}
    files: dict[str, FileSpec] = {}
    for spec in bp.files:
        new = safe_path(spec.path)
        if not new or new in files:
            notes.append(f"dropped file entry {spec.path!r} (unsafe, empty or duplicate path)")
            continue
        if new != spec.path:
            notes.append(f"rewrote unsafe path {spec.path!r} -> {new!r}")
            renamed[spec.path] = new
        spec.path = new
        files[new] = spec
    bp.files = list(files.values())

    def resolve(ref: str) -> str:
        return renamed.get(ref, safe_path(ref))

    for spec in bp.files:
        deps = [resolve(d) for d in spec.dependencies]
        dropped = [d for d in deps if d not in files or d == spec.path]
        spec.dependencies = list(dict.fromkeys(d for d in deps if d not in dropped))
        if dropped:
            notes.append(f"{spec.path}: dropped dependencies not in the tree: {dropped}")
    for cycle in find_cycles(dependency_graph(bp)):
        # find_cycles lists each file before the one it depends on: drop the closing edge.
        source, target = cycle[-2], cycle[-1]
        if target in files[source].dependencies:
            files[source].dependencies.remove(target)
            notes.append(f"broke dependency cycle {' -> '.join(cycle)} at {source} -> {target}")
    notes += drop_dangling(bp, resolve)
    return bp, notes


def drop_dangling(bp: Blueprint, resolve: Callable[[str], str] = str) -> list[str]:
    """Drop, in place, what the informational parts of `bp` (components, plan stages, entry
    points) name that is not a file of the tree, and the components and stages left empty;
    one note per change. Generation reads only the file tree."""
    files = {spec.path for spec in bp.files}
    notes: list[str] = []
    groups: list[Component | Stage] = [*bp.components, *bp.plan]
    for group in groups:
        refs = [resolve(f) for f in group.files]
        group.files = list(dict.fromkeys(f for f in refs if f in files))
        if missing := [f for f in refs if f not in files]:
            notes.append(f"{group.name}: dropped references to files not in the tree: {missing}")
    empty = [c.name for c in bp.components if not c.files]
    if empty:
        bp.components = [c for c in bp.components if c.files]
        notes.append(f"dropped components without files: {empty}")
    entry = [resolve(e) for e in bp.entry_points]
    bp.entry_points = [e for e in dict.fromkeys(entry) if e in files]
    if missing := [e for e in entry if e not in files]:
        notes.append(f"entry_points: dropped what is not a file in the tree: {missing}")
    bp.plan = [stage for stage in bp.plan if stage.files]
    return notes
