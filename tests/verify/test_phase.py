"""The `verify` pipeline step: verdict.json, repair.json, events, injected sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from repowright.artifacts.verdict import Verdict
from repowright.cli.app import app
from repowright.config import Settings
from repowright.models.scripted import ScriptedModel
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir
from repowright.sandbox.local import LocalSandbox
from repowright.verify.phase import GENERATED, ProbeRan, VerifyRound, run_verify
from tests.verify.helpers import MINI, blueprint_for, write_repo


def make_run(tmp_path: Path, files: dict[str, str], model: ScriptedModel, **settings) -> RunContext:
    run = RunDir.create(tmp_path / "run", "mini")
    run.write_yaml("blueprint.yaml", blueprint_for(MINI))
    write_repo(run.repo, files)
    return RunContext(
        run=run,
        model=model,
        settings=Settings(**settings),
        sandbox_factory=lambda root: LocalSandbox(
            root, state_dir=tmp_path / "sb", venv_cache=tmp_path / "venvs"
        ),
    )


async def test_clean_repository_verifies(tmp_path: Path) -> None:
    ctx = make_run(tmp_path, MINI, ScriptedModel([]))
    summary = await run_verify(ctx)
    verdict = Verdict.model_validate(ctx.run.read_json("verdict.json"))
    assert summary["verified"] and verdict.verified
    status = {c.name: c.status for c in verdict.checks}
    assert status["import"] == status["tests"] == status["smoke"] == "passed"
    assert "network" in verdict.isolation
    assert all(c.detail for c in verdict.checks if c.status == "skipped")
    assert ctx.run.read_json("repair.json") == []


async def test_failure_is_repaired_and_recorded(tmp_path: Path) -> None:
    broken = {**MINI, "mini/cli.py": MINI["mini/cli.py"].replace("add(int(", "ad(int(")}
    fix = {"edits": [{"file": "mini/cli.py", "search": "ad(int(", "replace": "add(int("}]}
    ctx = make_run(tmp_path, broken, ScriptedModel([fix]), fix_rounds=2, repair="edits")
    summary = await run_verify(ctx)
    generated = ctx.run.root / GENERATED  # the repository before repair, kept for comparison
    assert (generated / "mini/cli.py").read_text() == broken["mini/cli.py"]
    assert (ctx.run.repo / "mini/cli.py").read_text() == MINI["mini/cli.py"]
    verdict = Verdict.model_validate(ctx.run.read_json("verdict.json"))
    assert summary == {"verified": True, "failed_checks": [], "rounds": 1, "fixed": 1}
    assert verdict.fixed == ["round 1: [lint] mini/cli.py:7 Undefined name `ad`"]
    assert verdict.stop_reason == "all checks passed"
    assert [e.round for e in ctx.run.events if isinstance(e, VerifyRound)] == [1]
    assert json.loads((ctx.run.root / "repair.json").read_text())[0]["edits"][0]["ok"]


async def test_unrepaired_failure_is_not_verified(tmp_path: Path) -> None:
    broken = {**MINI, "reproduce.sh": "#!/usr/bin/env bash\npython -m mini.cli --fast 1\n"}
    ctx = make_run(tmp_path, broken, ScriptedModel([]), fix_rounds=0)
    summary = await run_verify(ctx)
    verdict = Verdict.model_validate(ctx.run.read_json("verdict.json"))
    assert not summary["verified"] and summary["failed_checks"] == ["smoke"]
    assert verdict.still_failing[0].startswith("[smoke] mini/cli.py:7 ValueError")
    assert verdict.stop_reason.startswith("repair disabled")


def test_run_has_fix_rounds_flag() -> None:
    result = CliRunner().invoke(app, ["run", "--help"])
    assert result.exit_code == 0 and "--fix-rounds" in result.output


def statuses(ctx: RunContext) -> dict[str, str]:
    return {
        c.name: c.status for c in Verdict.model_validate(ctx.run.read_json("verdict.json")).checks
    }


async def test_a_static_error_only_in_tests_does_not_stop_the_code_running(tmp_path: Path) -> None:
    extra = "\n\ndef test_x():\n    assert add(1, 2, 3) == 6\n"
    in_tests = {**MINI, "tests/test_core.py": MINI["tests/test_core.py"] + extra}
    ctx = make_run(tmp_path, in_tests, ScriptedModel([]), fix_rounds=0)
    await run_verify(ctx)
    status = statuses(ctx)
    assert status["call_arity"] == status["tests"] == "failed"
    assert status["import"] == status["smoke"] == "passed"
    in_code = {**MINI, "mini/cli.py": MINI["mini/cli.py"].replace("int(sys.argv[1]), 2", "1, 2, 3")}
    ctx = make_run(tmp_path / "again", in_code, ScriptedModel([]), fix_rounds=0)
    await run_verify(ctx)
    assert statuses(ctx)["call_arity"] == "failed" and statuses(ctx)["smoke"] == "skipped"


STUB = {"mini/later.py": 'def later():\n    """Not written yet."""\n'}
"""A finding that is not a failing test: edits are then kept without being run against the
tests, and only the loop's best-state rule can undo them."""


async def test_a_repair_that_makes_things_worse_is_undone(tmp_path: Path) -> None:
    wrong = {**MINI, **STUB, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    worse = {"edits": [{"file": "mini/core.py", "search": "a - b", "replace": "a + c"}]}
    ctx = make_run(tmp_path, wrong, ScriptedModel([worse]), fix_rounds=1, repair="edits")
    summary = await run_verify(ctx)
    verdict = Verdict.model_validate(ctx.run.read_json("verdict.json"))
    assert (ctx.run.repo / "mini/core.py").read_text() == wrong["mini/core.py"]
    assert "restored as it was before repair" in verdict.stop_reason
    assert summary["failed_checks"] == ["stubs", "tests"]  # the checks of the restored files


async def test_a_repair_that_fixes_nothing_is_undone(tmp_path: Path) -> None:
    """The edit changes the code and the same test still fails: what it changed was never
    verified, so the files are put back as they were."""
    wrong = {**MINI, **STUB, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    same = {"edits": [{"file": "mini/core.py", "search": "a - b", "replace": "a - b - 0"}]}
    ctx = make_run(tmp_path, wrong, ScriptedModel([same]), fix_rounds=1, repair="edits")
    await run_verify(ctx)
    verdict = Verdict.model_validate(ctx.run.read_json("verdict.json"))
    assert (ctx.run.repo / "mini/core.py").read_text() == wrong["mini/core.py"]
    assert "fixed nothing, so it was restored as it was before repair" in verdict.stop_reason


async def test_each_probe_of_a_repair_candidate_is_logged_with_its_time(tmp_path: Path) -> None:
    """A candidate's sandboxed test run can take minutes: the log says where the time went."""
    wrong = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    right = f"```python\n{MINI['mini/core.py']}```\n"
    ctx = make_run(tmp_path, wrong, ScriptedModel([right] * 4), fix_rounds=1)
    summary = await run_verify(ctx)
    assert summary["verified"]
    probes = [e for e in ctx.run.events if isinstance(e, ProbeRan)]
    assert probes and probes[-1].failing == 0 and probes[-1].seconds >= 0
    assert all(t.startswith("tests/") for e in probes for t in e.tests)
