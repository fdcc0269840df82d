"""What each sandbox backend costs per command, and which escape attempts it blocks here.

    python benchmarks/sandbox.py [--runs 20]

Start-up overhead is the median wall time of `python -c pass` through the backend minus the
same command with no sandbox (`none`), measured in one run; compare ratios, not absolute
milliseconds across machines. The escape table is the probe every sandbox runs at start
(`sandbox/probe.py`): "blocked" means the attempt failed inside the sandbox.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from repowright.sandbox.backends import BACKENDS, make_backend
from repowright.sandbox.local import LocalSandbox


async def measure(name: str, runs: int) -> tuple[float, dict[str, bool]]:
    with tempfile.TemporaryDirectory(prefix="repowright-bench-") as folder:
        sandbox = LocalSandbox(Path(folder), backend=name)
        isolation = await sandbox.check_isolation()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            result = await sandbox.run([sandbox.python, "-c", "pass"])
            times.append(time.perf_counter() - start)
            if not result.ok:
                raise RuntimeError(f"{name}: {result.output[-300:]}")
        return statistics.median(times) * 1000, isolation.properties()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    console = Console()
    results: dict[str, tuple[float, dict[str, bool]]] = {}
    skipped: dict[str, str] = {}
    for name in BACKENDS:
        why = make_backend(name).unavailable()
        if why:
            skipped[name] = why
            continue
        results[name] = await measure(name, args.runs)
    base = results["none"][0]
    speed = Table(title=f"sandbox start-up: median of {args.runs} `python -c pass`")
    for column in ("backend", "ms", "overhead ms", "x none"):
        speed.add_column(column, justify="right")
    for name, (ms, _) in results.items():
        speed.add_row(name, f"{ms:.1f}", f"{ms - base:+.1f}", f"{ms / base:.2f}")
    console.print(speed)
    attempts = list(next(iter(results.values()))[1])
    escapes = Table(title="escape attempts (probe): blocked here?")
    escapes.add_column("attempt")
    for name in results:
        escapes.add_column(name, justify="center")
    for attempt in attempts:
        cells = ["blocked" if results[n][1][attempt] else "[red]ESCAPES[/]" for n in results]
        escapes.add_row(attempt.replace("_", " "), *cells)
    console.print(escapes)
    for name, why in skipped.items():
        console.print(f"{name}: not measured ({why})")


if __name__ == "__main__":
    asyncio.run(main())
