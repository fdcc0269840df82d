"""End-to-end benchmark: the pipeline on specs whose acceptance tests it never sees.

    python benchmarks/e2e.py --model local:qwen-coder-1.5b [--specs rpn,lru]
        [--ablate memory=none] [--ablate fix_rounds=0] [--ablate rag=off] [--out runs/e2e]
        [--ablate memory=none,fix_rounds=0,replan_rounds=0] [--replay runs/e2e-before]
    python benchmarks/e2e.py --check-specs     # acceptance tests against the reference solutions

Each spec in `benchmarks/specs/<id>/` has `spec.md` (all the pipeline is given),
`test_acceptance.py` (independent tests, copied into the generated repository only after the
run has finished) and `reference/` (a hand-written solution that must pass them, so the tests
themselves are checked). The baseline variant uses the run's defaults; each `--ablate
KEY=VALUE` adds a variant that changes that one setting, so the table shows what CodeMem, the
repair loop or CodeRAG each add; "before repair" scores the same run's repository as generation
left it (`generated/`), which isolates what repair adds without a second, differently sampled
run. Each variant starts with a copy of the baseline's model response cache for the same spec
(it runs right after it), so a request it shares with the baseline (the blueprint phase: no
ablated setting changes it) gets the baseline's reply: variants differ in what the ablated
setting changes, not in a re-sampled plan, and skip the minutes of planning; their calls and
tokens count only new requests ("cached" counts the others). Acceptance tests run with pytest
in repowright's sandbox.
`--replay DIR` starts each baseline with the response cache of the same spec's baseline in DIR,
an earlier run (say, before a change): every request whose prompt the change leaves alone gets
the earlier reply, so the table shows what the change did to the same plan and files rather
than a re-sampled run (the 1.5B model's greedy output moves with any change to a prompt).
`todo` is the demo's own spec (a link to examples/todo_cli.md): `--specs todo --ablate
model=local:NAME` compares the embedded models on what `make demo` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import tempfile
import time
import traceback
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table

from repowright.config import Settings
from repowright.errors import RepowrightError
from repowright.models.local import contention_note
from repowright.models.metered import Totals
from repowright.pipeline.replan import ReplanFinished
from repowright.pipeline.session import create_run, drive
from repowright.sandbox.base import Limits
from repowright.sandbox.local import LocalSandbox
from repowright.verify.dynamic import RUN_PYTEST
from repowright.verify.phase import GENERATED

SPECS_DIR = Path(__file__).with_name("specs")
TEST_FILE = "test_acceptance.py"
HIDDEN = ".acceptance"
TEST_TIMEOUT_S = 20
"""Each acceptance test fails alone when it hangs (pytest run as the pipeline runs it, with a
time limit per test): one endless loop (graphs' Dijkstra) used to run the whole file into its
300 s limit, and a file that never finished scored 0 of 7."""


@dataclass
class Score:
    passed: int
    total: int
    note: str = ""


@dataclass
class Row:
    variant: str
    spec: str
    verdict: str
    score: Score
    before: Score | None = None
    """Acceptance of the repository as generated, before repair (same run, same files)."""
    unplanned: Score | None = None
    """Acceptance of the repository as it was before re-planning (what `--replan-rounds 0`
    would have ended with), when a re-plan happened."""
    files: int = 0
    calls: int = 0
    cached: int = 0
    """Requests answered from the response cache (a variant's share of the baseline's)."""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    wall_s: float = 0.0
    roles: dict[str, int] = field(default_factory=dict)
    """Tokens (prompt + completion) per role."""
    replan: str = ""
    """What re-planning did: '' (not needed), kept, undone."""


def spec_ids(wanted: str | None) -> list[str]:
    found = sorted(p.name for p in SPECS_DIR.iterdir() if (p / "spec.md").is_file())
    if not wanted:
        return found
    chosen = [s.strip() for s in wanted.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(found))
    if unknown:
        raise SystemExit(f"unknown spec(s): {', '.join(unknown)}; known: {', '.join(found)}")
    return chosen


async def acceptance(repo: Path, spec: str, expected: int | None = None) -> Score:
    """Run the spec's acceptance tests against `repo` in the sandbox; count passed items."""
    hidden = repo / HIDDEN
    shutil.rmtree(hidden, ignore_errors=True)
    hidden.mkdir(parents=True)
    shutil.copy(SPECS_DIR / spec / TEST_FILE, hidden / TEST_FILE)
    (hidden / "pytest.ini").write_text("[pytest]\n")  # not the generated repo's own config
    with tempfile.TemporaryDirectory() as state:
        sandbox = LocalSandbox(repo, state_dir=Path(state))
        result = await sandbox.run(
            [sandbox.python, "-c", RUN_PYTEST, str(TEST_TIMEOUT_S), "-q", "-p", "no:cacheprovider",
             "-c", f"{HIDDEN}/pytest.ini", "--rootdir", ".",
             f"--junitxml={HIDDEN}/junit.xml", f"{HIDDEN}/{TEST_FILE}"],
            limits=Limits(wall_s=300, memory_mb=4096),
        )  # fmt: skip
    junit = hidden / "junit.xml"
    if not junit.is_file():
        return Score(0, expected or 0, f"pytest did not run: {result.output[-200:]}")
    suite = ET.parse(junit).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    counts = {k: int(suite.get(k, 0)) for k in ("tests", "failures", "errors", "skipped")}
    passed = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    total = max(expected or 0, counts["tests"])  # a failed import collects fewer items
    return Score(passed, total)


async def expected_total(spec: str) -> int:
    """How many test items the acceptance file has: collected against the reference."""
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "repo"
        shutil.copytree(SPECS_DIR / spec / "reference", repo)
        return (await acceptance(repo, spec)).total


async def check_specs(specs: list[str]) -> bool:
    """Every reference solution passes every acceptance test of its spec."""
    table = Table(title="acceptance tests against the reference solutions")
    for col in ("spec", "passed", "total"):
        table.add_column(col, justify="right")
    ok = True
    for spec in specs:
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp) / "repo"
            shutil.copytree(SPECS_DIR / spec / "reference", repo)
            score = await acceptance(repo, spec)
        ok &= score.total > 0 and score.passed == score.total
        table.add_row(spec, str(score.passed), str(score.total))
    Console().print(table)
    return ok


def run_dir(out: Path, variant: str, spec: str) -> Path:
    return out / re.sub(r"[^\w.=-]", "_", variant) / spec  # no ':' (PATH) in a venv path


async def run_one(
    variant: str, settings: Settings, spec: str, out: Path, total: int, seed: Path | None = None
) -> Row:
    """Run the pipeline on `spec` and score it; `seed`: a run whose response cache the new run
    starts with."""
    start = time.monotonic()
    where = run_dir(out, variant, spec)
    shutil.rmtree(where, ignore_errors=True)
    try:
        run = create_run(SPECS_DIR / spec / "spec.md", None, settings, where)
        if seed is not None and (seed / "cache").is_dir():
            shutil.copytree(seed / "cache", run.cache_dir, dirs_exist_ok=True)
        outcome = await drive(run, settings)
    except RepowrightError as exc:
        return Row(variant, spec, f"error: {str(exc)[:60]}", Score(0, total),
                   wall_s=time.monotonic() - start)  # fmt: skip
    except Exception as exc:  # a bug in repowright: recorded, and the other specs still run
        (where / "crash.txt").write_text(traceback.format_exc(), encoding="utf-8")
        return Row(variant, spec, f"crash: {type(exc).__name__} (crash.txt)", Score(0, total),
                   wall_s=time.monotonic() - start)  # fmt: skip
    wall = time.monotonic() - start
    repo = run.repo
    files = sum(1 for p in repo.rglob("*") if p.is_file()) if repo.exists() else 0
    score = await acceptance(repo, spec, total) if repo.exists() else Score(0, total, "no repo")
    generated = run.path(GENERATED)
    before = await acceptance(generated, spec, total) if generated.is_dir() else None
    first = run.path("replan/r1/before")
    unplanned = await acceptance(first, spec, total) if first.is_dir() else None
    t = outcome.totals
    roles = {
        role: totals.prompt_tokens + totals.completion_tokens
        for role, (_, totals) in Totals.by_role(run.events).items()
    }
    replan = ",".join(
        "kept" if e.kept else "undone" for e in run.events if isinstance(e, ReplanFinished)
    )
    return Row(variant, spec, outcome.status, score, before, unplanned, files, t.calls,
               t.cached_calls, t.prompt_tokens, t.completion_tokens, wall, roles,
               replan)  # fmt: skip


def seed_for(variant: str, spec: str, out: Path, replay: Path | None) -> Path | None:
    """The run whose response cache a run starts with: a variant, its baseline's (the same
    plan); a baseline, the same spec's baseline in `replay`, an earlier run, if given."""
    if variant != "baseline":
        return run_dir(out, "baseline", spec)
    return run_dir(replay, "baseline", spec) if replay is not None else None


def variants(base: Settings, ablations: list[str]) -> dict[str, Settings]:
    """The baseline and one variant per `--ablate`: `SETTING=VALUE`, or several joined by
    commas (`memory=none,fix_rounds=0,replan_rounds=0`: CodeMem's effect on generation alone,
    without a repair loop or a re-plan that cost a spec ten minutes or more)."""
    out = {"baseline": base}
    for item in ablations:
        changes = {}
        for pair in item.split(","):
            key, _, value = pair.partition("=")
            key = key.strip().replace("-", "_")
            if key not in Settings.model_fields or not value.strip():
                raise SystemExit(f"--ablate wants SETTING=VALUE (e.g. memory=none), got {item!r}")
            changes[key] = value.strip()
        name = ",".join(f"{k}={v}" for k, v in changes.items())
        out[name] = Settings.model_validate({**base.model_dump(), **changes})
    return out


def print_rows(rows: list[Row], model: str) -> None:
    console = Console(width=max(Console().width, 120))
    table = Table(title=f"e2e: {model}")
    cols = ("variant", "spec", "verdict", "accept", "before repair", "files", "calls",
            "cached", "prompt", "compl", "wall s", "replan")  # fmt: skip
    for col in cols:
        table.add_column(col, justify="right")
    for r in rows:
        before = r.before or r.score
        table.add_row(r.variant, r.spec, r.verdict, f"{r.score.passed}/{r.score.total}",
                      f"{before.passed}/{before.total}", str(r.files), str(r.calls),
                      str(r.cached), str(r.prompt_tokens), str(r.completion_tokens),
                      f"{r.wall_s:.0f}", _replan_cell(r))  # fmt: skip
    console.print(table)
    summary = Table(title="per variant")
    for col in ("variant", "verified", "acceptance passed", "before repair", "wall s",
                "tokens per role"):  # fmt: skip
        summary.add_column(col, justify="right")
    for name in dict.fromkeys(r.variant for r in rows):
        mine = [r for r in rows if r.variant == name]
        passed = sum(r.score.passed for r in mine)
        before = sum((r.before or r.score).passed for r in mine)
        total = sum(r.score.total for r in mine)
        verified = sum(r.verdict == "verified" for r in mine)
        summary.add_row(name, f"{verified}/{len(mine)}",
                        f"{passed}/{total} ({100 * passed / max(total, 1):.0f}%)",
                        f"{before}/{total} ({100 * before / max(total, 1):.0f}%)",
                        f"{sum(r.wall_s for r in mine):.0f}",
                        _role_tokens(mine))  # fmt: skip
    console.print(summary)


def _replan_cell(row: Row) -> str:
    """What re-planning did, and acceptance before it when it happened."""
    if not row.replan:
        return "-"
    if row.unplanned is None:
        return row.replan
    return f"{row.replan} (before: {row.unplanned.passed}/{row.unplanned.total})"


def _role_tokens(rows: list[Row]) -> str:
    summed: dict[str, int] = {}
    for r in rows:
        for role, tokens in r.roles.items():
            summed[role] = summed.get(role, 0) + tokens
    return " ".join(f"{role} {tokens / 1000:.1f}k" for role, tokens in summed.items())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local")
    parser.add_argument("--specs", default=None, help="comma-separated spec ids (default all)")
    parser.add_argument("--ablate", action="append", default=[], help="SETTING=VALUE")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=Path("runs/e2e"))
    parser.add_argument("--check-specs", action="store_true")
    parser.add_argument(
        "--skip-baseline", action="store_true", help="run only the --ablate variants"
    )
    parser.add_argument(
        "--replay",
        type=Path,
        default=None,
        help="an earlier --out: baselines start with its replies",
    )
    args = parser.parse_args()
    specs = spec_ids(args.specs)
    if args.check_specs:
        raise SystemExit(0 if await check_specs(specs) else 1)
    if note := contention_note(args.model):
        Console(stderr=True).print(note, markup=False)  # wall times would not compare
    base = Settings(model=args.model, jobs=args.jobs)
    rows = []
    totals = {spec: await expected_total(spec) for spec in specs}
    chosen = variants(base, args.ablate)
    if args.skip_baseline:
        chosen.pop("baseline")
    for spec in specs:  # a spec's variants together: a stopped run leaves whole comparisons
        for name, settings in chosen.items():
            seed = seed_for(name, spec, args.out, args.replay)
            rows.append(await run_one(name, settings, spec, args.out, totals[spec], seed))
            print_rows(rows[-1:], args.model)
    print_rows(rows, args.model)


if __name__ == "__main__":
    asyncio.run(main())
