"""The repair loop with a scripted model: fixes, retries failed matches, stops early."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.artifacts.verdict import Check, Finding, Verdict
from repowright.models.scripted import ScriptedModel
from repowright.sandbox.local import LocalSandbox
from repowright.verify.dynamic import DynamicConfig
from repowright.verify.loop import repair_loop
from repowright.verify.phase import Verifier
from repowright.verify.repair import Repairer
from repowright.verify.rounds import EditRecord, RoundRecord
from tests.verify.helpers import MINI, blueprint_for, write_repo

CONFIG = DynamicConfig(import_timeout_s=5, test_timeout_s=30, smoke_timeout_s=30)


def setup(tmp_path: Path, files: dict[str, str]) -> tuple[Path, Verifier]:
    repo = write_repo(tmp_path / "repo", files)
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    return repo, Verifier(repo, blueprint_for(MINI), sandbox, CONFIG, None)


def edit(file: str, search: str, replace: str) -> dict:
    return {"analysis": "fix", "edits": [{"file": file, "search": search, "replace": replace}]}


async def test_scripted_model_fixes_a_runtime_bug(tmp_path: Path) -> None:
    files = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    repo, verifier = setup(tmp_path, files)
    model = ScriptedModel([edit("mini/core.py", "return a - b", "return a + b")])
    repairer = Repairer(model, repo, blueprint_for(MINI), max_rounds=3, whole=False)
    outcome = await repair_loop(verifier.verify, repairer, 3)
    assert outcome.stop_reason == "all checks passed"
    assert len(outcome.rounds) == 1 and outcome.rounds[0].applied == 1
    assert any("[tests] tests/test_core.py" in item for item in outcome.fixed), outcome.fixed
    assert Verdict.from_checks(outcome.checks).verified
    prompt = model.requests[0].messages[-1].content
    assert "return a - b" in prompt and "tests/test_core.py::test_add" in prompt
    assert "Interfaces of related files" in prompt and "mini/cli.py" in prompt


UNDEFINED = {**MINI, "mini/core.py": "def add(a: int, b: int = 0) -> int:\n    return a + c\n"}


async def test_failed_match_goes_back_to_the_model(tmp_path: Path) -> None:
    repo, verifier = setup(tmp_path, UNDEFINED)
    model = ScriptedModel(
        [
            edit("mini/core.py", "return a + d", "return a + b"),
            edit("mini/core.py", "return a + c", "return a + b"),
        ]
    )
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, whole=False), 2)
    assert [r.tag for r in model.requests] == ["verify_repair", "verify_repair_retry"]
    retry = model.requests[1].messages[-1].content
    assert "could not be applied" in retry and "return a + c" in retry
    assert [e.ok for e in outcome.rounds[0].edits] == [False, True]
    assert not [c for c in outcome.checks if c.status == "failed"]


async def test_same_errors_stop_the_loop_early(tmp_path: Path) -> None:
    repo, verifier = setup(tmp_path, {**UNDEFINED, "README.md": "# mini\n"})
    model = ScriptedModel(lambda request: edit("README.md", "# mini", "# mini tool"))
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, whole=False), 5)
    assert len(outcome.rounds) == 1 and model.calls == 1
    assert outcome.stop_reason.startswith("same errors as after round 0")


async def test_no_applicable_edit_and_disabled_repair(tmp_path: Path) -> None:
    repo, verifier = setup(tmp_path, UNDEFINED)
    model = ScriptedModel([{"analysis": "unsure", "edits": []}])
    outcome = await repair_loop(
        verifier.verify, Repairer(model, repo, match_retries=0, whole=False), 3
    )
    assert outcome.stop_reason == "the model proposed no applicable edit"
    assert model.calls == 1 and len(outcome.rounds) == 1  # the same prompt is not asked again
    idle = ScriptedModel([])
    disabled = await repair_loop(verifier.verify, Repairer(idle, repo, whole=False), 0)
    assert disabled.stop_reason.startswith("repair disabled") and idle.calls == 0


async def test_unusable_repair_plan_stops_the_loop_and_keeps_applied_edits(
    tmp_path: Path,
) -> None:
    repo, verifier = setup(tmp_path, UNDEFINED)
    model = ScriptedModel(["not json"] * 3)
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, whole=False), 3)
    assert outcome.stop_reason.startswith("no usable repair plan") and not outcome.rounds
    assert [c for c in outcome.checks if c.status == "failed"], "the checks still fail"
    half = ScriptedModel(
        [
            {"analysis": "two", "edits": [
                {"file": "README.md", "search": "# mini", "replace": "# mini tool"},
                {"file": "mini/core.py", "search": "return a + d", "replace": "return a + b"},
            ]},
            *["not json"] * 3,
        ]
    )  # fmt: skip
    write_repo(repo, {"README.md": "# mini\n"})
    record = await Repairer(half, repo, whole=False).repair([], 1)
    assert [(e.file, e.ok) for e in record.edits] == [("mini/core.py", False), ("README.md", True)]


def test_context_uses_fresh_memory_and_reextracts_stale(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", UNDEFINED)
    cli = MINI["mini/cli.py"]
    memory = {
        "mini/cli.py": MemoryEntry(
            path="mini/cli.py",
            purpose="command line",
            interface=[InterfaceItem(name="main", kind="function", signature="def main() -> int")],
            sha256=hashlib.sha256(cli.encode()).hexdigest(),
        ),
    }
    stale = MemoryEntry(path="tests/test_core.py", purpose="tests", sha256="0" * 64)
    memory[stale.path] = stale
    repairer = Repairer(ScriptedModel([]), repo, memory=memory)

    ctx = repairer.context([Finding(file="mini/core.py", line=2, message="x", check="lint")], 1)
    related = {e.path: e for e in ctx["related"]}
    assert related["mini/cli.py"].interface == memory["mini/cli.py"].interface
    assert related["tests/test_core.py"].purpose == "tests"
    assert [i.name for i in related["tests/test_core.py"].interface] == ["test_add"]
    assert ctx["files"][0]["content"] == UNDEFINED["mini/core.py"]


def test_verdict_requires_compile_and_import() -> None:
    ok = [Check(name="compile", status="passed"), Check(name="import", status="passed")]
    assert Verdict.from_checks(ok).verified
    assert Verdict.from_checks([*ok, Check(name="drift", status="warning")]).verified
    assert not Verdict.from_checks([ok[0], Check(name="import", status="skipped")]).verified
    failed = Verdict.from_checks([*ok, Check(name="tests", status="failed", detail="boom")])
    assert not failed.verified and failed.still_failing == ["[tests] boom"]


async def test_rounds_fixed_without_the_model_do_not_use_up_the_fix_rounds(
    tmp_path: Path,
) -> None:
    """A deterministic fix (an import) costs seconds: the model still gets its rounds after it."""
    repo = write_repo(tmp_path / "repo", {"m.py": "x = 1\n"})
    calls: list[int] = []

    class Stub(Repairer):
        async def repair(self, findings: list[Finding], round_no: int) -> RoundRecord:
            calls.append(round_no)
            record = RoundRecord(round=round_no, model_free=round_no <= 2)
            record.edits.append(EditRecord(file="m.py", ok=True, how="stub"))
            return record

    async def verify() -> list[Check]:  # a different failure each time: never "same errors"
        finding = Finding(message=f"failure {len(calls)}", check="tests", file="m.py")
        return [Check(name="tests", status="failed", findings=[finding])]

    stub = Stub(ScriptedModel([]), repo)
    outcome = await repair_loop(verify, stub, 1)
    assert calls == [1, 2, 3]  # two free rounds, then the one model round
    assert outcome.stop_reason.startswith("fix rounds exhausted (1 and 2 fixed without the model)")
    calls.clear()
    assert (await repair_loop(verify, stub, 0)).rounds == [] and calls == []


@pytest.mark.parametrize("replace", ["return a * b", "return a + b"])
async def test_an_edit_is_kept_only_when_fewer_failing_tests_fail(
    tmp_path: Path, replace: str
) -> None:
    files = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    repo, verifier = setup(tmp_path, files)
    model = ScriptedModel([edit("mini/core.py", "return a - b", replace)])
    repairer = Repairer(model, repo, whole=False, probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 3)
    if replace.endswith("+ b"):
        assert outcome.stop_reason == "all checks passed" and outcome.rounds[0].applied == 1
        return
    assert (repo / "mini/core.py").read_text() == files["mini/core.py"]
    assert outcome.stop_reason == "the edits made no fewer of the failing tests fail: undone"
    assert [(e.ok, e.error) for e in outcome.rounds[0].edits] == [(False, outcome.stop_reason)]


async def test_a_round_that_tried_something_new_in_vain_is_followed_by_another(
    tmp_path: Path,
) -> None:
    """A failed round leaves the next statement or file to blame untried: the loop goes on
    while rounds remain, and ends when a round has nothing new to ask."""
    repo = write_repo(tmp_path / "repo", {"m.py": "x = 1\n"})
    plan = [(True, False), (True, True)]  # (fresh, applied) per round

    class Stub(Repairer):
        async def repair(self, findings: list[Finding], round_no: int) -> RoundRecord:
            fresh, applied = plan[round_no - 1] if round_no <= len(plan) else (False, False)
            record = RoundRecord(round=round_no, fresh=fresh)
            record.edits.append(EditRecord(file="m.py", ok=applied, error="" if applied else "no"))
            return record

    async def verify() -> list[Check]:
        finding = Finding(message=f"failure {len(plan)}", check="tests", file="m.py")
        return [Check(name="tests", status="failed", findings=[finding])]

    outcome = await repair_loop(verify, Stub(ScriptedModel([]), repo), 3)
    assert [(r.round, r.applied) for r in outcome.rounds] == [(1, 0), (2, 1)]
    assert outcome.stop_reason.startswith("same errors as after round 0")
    plan[1] = (False, False)
    outcome = await repair_loop(verify, Stub(ScriptedModel([]), repo), 3)
    assert [r.round for r in outcome.rounds] == [1]
    assert outcome.stop_reason == "the model proposed no applicable edit"
    plan[:] = [(True, False)] * 3
    outcome = await repair_loop(verify, Stub(ScriptedModel([]), repo), 2)
    assert [r.round for r in outcome.rounds] == [1, 2]
    assert outcome.stop_reason == "fix rounds exhausted (2)"
