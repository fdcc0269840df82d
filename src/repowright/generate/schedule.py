"""Dependency-ordered concurrency: a file starts as soon as its own dependencies are done."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def run_dag(
    order: list[str],
    deps: dict[str, list[str]],
    work: Callable[[str], Awaitable[None]],
    *,
    jobs: int,
    done: Iterable[str] = (),
) -> None:
    """Run `work(path)` for every path not in `done`, at most `jobs` at a time.

    `order` must be topological (the blueprint validator guarantees a DAG). A failure cancels
    the files still running or waiting (TaskGroup), so the step fails promptly and resumes
    later from the files that finished.
    """
    finished = {path: asyncio.Event() for path in order}
    for path in done:
        if path in finished:
            finished[path].set()
    slots = asyncio.Semaphore(jobs)

    async def one(path: str) -> None:
        for dep in deps.get(path, []):
            if dep in finished:
                await finished[dep].wait()
        async with slots:
            await work(path)
        finished[path].set()

    try:
        async with asyncio.TaskGroup() as group:
            for path in order:
                if not finished[path].is_set():
                    group.create_task(one(path))
    except BaseExceptionGroup as errors:
        # Concurrent files often fail for one shared reason (a budget, an auth error):
        # surface the first one as itself so callers handle it like a sequential failure.
        raise _first(errors) from None


def _first(group: BaseExceptionGroup) -> BaseException:
    error = group.exceptions[0]
    return _first(error) if isinstance(error, BaseExceptionGroup) else error
