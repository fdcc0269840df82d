"""PaperBench's official rubrics: every one loads, and `repowright rubric` counts agree with
an independent count of the raw JSON.

    python benchmarks/rubrics.py [--paperbench DIR]   # default ../shared/paperbench
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from repowright.cli.rubric import rubric_facts
from repowright.errors import InputError
from repowright.grading.rubric import CATEGORIES, load_rubric


def raw_counts(data: dict[str, Any]) -> Counter[str]:
    """Leaves per task category, read straight from the JSON (no repowright model)."""
    counts: Counter[str] = Counter()
    stack = [data]
    while stack:
        item = stack.pop()
        if item.get("sub_tasks"):
            stack.extend(item["sub_tasks"])
        else:
            counts[item.get("task_category")] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1].parent / "shared" / "paperbench"
    parser.add_argument("--paperbench", type=Path, default=root)
    args = parser.parse_args()
    paths = sorted(args.paperbench.glob("*/rubric.json"))
    if not paths:
        print(f"skipped: no */rubric.json under {args.paperbench}")
        return 0
    table = Table(title=f"{len(paths)} PaperBench rubrics")
    for col in ("paper", "leaves", *CATEGORIES, "depth", "agrees with raw JSON"):
        table.add_column(col, justify="right")
    ok = True
    for path in paths:
        try:
            facts = rubric_facts(load_rubric(path))
        except InputError as exc:
            table.add_row(path.parent.name, f"[red]refused: {exc}[/]")
            ok = False
            continue
        raw = raw_counts(json.loads(path.read_text(encoding="utf-8")))
        agrees = all(facts["categories"][c] == raw[c] for c in CATEGORIES)
        agrees = agrees and facts["leaves"] == sum(raw.values())
        ok = ok and agrees
        table.add_row(path.parent.name, str(facts["leaves"]),
                      *(str(facts["categories"][c]) for c in CATEGORIES),
                      str(facts["depth"]), "yes" if agrees else "[red]NO[/]")  # fmt: skip
    Console(width=160).print(table)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
