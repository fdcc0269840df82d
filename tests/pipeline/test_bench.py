"""The benchmark runner with a fake generation step: layout, results, resumption."""

from __future__ import annotations

import json
import shutil
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from repowright.artifacts.events import RunFinished, StepCompleted, StepStarted
from repowright.config import Settings
from repowright.errors import BudgetExceeded, InputError
from repowright.grading.papers import Selection, discover
from repowright.models.metered import Totals
from repowright.models.scripted import ScriptedModel
from repowright.pipeline.bench import BenchConfig, run_bench
from repowright.pipeline.session import RunOutcome
from repowright.runs.progress import Progress
from repowright.runs.store import RunDir
from tests.grading.helpers import FakeSandbox, verdicts

GENERATED = {
    "sort.py": "def bubble_sort(xs):\n    return sorted(xs)\n",
    "reproduce.sh": "python3 -c 'print([1, 2, 3, 4, 5])' > out.txt\necho ok\n",
}
calls: list[str] = []


async def fake_generate(run: RunDir, settings: Settings, progress: Progress) -> RunOutcome:
    """Stands in for `drive`: writes a repo; a paper named 'flaky' fails on its first try."""
    calls.append(run.root.parent.name)
    run.events.append(StepStarted(step="generate"))
    if run.root.parent.name == "flaky" and calls.count("flaky") == 1:
        raise BudgetExceeded("cost budget reached")
    for name, text in GENERATED.items():
        (run.repo / name).write_text(text)
    run.events.append(StepCompleted(step="generate"))
    run.events.append(RunFinished(status="verified"))
    return RunOutcome(run.root, "verified", Totals())


def make_papers(tmp_path: Path, paper: Path, rubric: Path, ids: list[str]) -> Path:
    root = tmp_path / "papers"
    for paper_id in ids:
        (root / paper_id).mkdir(parents=True)
        shutil.copy(paper, root / paper_id / "paper.md")
        shutil.copy(rubric, root / paper_id / "rubric.json")
    (root / ids[0] / "addendum.md").write_text("Sort ascending.")
    return root


@asynccontextmanager
async def judge():
    yield ScriptedModel(verdicts())


def config(tmp_path: Path) -> BenchConfig:
    unused = tmp_path / "unused.json"  # generation is faked; the spec must still be valid
    unused.write_text("[]")
    return BenchConfig(
        out=tmp_path / "out",
        settings=Settings(model=f"scripted:{unused}"),
        sandbox_factory=FakeSandbox,
        generate=fake_generate,
    )


async def test_runs_every_paper_and_resumes(paper: Path, rubric_file: Path, tmp_path: Path) -> None:
    calls.clear()
    papers = discover(make_papers(tmp_path, paper, rubric_file, ["alpha", "flaky"]))
    assert [p.id for p in papers] == ["alpha", "flaky"]
    assert papers[0].addendum is not None and papers[1].addendum is None
    cfg = config(tmp_path)
    result = await run_bench(papers, judge, cfg)
    alpha, flaky = result.papers
    assert (alpha.status, alpha.score, alpha.reproduced) == ("graded", 1.0, True)
    assert alpha.run_status == "verified" and alpha.generate_s >= 0
    assert (flaky.status, flaky.error) == ("error", "cost budget reached")
    assert (cfg.out / "alpha" / "graded.json").is_file()
    assert (cfg.out / "alpha" / "run" / "repo" / "reproduce.log").read_text() == "ok\n"
    assert json.loads((cfg.out / "bench.json").read_text())["mean_score"] == 1.0

    result = await run_bench(papers, judge, cfg)
    assert calls == ["alpha", "flaky", "flaky"]  # alpha skipped; flaky's run resumed
    assert [p.status for p in result.papers] == ["graded", "graded"]
    assert result.mean_score == 1.0


async def test_code_dev_never_reproduces(paper: Path, rubric_file: Path, tmp_path: Path) -> None:
    papers = discover(make_papers(tmp_path, paper, rubric_file, ["alpha"]))
    cfg = config(tmp_path)
    cfg.code_dev = True
    result = await run_bench(papers, judge, cfg)
    assert result.papers[0].reproduced is False
    assert not (cfg.out / "alpha" / "run" / "repo" / "reproduce.log").exists()


def test_discover_rejects_incomplete_folders(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="papers folder not found"):
        discover(tmp_path / "none")
    (tmp_path / "p" / "x").mkdir(parents=True)
    (tmp_path / "p" / "x" / "paper.md").write_text("# X\ntext")
    with pytest.raises(InputError, match=r"holds no .* rubric\.json"):
        discover(tmp_path / "p")  # a folder without a rubric is not a paper
    (tmp_path / "q").mkdir()
    with pytest.raises(InputError, match="holds no"):
        discover(tmp_path / "q")


def test_paperbench_layout(tmp_path: Path, paper: Path, rubric_file: Path) -> None:
    root = make_papers(tmp_path, paper, rubric_file, ["alpha", "beta", "gamma"])
    (root / "gamma" / "paper.md").unlink()  # PaperBench ships some papers as rubrics only
    for other in ("judge_eval", "splits"):
        (root / other).mkdir()
    (root / "splits" / "dev.txt").write_text("alpha\nbeta\n")
    (root / "alpha" / "judge.addendum.md").write_text("Check the output file.")
    (root / "alpha" / "blacklist.txt").write_text("https://github.com/authors/sorter\n")
    (root / "alpha" / "config.yaml").write_text("id: alpha\ntitle: Sorting\n")
    with pytest.raises(InputError, match=r"missing paper\.md or paper\.pdf for: gamma"):
        discover(root)
    papers = discover(root, Selection(split=root / "splits" / "dev.txt"))
    assert [p.id for p in papers] == ["alpha", "beta"]
    alpha = papers[0]
    assert alpha.title == "Sorting" and alpha.blacklist == ("https://github.com/authors/sorter",)
    assert alpha.judge_notes() == "Sort ascending.\n\nCheck the output file."
    generation = alpha.generation_input(tmp_path)
    assert "Sort ascending." in generation.read_text() and "Check the output" not in (
        generation.read_text()
    )
    assert papers[1].generation_input(tmp_path) == papers[1].paper  # no addendum
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text("Based on github.com/authors/sorter/ code.")
    assert alpha.blacklisted_in(repo) == ["https://github.com/authors/sorter"]
    with pytest.raises(InputError, match="no such paper"):
        discover(root, Selection(ids=["delta"]))
