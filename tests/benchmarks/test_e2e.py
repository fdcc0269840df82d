"""The end-to-end benchmark's own honesty: its acceptance tests pass on the reference solutions
and score nothing on an empty repository."""

from __future__ import annotations

import shutil
from pathlib import Path

from benchmarks import e2e
from repowright.config import Settings
from repowright.models.metered import Totals
from repowright.pipeline.session import RunOutcome
from repowright.runs.store import RunDir


async def test_every_reference_solution_passes_its_acceptance_tests() -> None:
    specs = e2e.spec_ids(None)
    assert len(specs) >= 12
    assert await e2e.check_specs(specs)


async def test_an_empty_repository_scores_zero(tmp_path: Path) -> None:
    total = await e2e.expected_total("rpn")
    repo = tmp_path / "repo"
    repo.mkdir()
    score = await e2e.acceptance(repo, "rpn", total)
    assert (score.passed, score.total) == (0, total)
    assert total >= 10


def test_ablations_change_one_setting_each() -> None:
    base = Settings(model="scripted:x.json")
    found = e2e.variants(base, ["memory=none", "fix-rounds=0"])
    assert list(found) == ["baseline", "memory=none", "fix_rounds=0"]
    assert found["memory=none"].memory == "none" and found["memory=none"].fix_rounds == 3
    assert found["fix_rounds=0"].fix_rounds == 0
    both = e2e.variants(base, ["memory=none, fix_rounds=0"])["memory=none,fix_rounds=0"]
    assert (both.memory, both.fix_rounds) == ("none", 0)


async def test_a_hanging_test_fails_alone(tmp_path: Path, monkeypatch) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(e2e.SPECS_DIR / "rle" / "reference", repo)
    source = (repo / "rle.py").read_text()
    (repo / "rle.py").write_text(
        source.replace(
            "def encode(data: str) -> str:",
            "def encode(data: str) -> str:\n    while True:\n        pass",
            1,
        )
    )
    monkeypatch.setattr(e2e, "TEST_TIMEOUT_S", 1)
    total = await e2e.expected_total("rle")
    score = await e2e.acceptance(repo, "rle", total)
    assert 0 < score.passed < total


async def test_a_variant_starts_with_the_baseline_response_cache(
    tmp_path: Path, monkeypatch
) -> None:
    seed = e2e.run_dir(tmp_path, "baseline", "rle")
    (seed / "cache").mkdir(parents=True)
    (seed / "cache" / "reply.json").write_text("{}")
    seen: list[str] = []

    async def drive(run: RunDir, settings: Settings) -> RunOutcome:
        seen.extend(p.name for p in run.cache_dir.rglob("*") if p.is_file())
        return RunOutcome(run.root, "failed", Totals(cached_calls=3))

    monkeypatch.setattr(e2e, "drive", drive)
    (tmp_path / "script.json").write_text("[]")
    settings = Settings(model=f"scripted:{tmp_path / 'script.json'}", memory="none")
    row = await e2e.run_one("memory=none", settings, "rle", tmp_path, 8, seed)
    assert seen == ["reply.json"] and row.cached == 3
    assert e2e.run_dir(tmp_path, "memory=none", "rle").is_dir()


def test_a_replayed_baseline_starts_with_the_earlier_runs_replies(tmp_path: Path) -> None:
    earlier, out = tmp_path / "before", tmp_path / "after"
    assert e2e.seed_for("baseline", "rle", out, None) is None
    assert e2e.seed_for("baseline", "rle", out, earlier) == e2e.run_dir(earlier, "baseline", "rle")
    assert e2e.seed_for("memory=none", "rle", out, earlier) == e2e.run_dir(out, "baseline", "rle")
