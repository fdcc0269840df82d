"""How long the command line takes to start: `repowright --help` and `repowright version`.

    python benchmarks/cli_startup.py [--runs 7]

The pipeline, the model SDKs and the grading code are imported by the commands that use
them, so quick commands stay quick; this prints the median wall time of fresh processes.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

from rich.console import Console
from rich.table import Table


def median_seconds(argv: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    table = Table(title=f"CLI start-up (median of {args.runs} fresh processes)")
    table.add_column("command")
    table.add_column("seconds", justify="right")
    table.add_row(
        "python -c pass", f"{median_seconds([sys.executable, '-c', 'pass'], args.runs):.3f}"
    )
    for command in (["--help"], ["version"], ["run", "--help"]):
        table.add_row(
            f"repowright {' '.join(command)}",
            f"{median_seconds([sys.executable, '-m', 'repowright', *command], args.runs):.3f}",
        )
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
