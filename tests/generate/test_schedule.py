from __future__ import annotations

import asyncio

import pytest

from repowright.generate.schedule import run_dag


async def test_dependencies_first_and_independent_files_overlap() -> None:
    log: list[tuple[str, str]] = []
    running = 0
    peak = 0

    async def work(path: str) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        log.append(("start", path))
        await asyncio.sleep(0.02)
        log.append(("end", path))
        running -= 1

    deps = {"a": [], "b": [], "c": ["a", "b"], "d": ["c"], "e": []}
    await run_dag(list(deps), deps, work, jobs=3)
    pos = {event: i for i, event in enumerate(log)}
    for path, needs in deps.items():
        for dep in needs:
            assert pos[("end", dep)] < pos[("start", path)]
    assert peak == 3


async def test_jobs_limit_and_done_files_are_skipped() -> None:
    seen: list[str] = []
    peak = running = 0

    async def work(path: str) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        seen.append(path)
        await asyncio.sleep(0.01)
        running -= 1

    deps = {p: [] for p in "abcdef"}
    await run_dag(list(deps), deps, work, jobs=2, done={"a", "b"})
    assert sorted(seen) == list("cdef") and peak == 2


async def test_a_failure_surfaces_as_itself() -> None:
    async def work(path: str) -> None:
        if path == "b":
            raise ValueError("boom")
        await asyncio.sleep(0.05)

    with pytest.raises(ValueError, match="boom"):
        await run_dag(["a", "b"], {"a": [], "b": []}, work, jobs=2)
