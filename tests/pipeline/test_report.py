"""report.md: what a reader must see first."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.verdict import Verdict
from repowright.config import Settings
from repowright.models.scripted import ScriptedModel
from repowright.pipeline.report import run_report
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir


async def report_for(tmp_path: Path, isolation: str) -> str:
    run = RunDir.create(tmp_path / "run", "t")
    run.write_json("verdict.json", Verdict(verified=True, isolation=isolation).model_dump())
    await run_report(RunContext(run=run, model=ScriptedModel([]), settings=Settings()))
    return run.path("report.md").read_text()


async def test_code_run_without_a_sandbox_is_said_at_the_top(tmp_path: Path) -> None:
    text = await report_for(tmp_path / "a", "NO SANDBOX (--sandbox none): generated code ...")
    head = "\n".join(text.splitlines()[:6])
    assert "WITHOUT a sandbox" in head
    sandboxed = await report_for(tmp_path / "b", "sandbox bwrap; probed: secrets isolated")
    assert "WITHOUT a sandbox" not in sandboxed and "sandbox bwrap; probed" in sandboxed
