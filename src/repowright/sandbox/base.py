"""The sandbox boundary: untrusted generated code runs only through a `Sandbox`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel


class ExecResult(BaseModel):
    command: list[str]
    returncode: int | None
    stdout: str = ""
    stderr: str = ""
    timed_out: bool = False
    killed_for_memory: bool = False
    killed_for_cpu: bool = False
    duration_s: float = 0.0

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    @property
    def output(self) -> str:
        return "\n".join(part for part in (self.stdout, self.stderr) if part)


class Limits(BaseModel):
    wall_s: float = 300.0
    cpu_s: float | None = None
    memory_mb: int | None = 4096
    output_tail_chars: int = 20_000
    network: bool = False
    file_size_mb: int | None = 1024
    processes: int | None = 512


@runtime_checkable
class Sandbox(Protocol):
    """Runs commands inside one generated repository with limits and a stripped environment.

    `python` is the interpreter generated code runs with; `install` switches it to an
    isolated environment holding the given requirements (the only step allowed network).
    """

    root: Path

    @property
    def python(self) -> str: ...  # read-only here: implementations may compute it

    async def run(
        self,
        command: Sequence[str],
        *,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str = ".",
    ) -> ExecResult: ...

    async def install(
        self, requirements: Sequence[str], *, limits: Limits | None = None
    ) -> ExecResult:
        """Provide an environment with `requirements` (pip specifiers) and use it from now on."""
        ...

    def isolation_report(self) -> str:
        """One line saying how strong the isolation is (e.g. 'network off via unshare -n')."""
        ...
