"""The blueprint step with scripted models: agents, planning, repair rounds, artifacts."""

from __future__ import annotations

import asyncio
import json

import pytest

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.phase import run_blueprint
from repowright.blueprint.review import BlueprintViolations
from repowright.errors import BlueprintInvalid
from repowright.models.base import ModelRequest, ModelResponse
from repowright.models.scripted import ScriptedModel, ScriptedReply
from tests.blueprint.helpers import (
    ALGORITHMS,
    CONCEPTS,
    PLAN,
    document,
    file,
    make_ctx,
    plan,
    scripted,
)


def last_user_message(request: ModelRequest) -> str:
    return request.messages[-1].content


async def test_happy_path_writes_every_artifact(tmp_path) -> None:
    model = scripted(concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=[PLAN])
    ctx = make_ctx(tmp_path, model)
    summary = await run_blueprint(ctx)

    assert sorted(r.tag for r in model.requests) == ["algorithm", "concept", "plan"]
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert bp.project_name == "tiny-adam" and len(bp.files) == 5
    assert ctx.run.read_json("concepts.json")["components"][0]["name"] == "optimizer"
    ids = [i["id"] for i in ctx.run.read_json("algorithms.json")["items"]]
    assert ids == ["eq1", "hp1", "metric1"]
    coverage = ctx.run.read_json("coverage.json")
    assert coverage["total"] == 2 and coverage["uncovered"] == []
    assert summary == {
        "project": "tiny-adam",
        "files": 5,
        "components": 1,
        "algorithm_items": 3,
        "repair_rounds": 0,
        "auto_fixes": [],
        "coverage": "2/2",
        "uncovered": [],
    }
    plan_prompt = last_user_message(next(r for r in model.requests if r.tag == "plan"))
    # Sections by title: a bracketed id (`[s2-requirements]`) was taken for a file path.
    assert 'eq1 equation "Adam update" (section "Method")' in plan_prompt
    assert 'optimizer (section "Method"): Adam update' in plan_prompt
    assert "[s1]" not in plan_prompt

    algo_prompt = last_user_message(next(r for r in model.requests if r.tag == "algorithm"))
    assert "[s1] Method" in algo_prompt and "learning rate 0.001" in algo_prompt


async def test_cyclic_plan_is_sent_back_with_the_error_and_repaired(tmp_path) -> None:
    cyclic = plan()
    cyclic["files"][1]["dependencies"].append("tiny_adam/train.py")
    model = scripted(concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=[cyclic], plan_repair=[PLAN])
    ctx = make_ctx(tmp_path, model)
    summary = await run_blueprint(ctx)

    assert summary["repair_rounds"] == 1
    repair = next(r for r in model.requests if r.tag == "plan_repair")
    error = (
        "dependency cycle: tiny_adam/optim.py -> tiny_adam/train.py -> tiny_adam/optim.py "
        "(each file depends on the next); remove one of these dependencies"
    )
    assert error in last_user_message(repair)
    assert '"tiny_adam/train.py"' in last_user_message(repair)  # the draft is shown too
    logged = [e for e in ctx.run.events if isinstance(e, BlueprintViolations)]
    assert [(e.source, e.round, e.violations) for e in logged] == [("plan", 0, [error])]
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert bp.file("tiny_adam/optim.py").dependencies == ["tiny_adam/__init__.py"]


async def test_references_only_the_informational_parts_make_are_dropped_without_a_round(
    tmp_path,
) -> None:
    """A stage, component or entry point naming no file of the tree (and an empty or 'None'
    dependency) changes nothing generation reads: dropped at once, no repair round asked for."""
    sloppy = plan(
        components=[
            {"name": "optimizer", "files": ["tiny_adam/optim.py", "tiny_adam/parser.py"]},
            {"name": "to_roman", "files": []},
        ],
        plan=[{"name": "Setup", "files": ["setup.sh"]}, {"name": "Code", "files": ["README.md"]}],
        entry_points=["tiny_adam/train.py", "tiny_adam.train.main"],
    )
    sloppy["files"][2]["dependencies"] += ["", "None"]
    model = scripted(concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=[sloppy])
    ctx = make_ctx(tmp_path, model)
    summary = await run_blueprint(ctx)
    assert "plan_repair" not in [r.tag for r in model.requests]
    assert summary["repair_rounds"] == 0
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert [(c.name, c.files) for c in bp.components] == [("optimizer", ["tiny_adam/optim.py"])]
    assert [s.name for s in bp.plan] == ["Code"]
    assert bp.entry_points == ["tiny_adam/train.py"]
    assert bp.file("tiny_adam/train.py").dependencies == ["tiny_adam/optim.py"]
    fixes = " | ".join(summary["auto_fixes"])
    assert "tiny_adam.train.main" in fixes and "setup.sh" in fixes and "to_roman" in fixes


async def test_unsafe_path_is_repaired(tmp_path) -> None:
    unsafe = plan(files=[*PLAN["files"], file("../outside.py")])
    model = scripted(concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=[unsafe], plan_repair=[PLAN])
    ctx = make_ctx(tmp_path, model)
    await run_blueprint(ctx)
    repair = next(r for r in model.requests if r.tag == "plan_repair")
    assert "'../outside.py' contains '..'" in last_user_message(repair)
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert "../outside.py" not in [f.path for f in bp.files]


async def test_unrepaired_plan_is_salvaged_and_says_so(tmp_path) -> None:
    unsafe = plan(files=[*PLAN["files"], file("/abs/evil.py")])
    model = scripted(
        concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=[unsafe], plan_repair=[unsafe]
    )
    ctx = make_ctx(tmp_path, model)
    summary = await run_blueprint(ctx)
    # The repair came back with the same errors: asking again would get the same plan.
    assert [r.tag for r in model.requests].count("plan_repair") == 1
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert "abs/evil.py" in [f.path for f in bp.files]
    assert "salvaged: rewrote unsafe path '/abs/evil.py' -> 'abs/evil.py'" in summary["auto_fixes"]


async def test_unusable_repair_reply_falls_back_to_salvaging_the_last_draft(tmp_path) -> None:
    unsafe = plan(files=[*PLAN["files"], file("/abs/evil.py")])
    cut = ScriptedReply('{"files": [', finish_reason="length")
    model = scripted(concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=[unsafe], plan_repair=[cut])
    ctx = make_ctx(tmp_path, model)
    summary = await run_blueprint(ctx)
    assert [r.tag for r in model.requests].count("plan_repair") == 3  # one call's attempts
    assert summary["repair_rounds"] == 1
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert "abs/evil.py" in [f.path for f in bp.files]


async def test_unsalvageable_plan_fails_clearly_after_bounded_rounds(tmp_path) -> None:
    bad = [plan(environment={"packages": [{"name": f"not a package {i}!"}]}) for i in range(4)]
    model = scripted(concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=bad[:1], plan_repair=bad[1:])
    ctx = make_ctx(tmp_path, model)
    with pytest.raises(BlueprintInvalid) as info:
        await run_blueprint(ctx)
    assert "still invalid after 3 repair round(s)" in str(info.value)
    assert "is not a plain package name" in str(info.value)
    assert [r.tag for r in model.requests].count("plan_repair") == 3
    assert not ctx.run.path("blueprint.yaml").exists()


async def test_concept_and_algorithm_agents_run_concurrently(tmp_path) -> None:
    log: list[tuple[str, str]] = []
    inner = scripted(
        concept=[ScriptedReply(json.dumps(CONCEPTS), delay_s=0.05)],
        algorithm=[ScriptedReply(json.dumps(ALGORITHMS), delay_s=0.05)],
        plan=[PLAN],
    )

    class Recording:
        name = "recording"

        async def complete(self, request: ModelRequest) -> ModelResponse:
            log.append(("start", request.tag))
            response = await inner.complete(request)
            log.append(("end", request.tag))
            return response

    await run_blueprint(make_ctx(tmp_path, Recording()))
    assert {tag for _, tag in log[:2]} == {"concept", "algorithm"}
    assert [kind for kind, _ in log[:2]] == ["start", "start"]
    assert log[-2:] == [("start", "plan"), ("end", "plan")]


async def test_minimal_model_output_still_gives_a_valid_blueprint(tmp_path) -> None:
    model = scripted(concept=[{}], algorithm=[{"items": []}], plan=[{"files": []}])
    ctx = make_ctx(tmp_path, model)
    summary = await run_blueprint(ctx)
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert [f.path for f in bp.files] == ["README.md", "reproduce.sh"]
    assert bp.project_name == "tiny-adam"
    assert summary["coverage"] == "0/0" and len(summary["auto_fixes"]) == 3


async def test_spec_input_with_nothing_for_the_algorithm_agent(tmp_path) -> None:
    spec = "a FastAPI backend for a todo list with sqlite"
    todo_plan = {
        "project_name": "todo-api",
        "files": [file("app/main.py", ["app/db.py"]), file("app/db.py")],
        "environment": {"packages": [{"name": "fastapi"}, {"name": "sqlite3"}]},
        "entry_points": ["app/main.py"],
    }
    model = scripted(concept=[{"problem": "todo API"}], algorithm=[{"items": []}], plan=[todo_plan])
    ctx = make_ctx(tmp_path, model, document("spec", [("Spec", spec)]))
    summary = await run_blueprint(ctx)
    assert spec in last_user_message(model.requests[0])
    system = model.requests[0].messages[0].content
    assert "research paper or a software spec" in system
    assert summary["coverage"] == "0/0" and summary["uncovered"] == []
    bp = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    assert [p.name for p in bp.environment.packages] == ["fastapi"]  # sqlite3 is stdlib
    assert {"README.md", "reproduce.sh"} <= {f.path for f in bp.files}


async def test_uncovered_items_are_listed_in_summary_and_coverage_json(tmp_path) -> None:
    uncovering = plan()
    uncovering["files"][1]["covers"] = ["eq1"]
    model = scripted(concept=[CONCEPTS], algorithm=[ALGORITHMS], plan=[uncovering])
    ctx = make_ctx(tmp_path, model)
    summary = await run_blueprint(ctx)
    assert summary["coverage"] == "1/2"
    assert summary["uncovered"] == ["hp1 (hyperparameter, s2): learning rate"]
    assert ctx.run.read_json("coverage.json")["uncovered"][0]["id"] == "hp1"


def test_scripted_helper_is_strict() -> None:
    model = scripted(concept=[{}])
    with pytest.raises(AssertionError, match="unexpected call"):
        asyncio.run(model.complete(ModelRequest(messages=[], tag="plan")))
    assert isinstance(model, ScriptedModel)
