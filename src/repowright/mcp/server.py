"""`repowright mcp`: the pipeline as Model Context Protocol tools and resources.

Tools: ingest, plan, run, resume, status, cancel, grade, reproduce. `run`, `resume` and
`plan` start a background job; with `wait` they also follow it, sending each progress line
as a progress notification, and a client's cancellation of that request stops the run (it
can be resumed). Without `wait` they return the run directory at once; `status` answers
while it works. Resources: `repowright://runs/<run>/<file>` for a run's report.md,
blueprint.yaml, verdict.json and generated files (`repo/...`). Every path is confined to
the workspace; API keys come only from the server's environment.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal, ParamSpec, TypeVar

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from repowright import __version__
from repowright.errors import RepowrightError
from repowright.grading.reproduce import Reproduction
from repowright.mcp.jobs import Job, Jobs
from repowright.mcp.schema import GradeResult, Outline, PlanResult, RunStatus
from repowright.mcp.service import Service
from repowright.mcp.workspace import Workspace
from repowright.runs.progress import QuietProgress

P = ParamSpec("P")
T = TypeVar("T")
Sandbox = Literal["auto", "bwrap", "namespaces", "docker"]
INSTRUCTIONS = (
    "repowright turns a paper or spec into a verified code repository. `ingest` shows a "
    "document's outline; `plan` returns the Implementation Blueprint for review (edit it and "
    "pass it to `resume`); `run` starts the whole pipeline (wait=false returns at once: poll "
    "`status`); `grade` and `reproduce` measure a repository. Paths are relative to the "
    "workspace the server was started in."
)


def _tool_errors(fn: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """A user mistake (bad path, unknown model, budget) is a tool error with one clear line."""

    @functools.wraps(fn)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await fn(*args, **kwargs)
        except RepowrightError as exc:
            raise ToolError(str(exc)) from None

    return wrapper


async def follow(jobs: Jobs, job: Job, ctx: Context) -> None:
    """Wait for `job`, sending its progress lines to the client as progress notifications."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    sent = 0

    async def send(line: str) -> None:
        nonlocal sent
        sent += 1
        await ctx.report_progress(sent, None, line)

    async def forward() -> None:
        while True:
            await send(await queue.get())

    forwarder = asyncio.create_task(forward())
    try:
        await jobs.wait(job, queue.put_nowait)
    finally:
        forwarder.cancel()
        await asyncio.gather(forwarder, return_exceptions=True)
    while not queue.empty():
        await send(queue.get_nowait())


def build_server(workspace: Path, jobs: Jobs | None = None) -> MCPServer:
    """The MCP server for `workspace` (tests drive it in-process or over stdio)."""
    jobs = jobs or Jobs()
    service = Service(Workspace.at(workspace), jobs)

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[None]:
        try:
            yield
        finally:  # the client went away: stop every run at a checkpoint (resumable)
            await jobs.close()

    server = MCPServer(
        "repowright",
        version=__version__,
        instructions=INSTRUCTIONS,
        log_level="WARNING",  # a refused tool call is the client's to show, not a server log
        lifespan=lifespan,
    )

    async def started(job: Job, wait: bool, ctx: Context) -> RunStatus:
        if wait:
            await follow(jobs, job, ctx)
        return service.status(job.run_dir)

    @server.tool()
    @_tool_errors
    async def ingest(path: str) -> Outline:
        """Parse a paper or spec (PDF, Markdown, LaTeX, HTML, text) and return its outline
        with token counts."""
        return await asyncio.to_thread(service.ingest, path)

    @server.tool()
    @_tool_errors
    async def plan(
        ctx: Context,
        input: str | None = None,
        spec: str | None = None,
        model: str | None = None,
        max_cost: float | None = None,
    ) -> PlanResult:
        """Plan a repository for a paper (`input`, a workspace path) or a plain-language
        `spec`: returns the Implementation Blueprint without writing code. Edit it and pass it
        to `resume` with the run directory to generate and verify."""
        settings = service.settings(model=model, max_cost=max_cost, review=True)
        job = service.start(input, spec, settings)
        status = await started(job, True, ctx)
        return PlanResult(run=status, blueprint=service.blueprint(job.run_dir))

    @server.tool()
    @_tool_errors
    async def run(
        ctx: Context,
        input: str | None = None,
        spec: str | None = None,
        model: str | None = None,
        max_cost: float | None = None,
        max_tokens: int | None = None,
        max_calls: int | None = None,
        fix_rounds: int | None = None,
        replan_rounds: int | None = None,
        sandbox: Sandbox | None = None,
        wait: bool = False,
    ) -> RunStatus:
        """Generate and verify a repository from a paper (`input`) or a `spec`. Returns the
        run directory at once (poll `status`), or with `wait` when it ends, sending progress
        notifications meanwhile; cancelling a waiting call stops the run (resumable)."""
        settings = service.settings(
            model=model,
            max_cost=max_cost,
            max_tokens=max_tokens,
            max_calls=max_calls,
            fix_rounds=fix_rounds,
            replan_rounds=replan_rounds,
            sandbox=sandbox,
        )
        return await started(service.start(input, spec, settings), wait, ctx)

    @server.tool()
    @_tool_errors
    async def resume(
        ctx: Context,
        run_dir: str,
        blueprint: dict[str, Any] | None = None,
        max_cost: float | None = None,
        max_tokens: int | None = None,
        max_calls: int | None = None,
        sandbox: Sandbox | None = None,
        wait: bool = False,
    ) -> RunStatus:
        """Continue a run from its last completed step (after `plan`, a budget stop, a
        cancellation or a crash); `blueprint` replaces the plan before generation starts."""
        overrides = {
            "max_cost": max_cost,
            "max_tokens": max_tokens,
            "max_calls": max_calls,
            "sandbox": sandbox,
        }
        return await started(service.resume(run_dir, blueprint, overrides), wait, ctx)

    @server.tool()
    @_tool_errors
    async def status(run_dir: str) -> RunStatus:
        """A run's state: running or not, steps done, files, tokens, cost, verdict."""
        return service.status(run_dir)

    @server.tool()
    @_tool_errors
    async def cancel(run_dir: str) -> RunStatus:
        """Stop a run this server is running at its next checkpoint (resume continues it)."""
        await jobs.cancel(service.open(run_dir).root)
        return service.status(run_dir)

    @server.tool()
    @_tool_errors
    async def grade(
        repo: str,
        paper: str,
        rubric: str,
        model: str | None = None,
        code_dev: bool = False,
        max_cost: float | None = None,
    ) -> GradeResult:
        """Grade a repository against a PaperBench rubric.json with an LLM judge."""
        return await service.grade(repo, paper, rubric, model, code_dev, max_cost, QuietProgress())

    @server.tool()
    @_tool_errors
    async def reproduce(
        repo: str, timeout_s: float = 3600.0, memory_mb: int = 8192
    ) -> Reproduction:
        """Run a repository's reproduce.sh in the sandbox without network; writes
        reproduce.log and reproduce.json into it."""
        return await service.reproduce(repo, timeout_s, memory_mb)

    @server.resource("repowright://runs/{run}/{+file}", mime_type="text/plain")
    def run_file(run: str, file: str) -> str:
        """A run's report.md, blueprint.yaml, verdict.json, or a generated file (repo/...)."""
        try:
            return service.read(f"runs/{run}", file)
        except RepowrightError as exc:
            raise ValueError(str(exc)) from None

    return server
