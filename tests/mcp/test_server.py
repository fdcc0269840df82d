"""`repowright mcp` driven by the MCP SDK's own client over stdio: a real protocol session."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from mcp import Client
from mcp.client.stdio import StdioServerParameters

from tests.conftest import slow_script
from tests.grading.helpers import PAPER, sample_rubric, write_json

TOOLS = {"ingest", "plan", "run", "resume", "status", "cancel", "grade", "reproduce"}


@asynccontextmanager
async def session(workspace: Path) -> AsyncIterator[Client]:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "repowright", "mcp", "--workspace", str(workspace)],
        env={"PYTHONPATH": os.pathsep.join(sys.path)},
        cwd=workspace,
    )
    async with Client(params, read_timeout_seconds=120) as client:
        yield client


async def call(client: Client, tool: str, **arguments: object) -> dict:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    return result.structured_content or {}


async def test_tools_ingest_and_confinement(demo_spec: Path) -> None:
    workspace = demo_spec.parent
    (workspace / "escape").symlink_to("/etc")
    async with session(workspace) as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        assert tools >= TOOLS
        outline = await call(client, "ingest", path="todo_cli.md")
        assert outline["total_tokens"] > 0 and outline["sections"]
        for path in ("/etc/passwd", "../outside.md", "escape/passwd"):
            refused = await client.call_tool("ingest", {"path": path})
            assert refused.is_error and "outside the workspace" in refused.content[0].text
        refusals = {
            "sandbox": ("none", "Input should be"),  # never off from a tool argument
            "model": ("openai-compat:http://evil.example/v1#m", "cannot be chosen"),
        }
        for key, (value, why) in refusals.items():
            bad = await client.call_tool("run", {"input": "todo_cli.md", key: value})
            assert bad.is_error and why in bad.content[0].text, bad.content
        bad = await client.call_tool("run", {"spec": "x", "model": "scripted:/etc/passwd"})
        assert bad.is_error and "outside the workspace" in bad.content[0].text
        assert not (workspace / "runs").exists()  # nothing started, nothing left behind


async def test_run_to_a_verified_verdict_with_progress(demo_spec: Path, demo_script: Path) -> None:
    workspace = demo_spec.parent
    lines: list[str] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        lines.append(message or "")

    async with session(workspace) as client:
        args = {"input": "todo_cli.md", "model": f"scripted:{demo_script.name}", "wait": True}
        result = await client.call_tool("run", args, progress_callback=on_progress)
        assert not result.is_error, result.content
        status = result.structured_content
        assert status["state"] == "finished" and status["verified"] is True
        assert status["run_dir"].startswith("runs/")
        assert any(line.startswith("generate") for line in lines), lines
        again = await call(client, "status", run_dir=status["run_dir"])
        assert again["status"] == "verified" and again["files"] > 0
        uri = next(u for u in again["resources"] if u.endswith("report.md"))
        report = await client.read_resource(uri)
        assert "VERIFIED" in report.contents[0].text
        source = await client.read_resource(f"repowright://{status['run_dir']}/repo/README.md")
        assert source.contents[0].text.strip()


async def test_status_answers_during_a_run_and_cancel_stops_it(
    demo_spec: Path, demo_script: Path
) -> None:
    workspace = demo_spec.parent
    slow = slow_script(demo_script, delay_s=2.0)
    async with session(workspace) as client:
        args = {"input": "todo_cli.md", "model": f"scripted:{slow.name}"}
        started = await call(client, "run", **args)
        assert started["state"] == "running"
        run_dir = started["run_dir"]
        for _ in range(100):  # status answers while the run works
            status = await call(client, "status", run_dir=run_dir)
            if status["phase"] == "generate":
                break
            await asyncio.sleep(0.2)
        assert status["state"] == "running" and "blueprint" in status["steps_done"]
        stopped = await call(client, "cancel", run_dir=run_dir)
        assert stopped["state"] == "cancelled" and "verify" not in stopped["steps_done"]
        resumed = await call(client, "resume", run_dir=run_dir, wait=True)
        assert resumed["status"] == "verified"


async def test_a_waiting_run_cancelled_by_the_client_stops(
    demo_spec: Path, demo_script: Path
) -> None:
    workspace = demo_spec.parent
    slow = slow_script(demo_script, delay_s=2.0)
    async with session(workspace) as client:
        seen = asyncio.Event()

        async def on_progress(progress: float, total: float | None, message: str | None) -> None:
            if (message or "").startswith("generate"):
                seen.set()

        args = {"input": "todo_cli.md", "model": f"scripted:{slow.name}", "wait": True}
        waiting = asyncio.create_task(client.call_tool("run", args, progress_callback=on_progress))
        await asyncio.wait_for(seen.wait(), 60)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        runs = list((workspace / "runs").iterdir())
        assert len(runs) == 1
        for _ in range(50):
            status = await call(client, "status", run_dir=f"runs/{runs[0].name}")
            if status["state"] != "running":
                break
            await asyncio.sleep(0.2)
        assert status["state"] == "cancelled" and status["status"] == "in progress"


async def test_plan_then_resume_with_an_edited_blueprint(
    demo_spec: Path, demo_script: Path
) -> None:
    workspace = demo_spec.parent
    async with session(workspace) as client:
        planned = await call(
            client, "plan", input="todo_cli.md", model=f"scripted:{demo_script.name}"
        )
        assert planned["run"]["status"] == "blueprint_ready"
        blueprint = planned["blueprint"]
        blueprint["summary"] = "Edited by the client."
        run_dir = planned["run"]["run_dir"]
        broken = await client.call_tool(
            "resume", {"run_dir": run_dir, "blueprint": {"files": "nope"}}
        )
        assert broken.is_error and "blueprint is not valid" in broken.content[0].text
        done = await call(client, "resume", run_dir=run_dir, blueprint=blueprint, wait=True)
        assert done["status"] == "verified"
        assert "Edited by the client." in (workspace / run_dir / "blueprint.yaml").read_text()


async def test_streamable_http_on_loopback(demo_spec: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    args = ["-m", "repowright", "mcp", "--http", f"127.0.0.1:{port}"]
    server = await asyncio.create_subprocess_exec(
        sys.executable, *args, "--workspace", str(demo_spec.parent), env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                async with Client(f"http://127.0.0.1:{port}/mcp") as client:
                    outline = await call(client, "ingest", path="todo_cli.md")
                    break
            except Exception:  # not listening yet
                await asyncio.sleep(0.2)
        assert outline["sections"]
    finally:
        server.terminate()
        await server.wait()


def test_http_address_is_checked() -> None:
    from typer.testing import CliRunner

    from repowright.cli.app import app

    result = CliRunner().invoke(app, ["mcp", "--http", "localhost:http"])
    assert result.exit_code == 2 and "HOST:PORT" in result.output


async def test_reproduce_then_grade(tmp_path: Path) -> None:
    (tmp_path / "paper.md").write_text(PAPER, encoding="utf-8")
    write_json(tmp_path / "rubric.json", sample_rubric())
    write_json(tmp_path / "judge.json", {"default": {"explanation": "yes", "score": 1}})
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "main.py").write_text("open('result.txt', 'w').write('[1, 2, 3]')\n")
    (repo / "reproduce.sh").write_text("set -e\npython3 main.py\n")
    async with session(tmp_path) as client:
        record = await call(client, "reproduce", repo="repo", timeout_s=60)
        assert record["returncode"] == 0 and "result.txt" in record["produced_files"]
        graded = await call(
            client, "grade", repo="repo", paper="paper.md", rubric="rubric.json",
            model="scripted:judge.json",
        )  # fmt: skip
        assert graded["summary"]["score"] == 1.0 and graded["out"].startswith("grades/")
        assert (tmp_path / graded["out"]).is_file()
