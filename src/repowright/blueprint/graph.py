"""The file dependency graph of a blueprint: its cycles, and the order to generate files in."""

from __future__ import annotations

from graphlib import CycleError, TopologicalSorter

from repowright.artifacts.blueprint import Blueprint
from repowright.errors import BlueprintInvalid


def dependency_graph(bp: Blueprint) -> dict[str, list[str]]:
    """`path -> dependencies`, keeping only edges between distinct files of the tree.

    Dependencies outside the tree and self-dependencies are the validator's business; leaving
    them out here lets cycle detection report only real cycles.
    """
    paths = {f.path for f in bp.files}
    return {
        f.path: [d for d in dict.fromkeys(f.dependencies) if d in paths and d != f.path]
        for f in bp.files
    }


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every dependency cycle, each as `[a, b, ..., a]` where each file depends on the next.

    graphlib reports one cycle at a time, so each found cycle is broken (one edge removed) and
    the search repeats; this ends because every round removes an edge.
    """
    edges = {node: list(deps) for node, deps in graph.items()}
    cycles: list[list[str]] = []
    while True:
        try:
            TopologicalSorter(edges).prepare()
        except CycleError as exc:
            # graphlib lists each node as a predecessor (dependency) of the next one.
            cycle: list[str] = list(exc.args[1])
            cycles.append(cycle[::-1])
            edges[cycle[1]].remove(cycle[0])
            continue
        return cycles


def topological_order(bp: Blueprint) -> list[list[str]]:
    """Files in levels: each level depends only on earlier levels, so a level's files can be
    generated concurrently. Within a level, files keep their blueprint order.

    Raises `BlueprintInvalid` for a dependency outside the tree or a cycle (a validated
    blueprint has neither).
    """
    paths = [f.path for f in bp.files]
    known = set(paths)
    problems = [
        f"{f.path}: depends on itself"
        if d == f.path
        else f"{f.path}: dependency {d!r} is not a file in the tree"
        for f in bp.files
        for d in f.dependencies
        if d not in known or d == f.path
    ]
    problems += [f"dependency cycle: {' -> '.join(c)}" for c in find_cycles(dependency_graph(bp))]
    if problems:
        raise BlueprintInvalid("cannot order the blueprint's files", problems)
    rank = {path: i for i, path in enumerate(paths)}
    sorter = TopologicalSorter(dependency_graph(bp))
    sorter.prepare()
    levels: list[list[str]] = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=rank.__getitem__)
        levels.append(ready)
        sorter.done(*ready)
    return levels
