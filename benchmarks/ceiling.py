"""The model alone on the e2e specs: each file written by it, the rest of the repository right.

    python benchmarks/ceiling.py --model local:qwen-coder-1.5b [--specs rle,roman] [--samples 4]
        [--out runs/ceiling]

For each spec and each Python file of its reference solution (not `__init__.py`), the model is
given the whole spec and the exact source of the reference's other files, and writes that
file: greedily, then `--samples - 1` more at the repair search's temperature (0.8), each with
its own seed. Each reply, cleaned as the pipeline cleans it, replaces the file in a copy of the
reference, and the spec's acceptance tests are run as `e2e.py` runs them. With `--out`, each
reply is kept as `OUT/<spec>/<file>.<n>` (n = 0 is the greedy one).

What it separates: `e2e.py` scores the pipeline and the model together. Here the rest of the
repository is right and shown in full, so the model is asked the easiest form of each file's
task: no plan to follow, no neighbour to guess, one file at a time, but also none of the
pipeline's rules, document examples or repair. "greedy" is what one reply per file gets
that way, and "best" what picking the right one of the samples would add (picked with the
hidden tests: an upper bound on choosing, not a method). A spec that scores low here, in
greedy and best, is limited by the model more than by the pipeline around it. The summary row
counts, per spec, its weakest file.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

from benchmarks.e2e import SPECS_DIR, Score, acceptance, expected_total, spec_ids

from repowright.generate.body import file_body
from repowright.models.base import Message, Model, ModelRequest
from repowright.models.registry import open_model
from repowright.models.tokens import estimate_tokens
from repowright.prompts import render
from repowright.verify.candidates import SEARCH_TEMPERATURE

PROMPT = "ceiling_user.j2"


@dataclass
class Ceiling:
    spec: str
    path: str
    scores: list[Score]
    """Greedy first, then the samples."""

    @property
    def greedy(self) -> int:
        return self.scores[0].passed

    @property
    def best(self) -> int:
        return max(s.passed for s in self.scores)

    @property
    def total(self) -> int:
        return self.scores[0].total

    @property
    def perfect(self) -> int:
        return sum(s.passed == s.total for s in self.scores)


def written_files(spec: str) -> list[str]:
    """The reference's Python files the model writes, one at a time (`__init__.py` files only
    re-export)."""
    reference = SPECS_DIR / spec / "reference"
    paths = (p.relative_to(reference).as_posix() for p in reference.rglob("*.py"))
    return sorted(p for p in paths if not p.endswith("__init__.py") and "/tests/" not in p)


def messages(spec: str, path: str) -> list[Message]:
    """The spec, the other reference files, and the ask: the most a file's prompt could hold."""
    reference = SPECS_DIR / spec / "reference"
    others = [
        (p.relative_to(reference).as_posix(), p.read_text(encoding="utf-8"))
        for p in sorted(reference.rglob("*.py"))
        if p.relative_to(reference).as_posix() != path
    ]
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    user = env.get_template(PROMPT).render(
        document=(SPECS_DIR / spec / "spec.md").read_text(encoding="utf-8"),
        others=others,
        path=path,
    )
    return [
        Message(role="system", content=render("generate_system")),
        Message(role="user", content=user.strip() + "\n"),
    ]


async def ceiling(
    model: Model, spec: str, path: str, samples: int, total: int, out: Path | None = None
) -> Ceiling:
    """Score `samples` replies for `path` of `spec` (the greedy one first); keep them in `out`."""
    reference = SPECS_DIR / spec / "reference"
    asked = messages(spec, path)
    limit = 2 * estimate_tokens((reference / path).read_text(encoding="utf-8")) + 512
    scores = []
    for i in range(samples):
        reply = await model.complete(
            ModelRequest(
                messages=asked,
                temperature=SEARCH_TEMPERATURE if i else 0.0,  # as the repair's search samples
                seed=i - 1 if i else None,
                max_tokens=limit,
                tag=f"ceiling:{spec}:{path}",
            )
        )
        written = file_body(path, reply.text)
        if out is not None:
            kept = out / spec / f"{path}.{i}"
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_text(written, encoding="utf-8")
        with tempfile.TemporaryDirectory() as tmp:
            repo = Path(tmp) / "repo"
            shutil.copytree(reference, repo)
            (repo / path).write_text(written, encoding="utf-8")
            scores.append(await acceptance(repo, spec, total))
        print(f"{spec} {path} #{i}: {scores[-1].passed}/{scores[-1].total}", flush=True)
    return Ceiling(spec, path, scores)


def print_rows(rows: list[Ceiling], model: str, samples: int) -> None:
    table = Table(title=f"ceiling: {model}, each file alone, the rest the reference")
    for col in ("spec", "file", "greedy", f"best of {samples}", "all pass", "mean"):
        table.add_column(col, justify="right")
    for r in rows:
        mean = sum(s.passed for s in r.scores) / len(r.scores)
        table.add_row(
            r.spec,
            r.path,
            f"{r.greedy}/{r.total}",
            f"{r.best}/{r.total}",
            f"{r.perfect}/{len(r.scores)}",
            f"{mean:.1f}",
        )
    weakest = {}
    for r in rows:  # a spec is as good as its weakest file
        if r.spec not in weakest or r.greedy < weakest[r.spec].greedy:
            weakest[r.spec] = r
    greedy = sum(r.greedy for r in weakest.values())
    best = sum(min(x.best for x in rows if x.spec == s) for s in weakest)
    total = sum(r.total for r in weakest.values())
    table.add_row(
        f"{len(weakest)} specs",
        "weakest file",
        f"{greedy}/{total} ({greedy / max(total, 1):.0%})",
        f"{best}/{total} ({best / max(total, 1):.0%})",
        "",
        "",
    )
    Console().print(table)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="local")
    parser.add_argument("--specs", default=None, help="comma-separated spec ids (default all)")
    parser.add_argument("--samples", type=int, default=4, help="replies per file, greedy first")
    parser.add_argument("--out", type=Path, default=None, help="keep every reply here")
    args = parser.parse_args()
    specs = spec_ids(args.specs)
    rows = []
    async with open_model(args.model) as model:
        for spec in specs:
            total = await expected_total(spec)
            for path in written_files(spec):
                rows.append(await ceiling(model, spec, path, max(args.samples, 1), total, args.out))
    print_rows(rows, args.model, max(args.samples, 1))


if __name__ == "__main__":
    asyncio.run(main())
