"""Injected-bug corpus for the verify phase: detection per stage and scripted repair.

Builds a small multi-file repository (a package, tests, a CLI, reproduce.sh), checks that
it verifies as is, then injects one bug per case across ten classes. For each case it
reports which stage caught it (static checks run first; dynamic checks run only when the
static ones pass), whether a finding points at the broken file, and whether the repair
loop, driven by a scripted model that answers with the correct edit, restores a verified
repository (this exercises edit application, fuzzy matching and the loop mechanics).

    PYTHONPATH=src python benchmarks/bugs.py [--jobs 2] [--only CLASS] [--venv-cache DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from repowright.artifacts.blueprint import Blueprint, FileSpec
from repowright.artifacts.verdict import Check
from repowright.models.base import ModelRequest
from repowright.models.scripted import ScriptedModel
from repowright.sandbox.local import LocalSandbox, default_venv_cache
from repowright.verify.dynamic import DynamicConfig
from repowright.verify.loop import repair_loop
from repowright.verify.phase import Verifier
from repowright.verify.repair import Repairer

BASE: dict[str, str] = {
    "calc/__init__.py": '"""Tiny statistics toolkit."""\n\n__version__ = "0.1.0"\n',
    "calc/core.py": '''"""Core numeric helpers."""

from __future__ import annotations

import math


def mean(values: list[float]) -> float:
    if not values:
        raise ValueError("mean of no values")
    return sum(values) / len(values)


def variance(values: list[float]) -> float:
    m = mean(values)
    return sum((v - m) ** 2 for v in values) / len(values)


def stddev(values: list[float]) -> float:
    return math.sqrt(variance(values))


def scale(values: list[float], factor: float = 1.0) -> list[float]:
    return [v * factor for v in values]
''',
    "calc/io.py": '''"""Reading numbers from text, writing summaries."""

from __future__ import annotations

import json
from pathlib import Path


def parse_numbers(text: str) -> list[float]:
    return [float(tok) for tok in text.replace(",", " ").split()]


def load_numbers(path: Path) -> list[float]:
    return parse_numbers(path.read_text())


def dump_summary(summary: dict[str, float], path: Path) -> None:
    path.write_text(json.dumps(summary, indent=2))
''',
    "calc/cli.py": '''"""Command line: summarise numbers."""

from __future__ import annotations

import argparse
from pathlib import Path

from calc.core import mean, scale, stddev
from calc.io import dump_summary, parse_numbers


def summarise(values: list[float], factor: float) -> dict[str, float]:
    scaled = scale(values, factor)
    return {"mean": mean(scaled), "std": stddev(scaled), "n": float(len(scaled))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="calc")
    parser.add_argument("numbers", help="comma or space separated numbers")
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    summary = summarise(parse_numbers(args.numbers), args.factor)
    if args.out:
        dump_summary(summary, args.out)
    print(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
''',
    "calc/__main__.py": "from calc.cli import main\n\nraise SystemExit(main())\n",
    "tests/test_core.py": """from calc.core import mean, scale, stddev
from calc.io import parse_numbers


def test_mean():
    assert mean([1.0, 2.0, 3.0]) == 2.0


def test_stddev():
    assert stddev([2.0, 2.0]) == 0.0


def test_scale():
    assert scale([1.0, 2.0], 2.0) == [2.0, 4.0]


def test_parse():
    assert parse_numbers("1, 2 3") == [1.0, 2.0, 3.0]
""",
    "tests/test_cli.py": """from calc.cli import summarise


def test_summarise():
    assert summarise([1.0, 3.0], 2.0)["mean"] == 4.0
""",
    "reproduce.sh": """#!/usr/bin/env bash
set -euo pipefail
cd "$(dirname "$0")"
python -m calc "1 2 3 4" --factor 2 --out "$TMPDIR/summary.json"
python -m calc "5,6,7"
""",
    "README.md": '# calc\n\n`python -m calc "1 2 3" --factor 2`\n',
}

BLUEPRINT = Blueprint(
    project_name="calc",
    summary="Summary statistics of numbers from the command line.",
    files=[FileSpec(path=p, purpose=f"part of calc: {p}") for p in BASE],
)


@dataclass
class Case:
    name: str
    kind: str
    expected: str  # cheapest stage that can detect it: static | dynamic
    mutations: list[tuple[str, str, str]] = field(default_factory=list)  # file, old, new
    delete: str | None = None
    fix_requirements: str | None = None  # the fix declares this requirement
    fuzzy: bool = False  # the scripted fix copies SEARCH with damaged whitespace

    def build(self, repo: Path) -> None:
        files = dict(BASE)
        for path, old, new in self.mutations:
            assert files[path].count(old) >= 1, (self.name, old)
            files[path] = files[path].replace(old, new)
        if self.delete:
            del files[self.delete]
        for path, text in files.items():
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(text)

    def fix(self) -> list[dict[str, str]]:
        """The correct edit, as the repair model would send it."""
        if self.delete:
            return [{"file": self.delete, "search": "", "replace": BASE[self.delete]}]
        edits = []
        for path, old, new in self.mutations:
            search, replace = new, old
            if self.fuzzy:
                search = "\n".join(line.strip() + "  " for line in search.splitlines())
            edits.append({"file": path, "search": search, "replace": replace})
        if self.fix_requirements:
            edits.append(
                {"file": "requirements.txt", "search": "", "replace": self.fix_requirements}
            )
        return edits


def M(path: str, old: str, new: str) -> tuple[str, str, str]:
    return (path, old, new)


CORE, IO, CLI, SH = "calc/core.py", "calc/io.py", "calc/cli.py", "reproduce.sh"
FUTURE = "from __future__ import annotations\n\n"
CASES: list[Case] = [
    # syntax errors
    Case("colon", "syntax", "static", [M(CORE, "-> float:\n    if not", "-> float\n    if not")]),
    Case("paren", "syntax", "static", [M(IO, ".split()]\n", ".split()\n")]),
    Case("indent", "syntax", "static", [M(CLI, "    args = parser", "      args = parser")]),
    Case(
        "shell",
        "syntax",
        "static",
        [M(SH, 'cd "$(dirname "$0")"\n', 'if cd "$(dirname "$0")"; then\n')],
    ),
    # undefined names
    Case(
        "len-var",
        "undefined name",
        "static",
        [M(CORE, "/ len(values)\n\n\ndef var", "/ len(vals)\n\n\ndef var")],
    ),
    Case("print-var", "undefined name", "static", [M(CLI, "print(summary)", "print(summry)")]),
    Case(
        "helper",
        "undefined name",
        "static",
        [M(IO, "return parse_numbers(path", "return parse_number(path")],
    ),
    Case(
        "callee",
        "undefined name",
        "static",
        [M(CORE, "m = mean(values)", "m = average(values)")],
        fuzzy=True,
    ),
    # missing imports
    Case("math", "missing import", "static", [M(CORE, FUTURE + "import math\n", FUTURE)]),
    Case("json", "missing import", "static", [M(IO, FUTURE + "import json\n", FUTURE)]),
    Case(
        "pathlib",
        "missing import",
        "static",
        [M(CLI, "argparse\nfrom pathlib import Path\n", "argparse\n")],
    ),
    Case("argparse", "missing import", "static", [M(CLI, FUTURE + "import argparse\n", FUTURE)]),
    # wrong symbol imported from a sibling module
    Case(
        "std_dev",
        "wrong symbol",
        "static",
        [M(CLI, "scale, stddev", "scale, std_dev"), M(CLI, '"std": stddev(', '"std": std_dev(')],
    ),
    Case(
        "parse_nums",
        "wrong symbol",
        "static",
        [
            M(
                "tests/test_core.py",
                "from calc.io import parse_numbers",
                "from calc.io import parse_nums",
            ),
            M("tests/test_core.py", "assert parse_numbers(", "assert parse_nums("),
        ],
    ),
    Case(
        "save_summary",
        "wrong symbol",
        "static",
        [
            M(CLI, "import dump_summary,", "import save_summary,"),
            M(CLI, "        dump_summary(", "        save_summary("),
        ],
    ),
    Case(
        "run",
        "wrong symbol",
        "static",
        [
            M(
                "calc/__main__.py",
                "import main\n\nraise SystemExit(main())",
                "import run\n\nraise SystemExit(run())",
            )
        ],
    ),
    # wrong arity
    Case(
        "extra-arg",
        "wrong arity",
        "static",
        [M(CLI, "scale(values, factor)", "scale(values, factor, True)")],
    ),
    Case(
        "missing-arg",
        "wrong arity",
        "static",
        [
            M(
                CLI,
                "summarise(parse_numbers(args.numbers), args.factor)",
                "summarise(parse_numbers(args.numbers))",
            )
        ],
    ),
    Case(
        "bad-keyword",
        "wrong arity",
        "static",
        [
            M(
                "tests/test_cli.py",
                "summarise([1.0, 3.0], 2.0)",
                "summarise([1.0, 3.0], factor=2.0, clip=True)",
            )
        ],
    ),
    Case(
        "ddof",
        "wrong arity",
        "static",
        [M(CORE, "sqrt(variance(values))", "sqrt(variance(values, ddof=1))")],
        fuzzy=True,
    ),
    # missing files
    Case("no-io", "missing file", "static", delete=IO),
    Case("no-core", "missing file", "static", delete=CORE),
    Case("no-test", "missing file", "static", delete="tests/test_cli.py"),
    Case("no-reproduce", "missing file", "static", delete=SH),
    # missing dependencies
    Case(
        "yaml",
        "missing dependency",
        "static",
        [
            M(IO, "import json\n", "import json\n\nimport yaml\n"),
            M(
                IO,
                "def load_numbers",
                "def load_config(path: Path) -> dict:\n"
                "    return yaml.safe_load(path.read_text())\n\n\ndef load_numbers",
            ),
        ],
        fix_requirements="pyyaml\n",
    ),
    Case(
        "yaml-from",
        "missing dependency",
        "static",
        [
            M(CLI, "import argparse\n", "import argparse\n\nfrom yaml import safe_dump\n"),
            M(CLI, "    print(summary)\n", "    print(safe_dump(summary))\n"),
        ],
        fix_requirements="pyyaml\n",
    ),
    Case(
        "attrs",
        "missing dependency",
        "static",
        [
            M(CORE, "import math\n", "import math\n\nimport attr\n"),
            M(
                CORE,
                "def scale",
                "@attr.s\nclass Stats:\n    n = attr.ib(default=0)\n\n\ndef scale",
            ),
        ],
        fix_requirements="attrs\n",
    ),
    Case(
        "dateutil",
        "missing dependency",
        "static",
        [
            M(
                IO,
                "from pathlib import Path\n",
                "from pathlib import Path\n\nfrom dateutil import parser as dateparser\n",
            ),
            M(
                IO,
                "def load_numbers",
                "def parse_day(text: str) -> str:\n"
                "    return dateparser.parse(text).date().isoformat()\n\n\ndef load_numbers",
            ),
        ],
        fix_requirements="python-dateutil\n",
    ),
    # runtime exceptions
    Case(
        "zero-div",
        "runtime exception",
        "dynamic",
        [
            M(
                CORE,
                "/ len(values)\n\n\ndef variance",
                "/ (len(values) - len(values))\n\n\ndef variance",
            )
        ],
    ),
    Case(
        "bad-split",
        "runtime exception",
        "dynamic",
        [M(IO, 'text.replace(",", " ").split()', 'text.split(" ")')],
    ),
    Case(
        "import-keyerror",
        "runtime exception",
        "dynamic",
        [
            M(
                CORE,
                "import math\n",
                'import math\n\n_DEFAULTS = {"factor": 1.0}\nDEFAULT_FACTOR = _DEFAULTS["scale"]\n',
            )
        ],
    ),
    Case(
        "main-keyerror",
        "runtime exception",
        "dynamic",
        [M(CLI, "print(summary)", 'print(summary["median"])')],
    ),
    Case(
        "type-error",
        "runtime exception",
        "dynamic",
        [M(IO, "indent=2))", "indent=2) + 1)")],
        fuzzy=True,
    ),
    # infinite loops
    Case(
        "import-loop",
        "infinite loop",
        "dynamic",
        [M(CORE, "import math\n", "import math\n\nwhile True:\n    pass\n")],
    ),
    Case(
        "test-loop",
        "infinite loop",
        "dynamic",
        [
            M(
                CORE,
                "    m = mean(values)\n",
                "    m = mean(values)\n    while m == m:\n        m = m\n",
            )
        ],
    ),
    Case(
        "main-loop",
        "infinite loop",
        "dynamic",
        [
            M(
                CLI,
                "    args = parser.parse_args(argv)\n",
                "    args = parser.parse_args(argv)\n"
                "    while not args.out and args.factor:\n        pass\n",
            )
        ],
    ),
    Case(
        "parse-loop",
        "infinite loop",
        "dynamic",
        [
            M(
                IO,
                '    return [float(tok) for tok in text.replace(",", " ").split()]',
                '    while "," in text:\n        text = text.replace(",,", ",")\n'
                "    return [float(tok) for tok in text.split()]",
            )
        ],
    ),
    # wrong CLI flags in reproduce.sh
    Case("flag-name", "wrong CLI flag", "dynamic", [M(SH, "--factor 2", "--scale 2")]),
    Case("flag-long", "wrong CLI flag", "dynamic", [M(SH, '--out "$TMPDIR', '--output "$TMPDIR')]),
    Case(
        "flag-positional",
        "wrong CLI flag",
        "dynamic",
        [M(SH, 'calc "5,6,7"', 'calc --numbers "5,6,7"')],
    ),
    Case("flag-value", "wrong CLI flag", "dynamic", [M(SH, "--factor 2", "--factor two")]),
]


@dataclass
class Result:
    case: Case
    stage: str  # static | dynamic | missed
    located: bool
    repaired: bool
    rounds: int
    seconds: float
    checks: list[str]


def detected_stage(checks: list[Check]) -> str:
    failed = [c for c in checks if c.status == "failed"]
    if any(c.stage == "static" for c in failed):
        return "static"
    return "dynamic" if failed else "missed"


def touched(case: Case) -> set[str]:
    return {m[0] for m in case.mutations} | ({case.delete} if case.delete else set())


async def run_case(case: Case, work: Path, cfg: DynamicConfig, cache: Path) -> Result:
    root = work / case.name
    repo = root / "repo"
    repo.mkdir(parents=True)
    case.build(repo)
    sandbox = LocalSandbox(repo, state_dir=root / "sandbox", venv_cache=cache)
    verifier = Verifier(repo, BLUEPRINT, sandbox, cfg, None)
    first: list[list[Check]] = []

    async def verify() -> list[Check]:
        checks = await verifier.verify()
        if not first:
            first.append(checks)
        return checks

    def reply(request: ModelRequest) -> dict:
        return {"analysis": f"injected {case.kind}", "edits": case.fix()}

    repairer = Repairer(ScriptedModel(reply), repo, BLUEPRINT, max_rounds=2)
    start = time.monotonic()
    outcome = await repair_loop(verify, repairer, 2)
    initial = first[0]
    failing = [f for c in initial if c.status == "failed" for f in c.findings]
    verified = not any(c.status == "failed" for c in outcome.checks)
    return Result(
        case=case,
        stage=detected_stage(initial),
        located=any(f.file in touched(case) for f in failing),
        repaired=verified and bool(outcome.rounds),
        rounds=len(outcome.rounds),
        seconds=time.monotonic() - start,
        checks=sorted({c.name for c in initial if c.status == "failed"}),
    )


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", help="run one bug class (e.g. 'infinite loop')")
    parser.add_argument("--venv-cache", type=Path, default=default_venv_cache())
    parser.add_argument("--json", type=Path, help="also write per-case results here")
    args = parser.parse_args()
    cfg = DynamicConfig(import_timeout_s=3, test_timeout_s=10, smoke_timeout_s=10, memory_mb=2048)
    work = Path(tempfile.mkdtemp(prefix="repowright-bugs-"))
    try:
        base = work / "base" / "repo"
        base.mkdir(parents=True)
        Case("base", "none", "").build(base)
        sandbox = LocalSandbox(base, state_dir=work / "base-sandbox", venv_cache=args.venv_cache)
        base_checks = await Verifier(base, BLUEPRINT, sandbox, cfg, None).verify()
        base_ok = not any(c.status == "failed" for c in base_checks)
        print(
            f"clean repository verifies: {'yes' if base_ok else 'NO'}\n"
            f"isolation: {sandbox.isolation_report()}"
        )
        for c in base_checks:
            if c.status == "failed":
                print("  ", c.name, [f.label() for f in c.findings])
        cases = [c for c in CASES if not args.only or c.kind == args.only]
        gate = asyncio.Semaphore(args.jobs)

        async def bounded(case: Case) -> Result:
            async with gate:
                return await run_case(case, work, cfg, args.venv_cache)

        start = time.monotonic()
        results = await asyncio.gather(*(bounded(c) for c in cases))
        elapsed = time.monotonic() - start
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(results, elapsed)
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "name": r.case.name,
                        "class": r.case.kind,
                        "expected": r.case.expected,
                        "stage": r.stage,
                        "located": r.located,
                        "repaired": r.repaired,
                        "rounds": r.rounds,
                        "seconds": round(r.seconds, 2),
                        "checks": r.checks,
                    }
                    for r in results
                ],
                indent=2,
            )
        )
    all_good = base_ok and all(r.stage == r.case.expected and r.repaired for r in results)
    return 0 if all_good else 1


def report(results: list[Result], elapsed: float) -> None:
    by_kind: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_kind[r.case.kind].append(r)
    head = (
        f"{'bug class':<20}{'n':>3}{'static':>8}{'dynamic':>9}{'missed':>8}"
        f"{'cheapest':>10}{'located':>9}{'repaired':>10}{'s/case':>8}"
    )
    print(head)
    print("-" * len(head))
    for kind, rs in by_kind.items():
        n = len(rs)
        count = {s: sum(r.stage == s for r in rs) for s in ("static", "dynamic", "missed")}
        print(
            f"{kind:<20}{n:>3}{count['static']:>8}{count['dynamic']:>9}{count['missed']:>8}"
            f"{sum(r.stage == r.case.expected for r in rs):>7}/{n:<2}"
            f"{sum(r.located for r in rs):>6}/{n:<2}{sum(r.repaired for r in rs):>7}/{n:<2}"
            f"{sum(r.seconds for r in rs) / n:>8.1f}"
        )
    n = len(results)
    detected = sum(r.stage != "missed" for r in results)
    print("-" * len(head))
    print(
        f"detected {detected}/{n} ({sum(r.stage == 'static' for r in results)} static, "
        f"{sum(r.stage == 'dynamic' for r in results)} dynamic); cheapest stage "
        f"{sum(r.stage == r.case.expected for r in results)}/{n}; located "
        f"{sum(r.located for r in results)}/{n}; repaired {sum(r.repaired for r in results)}/{n}; "
        f"{elapsed:.0f}s wall"
    )
    for r in results:
        if r.stage != r.case.expected or not r.repaired or not r.located:
            print(
                f"  {r.case.kind}/{r.case.name}: stage={r.stage} (expected {r.case.expected}), "
                f"located={r.located}, repaired={r.repaired}, rounds={r.rounds}, "
                f"failed checks={r.checks}"
            )


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
