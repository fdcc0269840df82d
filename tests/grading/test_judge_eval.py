"""`repowright rubric` and `repowright judge-eval` on small trees made here."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from repowright.cli.app import app
from tests.grading.helpers import leaf, node, sample_rubric, write_json

runner = CliRunner()


def graded(tree: dict[str, Any], scores: dict[str, float]) -> dict[str, Any]:
    """A graded copy of a rubric tree, leaves scored from `scores` (by id), parents averaged."""
    out = copy.deepcopy(tree)

    def visit(n: dict[str, Any]) -> float:
        if not n["sub_tasks"]:
            n["score"] = scores[n["id"]]
        else:
            total = sum(c["weight"] for c in n["sub_tasks"])
            n["score"] = sum(visit(c) * c["weight"] for c in n["sub_tasks"]) / total
        n["judge_metadata"] = None  # as PaperBench writes human-graded trees
        return n["score"]

    visit(out)
    return out


def run(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_rubric_counts(tmp_path: Path) -> None:
    facts = run("rubric", str(write_json(tmp_path / "r.json", sample_rubric())))
    assert facts["leaves"] == 4 and facts["depth"] == 3 and facts["nodes"] == 7
    assert facts["categories"] == {
        "Code Development": 2, "Code Execution": 1, "Result Analysis": 1,
    }  # fmt: skip


def test_judge_eval_against_itself_and_its_flipped_copy(tmp_path: Path) -> None:
    human = {"cd-sort": 1.0, "cd-main": 1.0, "ce-run": 0.0, "ra-result": 0.0}
    expected = write_json(tmp_path / "expected.json", graded(sample_rubric(), human))
    same = run("judge-eval", str(expected), str(expected))
    assert (same["f1"], same["accuracy"], same["n"]) == (1.0, 1.0, 4)
    flipped = {k: 1.0 - v for k, v in human.items()}
    judge = write_json(tmp_path / "judge.json", graded(sample_rubric(), flipped))
    worst = run("judge-eval", str(judge), str(expected))
    assert (worst["f1"], worst["accuracy"]) == (0.0, 0.0)
    assert worst["categories"]["Code Development"]["n"] == 2
    assert abs(worst["root_score_diff"] + 1 / 3) < 1e-9  # 1/3 judged vs 2/3 expected


def test_repeated_ids_are_matched_by_position(tmp_path: Path) -> None:
    tree = node("root", [node("a", [leaf("x", "Code Development")]),
                         node("b", [leaf("x", "Code Development")])])  # fmt: skip
    human = write_json(tmp_path / "h.json", graded(tree, {"x": 1.0}))
    judged = graded(tree, {"x": 1.0})
    judged["sub_tasks"][1]["sub_tasks"][0]["score"] = 0.0
    result = run("judge-eval", str(write_json(tmp_path / "j.json", judged)), str(human))
    assert result["n"] == 2 and result["accuracy"] == 0.5 and result["unmatched"] == []


def test_bad_files_are_one_line() -> None:
    result = runner.invoke(app, ["judge-eval", "missing.json", "missing.json"])
    assert result.exit_code == 2 and "not found" in result.output
