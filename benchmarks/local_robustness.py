"""Does the whole pipeline reach a report on the embedded local model, whatever the spec?

    python benchmarks/local_robustness.py [--specs 12] [--pdf PATH]

A 135M model rarely produces a repository that verifies; what must hold is that every run ends
in an honest verdict (`verified` or `failed`) instead of crashing. Each spec runs the full
pipeline in a temporary run directory; the table shows the outcome, model calls, completion
tokens and wall time. Slow (about a minute per spec on 2 cores), hence not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from repowright.config import Settings
from repowright.errors import RepowrightError
from repowright.pipeline.session import create_run, drive

SPECS = [
    "A Python module `adder.py` with a function add(a, b) that returns a + b.",
    "A Python package `stats` with mean, median and variance over lists of floats, with tests.",
    "A tiny linear regression trained by gradient descent in numpy; reproduce.sh trains on "
    "synthetic data and prints the final loss.",
    "A command-line word counter: `python -m wc FILE` prints lines, words and characters.",
    "A Python function fib(n) returning the n-th Fibonacci number, memoized, with tests.",
    "A k-means clustering implementation in pure Python with a demo on random points.",
    "Classes Item and Inventory with add/remove/total_value, persisted to CSV, with tests.",
    "Reproduce the perceptron learning algorithm on a linearly separable toy dataset and "
    "report accuracy.",
    "A Markdown table formatter: read CSV from stdin and print an aligned Markdown table.",
    "Train a two-layer MLP with numpy on XOR using backpropagation; print the loss every 100 "
    "epochs.",
    "A priority queue library (push, pop, peek) as a binary heap, with a benchmark against heapq.",
    "Dijkstra's shortest path over a weighted graph read from JSON; the CLI prints path and cost.",
]


async def one(label: str, path: Path | None, text: str | None, root: Path) -> list[str]:
    settings = Settings(model="local", jobs=2, fix_rounds=1)
    start = time.monotonic()
    try:
        run = create_run(path, text, settings, root / "run")
        outcome = await drive(run, settings)
        totals = outcome.totals
        result = [outcome.status, str(totals.calls), str(totals.completion_tokens)]
    except RepowrightError as exc:
        result = [f"[red]error[/]: {type(exc).__name__}: {str(exc)[:80]}", "-", "-"]
    return [label, *result, f"{time.monotonic() - start:.0f}"]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--specs", type=int, default=len(SPECS), help="How many specs to run.")
    parser.add_argument("--pdf", type=Path, help="Also run this paper (e.g. a PDF).")
    args = parser.parse_args()
    jobs: list[tuple[str, Path | None, str | None]] = [
        (f"{i}: {spec[:30]}", None, spec) for i, spec in enumerate(SPECS[: args.specs])
    ]
    if args.pdf:
        jobs.append((args.pdf.name, args.pdf, None))
    table = Table(title="Local model: does every run end in a verdict?", title_justify="left")
    for col in ("input", "outcome", "calls", "completion tokens", "seconds"):
        table.add_column(col, justify="left" if col in ("input", "outcome") else "right")
    crashed = 0
    for label, path, text in jobs:
        with tempfile.TemporaryDirectory() as tmp:
            row = await one(label, path, text, Path(tmp))
        crashed += row[1].startswith("[red]")
        table.add_row(*row)
    console = Console()
    console.print(table)
    console.print(f"{len(jobs) - crashed}/{len(jobs)} runs ended in a verdict")


if __name__ == "__main__":
    asyncio.run(main())
