"""Runs the MCP server started, working in the background while the server answers.

A run takes minutes to hours; the tool that starts it returns at once (or waits, forwarding
progress), and `status` must answer meanwhile. Each job is an asyncio task driving the
pipeline; its progress lines fan out to whoever waits on it. Cancelling the task stops the
run at its next await: every step's artifact is already on disk and the event log is
append-only, so `resume` continues from the last completed step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from repowright.errors import RepowrightError

Listener = Callable[[str], None]


@dataclass
class ProgressFanout:
    """The pipeline's `Progress`, turned into lines for the job's listeners."""

    listeners: list[Listener] = field(default_factory=list)
    last: str = ""
    count: int = 0
    _totals: dict[str, int | None] = field(default_factory=dict)
    _done: dict[str, int] = field(default_factory=dict)

    def phase(self, name: str, total: int | None = None) -> None:
        self._totals[name] = total
        self._done.setdefault(name, 0)
        self._emit(f"{name}: started" + (f" ({total} items)" if total else ""))

    def advance(self, name: str, note: str = "") -> None:
        self._done[name] = self._done.get(name, 0) + 1
        total = self._totals.get(name)
        count = f"{self._done[name]}/{total}" if total else str(self._done[name])
        self._emit(f"{name} {count}" + (f": {note}" if note else ""))

    def info(self, message: str) -> None:
        self._emit(message)

    def _emit(self, line: str) -> None:
        self.last, self.count = line, self.count + 1
        for listener in list(self.listeners):
            listener(line)


@dataclass
class Job:
    run_dir: Path
    task: asyncio.Task[str]
    progress: ProgressFanout

    @property
    def state(self) -> str:
        if not self.task.done():
            return "running"
        if self.task.cancelled():
            return "cancelled"
        return "failed" if self.task.exception() else "finished"

    @property
    def error(self) -> str:
        if self.task.done() and not self.task.cancelled() and (exc := self.task.exception()):
            return str(exc) if isinstance(exc, RepowrightError) else f"{type(exc).__name__}: {exc}"
        return ""


class Jobs:
    """The server's background runs, by run directory."""

    def __init__(self) -> None:
        self._jobs: dict[Path, Job] = {}

    def get(self, run_dir: Path) -> Job | None:
        return self._jobs.get(run_dir)

    def start(self, run_dir: Path, work: Callable[[ProgressFanout], Awaitable[str]]) -> Job:
        """Start `work` (which returns the run's status) unless this run is already going."""
        current = self._jobs.get(run_dir)
        if current is not None and current.state == "running":
            raise RepowrightError(f"{run_dir} is already running")
        progress = ProgressFanout()

        async def body() -> str:
            return await work(progress)

        job = Job(run_dir, asyncio.get_running_loop().create_task(body()), progress)
        job.task.add_done_callback(_consume)
        self._jobs[run_dir] = job
        return job

    async def wait(self, job: Job, on_line: Listener) -> None:
        """Wait for `job`, passing its progress lines on; if the waiter is cancelled (the client
        cancelled its request), the job is cancelled too."""
        job.progress.listeners.append(on_line)
        try:  # the job's own error is not the waiter's: its state reports it
            await asyncio.gather(asyncio.shield(job.task), return_exceptions=True)
        except asyncio.CancelledError:
            if not job.task.done():
                job.task.cancel()
                await asyncio.gather(job.task, return_exceptions=True)
            raise
        finally:
            job.progress.listeners.remove(on_line)

    async def cancel(self, run_dir: Path) -> Job | None:
        job = self._jobs.get(run_dir)
        if job is not None and not job.task.done():
            job.task.cancel()
            await asyncio.gather(job.task, return_exceptions=True)
        return job

    async def close(self) -> None:
        for run_dir in list(self._jobs):
            await self.cancel(run_dir)


def _consume(task: asyncio.Task[str]) -> None:
    """Read a finished job's exception so asyncio does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()
