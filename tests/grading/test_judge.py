"""The judge with a scripted model: what each leaf sees, what is never asked, concurrency."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repowright.documents import load_document
from repowright.grading.graded import summarize
from repowright.grading.judge import NO_REPRODUCTION, Judge, JudgeConfig
from repowright.grading.reproduce import LOG, Reproduction
from repowright.grading.rubric import leaf_keys, load_rubric, parse_rubric
from repowright.models.base import AuthError, ModelRequest, ModelResponse
from repowright.models.scripted import ScriptedModel, ScriptedReply
from tests.grading.helpers import leaf, node, verdicts


def prompt(request: ModelRequest) -> str:
    return request.messages[-1].content


def leaf_requests(model: ScriptedModel) -> dict[str, ModelRequest]:
    return {
        r.tag.removeprefix("grading:leaf:"): r
        for r in model.requests
        if r.tag.startswith("grading:leaf:")
    }


def reproduced(repo: Path, produced: list[str]) -> Reproduction:
    (repo / LOG).write_text("[1, 2, 3, 4, 5]\ndone\n")
    (repo / "result.txt").write_text("[1, 2, 3, 4, 5]")
    return Reproduction(returncode=0, duration_s=1.0, timeout_s=60, produced_files=produced)


async def test_without_reproduction_execution_and_results_score_zero_unasked(
    paper: Path, rubric_file: Path, repo: Path
) -> None:
    model = ScriptedModel(verdicts(score=1))
    judge = Judge(model, load_document(paper))
    graded = await judge.grade(load_rubric(rubric_file), repo, None)
    by_id = {n.id: n for n in graded.walk()}
    assert set(leaf_requests(model)) == {"cd-sort", "cd-main"}
    assert model.calls == 2
    for leaf_id in ("ce-run", "ra-result"):
        assert by_id[leaf_id].score == 0.0
        assert by_id[leaf_id].explanation == NO_REPRODUCTION
    assert by_id["cd-sort"].score == 1.0
    assert by_id["cd-sort"].explanation == "looks right"
    assert graded.score == pytest.approx(2 / 3)


async def test_leaf_prompts_hold_paper_criterion_ancestors_addendum_and_files(
    paper: Path, rubric_file: Path, repo: Path
) -> None:
    model = ScriptedModel(verdicts())
    judge = Judge(model, load_document(paper), addendum="Use ascending order.")
    await judge.grade(load_rubric(rubric_file), repo, reproduced(repo, ["result.txt"]))
    sent = {k: prompt(r) for k, r in leaf_requests(model).items()}
    cd = sent["cd-sort"]
    assert "Bubble sort is implemented." in cd
    assert "requirement impl" in cd and "requirement root" in cd
    assert "after these criteria" not in cd  # the first of its siblings
    assert "A main script" not in cd and "Bubble sort is implemented." in sent["cd-main"]
    assert "Use ascending order." in cd
    assert "Bubble sort repeatedly swaps" in cd
    assert "def bubble_sort" in cd and "### main.py" in cd
    assert "reproduce.log" not in cd  # code development is judged on code alone
    assert "### result.txt" not in cd  # ... as submitted, without the run's outputs
    ce = sent["ce-run"]
    assert "# reproduce.log (exit code 0" in ce and "python3 main.py" in ce
    ra = sent["ra-result"]
    assert "### result.txt" in ra and "[1, 2, 3, 4, 5]" in ra
    assert "def bubble_sort" not in ra  # results are judged only on what the run produced
    schema = leaf_requests(model)["cd-sort"].json_schema
    assert schema is not None and set(schema["properties"]) == {"explanation", "score"}


async def test_result_analysis_ignores_files_the_run_did_not_produce(
    paper: Path, repo: Path
) -> None:
    (repo / "result.txt").write_text("[9, 9, 9] written by hand, not by the run")
    rubric = parse_rubric(node("root", [leaf("ra", "Result Analysis")]))
    model = ScriptedModel(verdicts())
    rep = Reproduction(returncode=0, timeout_s=60, produced_files=[])
    (repo / LOG).write_text("ok\n")
    await Judge(model, load_document(paper)).grade(rubric, repo, rep)
    assert "[9, 9, 9]" not in prompt(model.requests[0])
    assert "(no files)" in prompt(model.requests[0])


async def test_concurrency_limit_is_respected(paper: Path, repo: Path) -> None:
    rubric = parse_rubric(node("root", [leaf(f"l{i}", "Code Development") for i in range(9)]))
    in_flight, peak = 0, 0

    class Counting(ScriptedModel):
        async def complete(self, request: ModelRequest) -> ModelResponse:
            nonlocal in_flight, peak
            in_flight += 1
            peak = max(peak, in_flight)
            try:
                return await super().complete(request)
            finally:
                in_flight -= 1

    reply = ScriptedReply(json.dumps({"explanation": "ok", "score": 1}), delay_s=0.02)
    model = Counting(lambda _request: reply)
    config = JudgeConfig(concurrency=3)
    graded = await Judge(model, load_document(paper), config=config).grade(rubric, repo, None)
    assert model.calls == 9
    assert peak == 3
    assert graded.score == 1.0


async def test_unusable_replies_mark_the_leaf_invalid_not_the_run(
    paper: Path, rubric_file: Path, repo: Path
) -> None:
    model = ScriptedModel(lambda _r: "I think it is fine.")
    graded = await Judge(model, load_document(paper)).grade(load_rubric(rubric_file), repo, None)
    cd = next(n for n in graded.walk() if n.id == "cd-sort")
    assert (cd.score, cd.valid_score) == (0.0, False)
    assert cd.explanation.startswith("grading failed:")


async def test_auth_errors_stop_grading(paper: Path, rubric_file: Path, repo: Path) -> None:
    model = ScriptedModel(lambda _r: AuthError("bad key"))
    with pytest.raises(AuthError):
        await Judge(model, load_document(paper)).grade(load_rubric(rubric_file), repo, None)


async def test_files_over_budget_are_ranked_by_the_model(paper: Path, repo: Path) -> None:
    for i in range(30):
        (repo / f"filler_{i}.py").write_text(f"# unrelated helper {i}\n" + "x = 1\n" * 300)
    rubric = parse_rubric(node("root", [leaf("cd", "Code Development", text="bubble sort")]))

    def answer(request: ModelRequest) -> object:
        if request.tag == "grading:rank:cd":
            return {"paths": ["main.py", "not/a/file.py", "sort.py"]}
        return {"explanation": "ok", "score": 1}

    model = ScriptedModel(answer)
    config = JudgeConfig(context_budget=4000)
    graded = await Judge(model, load_document(paper), config=config).grade(rubric, repo, None)
    assert [r.tag for r in model.requests] == ["grading:rank:cd", "grading:leaf:cd"]
    assert "- sort.py (" in prompt(model.requests[0])  # BM25 put the relevant file forward
    shown = graded.sub_tasks[0].judge_metadata
    assert shown["ranked_by"] == "model"
    assert shown["files"][:2] == ["main.py", "sort.py"]
    assert len(shown["files"]) < 32
    assert "more files not shown" in prompt(model.requests[1])


async def test_without_model_ranking_bm25_orders_the_files(paper: Path, repo: Path) -> None:
    for i in range(30):
        (repo / f"filler_{i}.py").write_text("y = 2\n" * 400)
    rubric = parse_rubric(node("root", [leaf("cd", "Code Development", text="bubble sort")]))
    model = ScriptedModel(verdicts())
    config = JudgeConfig(context_budget=4000, rank_with_model=False)
    graded = await Judge(model, load_document(paper), config=config).grade(rubric, repo, None)
    assert model.calls == 1
    assert set(graded.sub_tasks[0].judge_metadata["files"][:2]) == {"sort.py", "main.py"}


async def test_repeated_leaf_ids_are_graded_apart(paper: Path, repo: Path) -> None:
    """PaperBench's bbox and bridging-data-gaps rubrics repeat leaf ids in other subtrees."""
    data = node("root", [
        node("a", [leaf("x", "Code Development", text="Sorting works.")]),
        node("b", [leaf("x", "Code Development", text="Printing works.")], weight=3),
    ])  # fmt: skip
    rubric = parse_rubric(data)
    assert [key for key, _ in leaf_keys(rubric)] == ["x@0.0", "x@1.0"]

    def judge_reply(request: ModelRequest) -> ScriptedReply:
        score = 1 if "Printing works." in prompt(request) else 0
        return ScriptedReply(text=json.dumps({"explanation": "checked", "score": score}))

    graded = await Judge(ScriptedModel(judge_reply), load_document(paper)).grade(rubric, repo, None)
    assert [n.score for n in graded.leaves()] == [0.0, 1.0]
    assert graded.score == pytest.approx(0.75)
    summary = summarize(rubric, graded)
    assert summary.leaves == 2 and summary.categories["Code Development"].score == 0.75


async def test_the_whole_paper_is_shown_when_it_fits(
    paper: Path, rubric_file: Path, repo: Path
) -> None:
    doc = load_document(paper)
    model = ScriptedModel(verdicts())
    await Judge(model, doc).grade(load_rubric(rubric_file), repo, None)
    for request in leaf_requests(model).values():
        assert all(seg.text in prompt(request) for seg in doc.segments)


def test_the_evidence_budget_follows_the_judge_model() -> None:
    from repowright.grading.session import evidence_budget
    from repowright.models.bounded import BoundedSchemas

    api = ScriptedModel([])
    api.model = "gpt-4.1"  # type: ignore[attr-defined]  # what an OpenAI model carries
    assert evidence_budget(JudgeConfig(), api) > 1_000_000 - 20_000
    assert evidence_budget(JudgeConfig(context_budget=5000), api) == 5000
    local = BoundedSchemas(ScriptedModel([]), max_reply_tokens=1024, context_window=8192)
    assert evidence_budget(JudgeConfig(), local) <= 8192 - 1024
    assert evidence_budget(JudgeConfig(), ScriptedModel([])) == 12_000  # unknown window
