"""Layers point one way (docs/architecture.md): a package imports only packages below it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "repowright"
LAYERS: list[set[str]] = [
    {"__main__"},
    {"cli"},  # front ends
    {"mcp", "doctor"},
    {"pipeline"},  # runs the steps; the benchmark runner
    {"verify"},  # phases (verify repairs with generate's prompt and tidy-up)
    {"generate", "grading"},
    {"blueprint", "memory", "rag"},
    {"runs"},  # the run directory, its typed artifacts, what phases receive
    {"sandbox", "prompts", "documents", "code"},  # leaf services
    {"models"},
    {"artifacts"},  # typed on-disk schemas
    {"config", "fsio"},
    {"errors"},
]
"""Top to bottom: a package may import only packages in layers below its own."""
RANK = {pkg: i for i, layer in enumerate(LAYERS) for pkg in layer}


def _imports() -> list[tuple[str, str, str]]:
    found = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        pkg = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if parts[0] == "repowright" and len(parts) > 1 and parts[1] != pkg:
                    found.append((str(rel), pkg, parts[1]))
    return found


def test_every_package_has_a_layer() -> None:
    packages = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    assert packages | modules <= set(RANK), sorted((packages | modules) - set(RANK))


def test_no_import_points_up() -> None:
    upward = sorted(
        {
            f"{pkg} -> {target} ({rel})"
            for rel, pkg, target in _imports()
            if RANK[target] <= RANK[pkg]
        }
    )
    assert upward == []


def test_nothing_below_the_pipeline_imports_it() -> None:
    assert [rel for rel, pkg, t in _imports() if t == "pipeline" and RANK[pkg] > RANK[t]] == []


def test_models_and_documents_import_no_run_state() -> None:
    bad = [
        (rel, t)
        for rel, pkg, t in _imports()
        if pkg in {"models", "documents"} and t in {"runs", "pipeline", "cli"}
    ]
    assert bad == []
