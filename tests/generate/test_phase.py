"""The generate step with a scripted model: memory, drift, truncation, resume, ablations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repowright.artifacts.blueprint import Blueprint, FileSpec, Symbol
from repowright.code.python import load_memory
from repowright.config import Settings
from repowright.documents.build import build_document
from repowright.generate.events import FileGenerated, FileGenerationFailed, InterfaceDrift
from repowright.generate.phase import TEST_MAX_TOKENS, run_generate
from repowright.models.base import ModelRequest
from repowright.models.scripted import ScriptedModel, ScriptedReply
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir

BP = Blueprint(
    project_name="calc",
    files=[
        FileSpec(
            path="calc/ops.py",
            purpose="arithmetic",
            interface=[Symbol(name="add", signature="def add(a, b)"), Symbol(name="mul")],
        ),
        FileSpec(path="calc/cli.py", purpose="command line", dependencies=["calc/ops.py"]),
        FileSpec(path="README.md", purpose="docs"),
        FileSpec(path="reproduce.sh", purpose="run", dependencies=["calc/cli.py"]),
    ],
)
FILES = {
    "calc/ops.py": "def add(a, b):\n    return a + b\n",
    "calc/cli.py": "from calc.ops import add\n\nprint(add(1, 2))\n",
    "README.md": "# calc\n",
    "reproduce.sh": "python -m calc.cli\n",
}


def make_ctx(tmp_path: Path, model, **settings) -> RunContext:
    run = RunDir.create(tmp_path / "run", "t")
    run.write_yaml("blueprint.yaml", BP)
    return RunContext(run=run, model=model, settings=Settings(**settings))


def by_path(overrides: dict[str, list] | None = None):
    queues = {k: list(v) for k, v in (overrides or {}).items()}

    def reply(request: ModelRequest):
        path = request.tag.removeprefix("generate:")
        if queues.get(path):
            return queues[path].pop(0)
        return f"```\n{FILES[path]}```"

    return reply


async def test_files_memory_and_drift(tmp_path: Path) -> None:
    model = ScriptedModel(by_path())
    ctx = make_ctx(tmp_path, model, jobs=2)
    summary = await run_generate(ctx)
    assert summary["generated"] == 4 and summary["failed"] == []
    assert (ctx.run.repo / "calc/cli.py").read_text() == FILES["calc/cli.py"]
    memory = load_memory(ctx.run.path("memory.jsonl"))
    assert [i.name for i in memory["calc/ops.py"].interface] == ["add"]
    assert memory["calc/cli.py"].depends_on == ["calc/ops.py"]
    drift = json.loads(ctx.run.path("drift.json").read_text())
    assert drift == [{"path": "calc/ops.py", "missing": ["mul"], "changed": []}]
    assert any(isinstance(e, InterfaceDrift) for e in ctx.run.events)
    cli_prompt = next(r for r in model.requests if r.tag == "generate:calc/cli.py")
    text = cli_prompt.messages[-1].content
    assert "def add(a, b)" in text and "missing mul" in text
    assert "return a + b" not in text  # CodeMem: interfaces, not source
    script = next(r for r in model.requests if r.tag == "generate:reproduce.sh")
    text = script.messages[-1].content
    assert "### calc/cli.py" in text and "calc/ops.py" not in text  # direct dependencies only


async def test_full_mode_sends_sources_and_none_sends_nothing(tmp_path: Path) -> None:
    full = ScriptedModel(by_path())
    await run_generate(make_ctx(tmp_path / "f", full, memory="full", jobs=1))
    prompt = next(r for r in full.requests if r.tag == "generate:calc/cli.py")
    assert "return a + b" in prompt.messages[-1].content
    none = ScriptedModel(by_path())
    await run_generate(make_ctx(tmp_path / "n", none, memory="none", jobs=1))
    prompt = next(r for r in none.requests if r.tag == "generate:calc/cli.py")
    assert "def add" not in prompt.messages[-1].content


async def test_a_test_file_sees_the_code_it_tests(tmp_path: Path) -> None:
    test_file = FileSpec(path="tests/test_ops.py", purpose="tests", dependencies=["calc/ops.py"])
    bp = BP.model_copy(update={"files": [*BP.files, test_file]})
    files = {**FILES, "tests/test_ops.py": "from calc.ops import add\n"}
    model = ScriptedModel(lambda r: f"```\n{files[r.tag.removeprefix('generate:')]}```")
    ctx = make_ctx(tmp_path, model, jobs=1)
    ctx.run.write_yaml("blueprint.yaml", bp)
    await run_generate(ctx)
    text = next(r for r in model.requests if r.tag == "generate:tests/test_ops.py")
    assert "return a + b" in text.messages[-1].content and "capsys" in text.messages[-1].content


async def test_truncated_reply_is_regenerated(tmp_path: Path) -> None:
    cut = ScriptedReply("def add(a, b):\n    return (a +", finish_reason="length")
    model = ScriptedModel(by_path({"calc/ops.py": [cut]}))
    ctx = make_ctx(tmp_path, model)
    await run_generate(ctx)
    calls = [r for r in model.requests if r.tag == "generate:calc/ops.py"]
    assert len(calls) == 2 and "cut off" in calls[1].messages[-1].content
    assert [c.temperature for c in calls] == [0.0, 0.4]  # the retry samples
    assert (ctx.run.repo / "calc/ops.py").read_text() == FILES["calc/ops.py"]
    done = [e for e in ctx.run.events if isinstance(e, FileGenerated)]
    assert next(e for e in done if e.path == "calc/ops.py").attempts == 2


async def test_a_test_file_cut_off_in_a_list_of_cases_is_asked_for_a_few_cases(
    tmp_path: Path,
) -> None:
    test_file = FileSpec(path="tests/test_ops.py", purpose="tests", dependencies=["calc/ops.py"])
    bp = BP.model_copy(update={"files": [*BP.files, test_file]})
    cases = "".join(f"    ({n}, {n}, {2 * n}),\n" for n in range(200))
    runaway = "import pytest\n\n@pytest.mark.parametrize('a, b, s', [\n" + cases
    good = "from calc.ops import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
    model = ScriptedModel(
        by_path({"tests/test_ops.py": [ScriptedReply(runaway, finish_reason="length"), good]})
    )
    ctx = make_ctx(tmp_path, model, jobs=1)
    ctx.run.write_yaml("blueprint.yaml", bp)
    await run_generate(ctx)
    calls = [r for r in model.requests if r.tag == "generate:tests/test_ops.py"]
    assert len(calls) == 2 and {c.max_tokens for c in calls} == {TEST_MAX_TOKENS}
    assert {r.max_tokens for r in model.requests if r not in calls} == {None}
    assert "one for each behaviour the document states" in calls[1].messages[-1].content
    assert "more concisely" not in calls[1].messages[-1].content
    assert (ctx.run.repo / "tests/test_ops.py").read_text() == good


async def test_a_stub_is_asked_again_and_the_last_try_is_kept(tmp_path: Path) -> None:
    stub = 'def add(a, b):\n    """Add."""\n    # Implementation goes here\n'
    model = ScriptedModel(by_path({"calc/ops.py": [stub, stub, stub]}))
    ctx = make_ctx(tmp_path, model, jobs=1)
    summary = await run_generate(ctx)
    calls = [r for r in model.requests if r.tag == "generate:calc/ops.py"]
    assert len(calls) == 3 and "add has no implementation" in calls[1].messages[-1].content
    assert "calc/ops.py" not in summary["failed"]  # kept: verification reports the stub
    assert (ctx.run.repo / "calc/ops.py").read_text() == stub


async def test_persistently_empty_file_is_reported_not_done(tmp_path: Path) -> None:
    model = ScriptedModel(by_path({"README.md": ["", "", ""]}))
    ctx = make_ctx(tmp_path, model)
    summary = await run_generate(ctx)
    assert summary["failed"] == ["README.md"]
    failed = [e for e in ctx.run.events if isinstance(e, FileGenerationFailed)]
    assert failed[0].path == "README.md" and "empty" in failed[0].reason


async def test_resume_after_failure_skips_finished_files(tmp_path: Path) -> None:
    model = ScriptedModel(by_path({"calc/cli.py": [RuntimeError("crash")]}))
    ctx = make_ctx(tmp_path, model, jobs=1)
    with pytest.raises(RuntimeError):
        await run_generate(ctx)
    first = {r.tag for r in model.requests}
    again = ScriptedModel(by_path())
    ctx.model = again
    summary = await run_generate(ctx)
    assert "generate:calc/ops.py" in first
    assert "generate:calc/ops.py" not in {r.tag for r in again.requests}
    assert summary["reused"] >= 1 and (ctx.run.repo / "reproduce.sh").exists()


async def test_budget_drops_document_context_first(tmp_path: Path) -> None:
    model = ScriptedModel(by_path())
    ctx = make_ctx(tmp_path, model, context_budget=1000)
    await run_generate(ctx)
    events = [e for e in ctx.run.events if isinstance(e, FileGenerated)]
    assert all(not e.dropped for e in events)  # small prompts fit: nothing dropped


async def test_a_signature_the_document_states_is_asked_for_again_when_changed(
    tmp_path: Path,
) -> None:
    spec = "# Calc\n\n- `calc/ops.py`: `add(a: int, b: int) -> int` adds.\n"
    bp = BP.model_copy(
        update={
            "files": [
                FileSpec(
                    path="calc/ops.py",
                    purpose="arithmetic",
                    interface=[Symbol(name="add", signature="add(a: int, b: int) -> int")],
                ),
                *BP.files[1:],
            ]
        }
    )
    changed = "def add(numbers: list[int]) -> int:\n    return sum(numbers)\n"
    model = ScriptedModel(by_path({"calc/ops.py": [changed]}))
    ctx = make_ctx(tmp_path, model, jobs=1)
    ctx.run.write_yaml("blueprint.yaml", bp)
    ctx.run.write_document(build_document(spec, source="spec.md", kind="markdown"))
    await run_generate(ctx)
    calls = [r for r in model.requests if r.tag == "generate:calc/ops.py"]
    assert len(calls) == 2
    assert "`add(numbers)` where the document states `add(a: int, b: int) -> int`" in (
        calls[1].messages[-1].content
    )
    assert (ctx.run.repo / "calc/ops.py").read_text() == FILES["calc/ops.py"]


async def test_tests_that_check_nothing_they_set_up_are_asked_for_again(tmp_path: Path) -> None:
    test_file = FileSpec(path="tests/test_ops.py", purpose="tests", dependencies=["calc/ops.py"])
    bp = BP.model_copy(update={"files": [*BP.files, test_file]})
    idle = (
        "import pytest\nfrom calc.ops import add\n\n\ndef test_add():\n    expected = 3\n"
        "    with pytest.raises(ValueError):\n        add(1, 2)\n"
    )
    good = "from calc.ops import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
    model = ScriptedModel(by_path({"tests/test_ops.py": [idle, good]}))
    ctx = make_ctx(tmp_path, model, jobs=1)
    ctx.run.write_yaml("blueprint.yaml", bp)
    await run_generate(ctx)
    calls = [r for r in model.requests if r.tag == "generate:tests/test_ops.py"]
    assert len(calls) == 2
    assert "`test_add` sets `expected`" in calls[1].messages[-1].content
    assert (ctx.run.repo / "tests/test_ops.py").read_text() == good
