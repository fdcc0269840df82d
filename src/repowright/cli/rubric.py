"""`repowright rubric` (what a rubric asks) and `repowright judge-eval` (how a judge agrees
with human grades)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from repowright.cli.common import handle_errors

if TYPE_CHECKING:
    from repowright.grading.rubric import RubricNode

out = Console(highlight=False, soft_wrap=True)
JsonOut = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def rubric_facts(root: RubricNode) -> dict[str, Any]:
    from repowright.grading.rubric import category_counts

    """Leaves per task category and fine-grained category, depth, total leaf weight."""
    leaves = root.leaves()

    def depth(node: RubricNode) -> int:
        return 1 + max((depth(c) for c in node.sub_tasks), default=0)

    fine = Counter(leaf.finegrained_task_category or "(none)" for leaf in leaves)
    return {
        "leaves": len(leaves),
        "nodes": sum(1 for _ in root.walk()),
        "categories": category_counts(root),
        "finegrained": dict(sorted(fine.items())),
        "depth": depth(root),
        "total_weight": sum(leaf.weight for leaf in leaves),
    }


def register(app: typer.Typer) -> None:
    @app.command()
    @handle_errors
    def rubric(
        path: Annotated[Path, typer.Argument(help="A PaperBench rubric.json.")],
        as_json: JsonOut = False,
    ) -> None:
        """Validate a rubric and count its leaves per category, its depth and weight."""
        from repowright.grading.rubric import load_rubric

        facts = rubric_facts(load_rubric(path))
        if as_json:
            typer.echo(json.dumps(facts))
            return
        table = Table(title=f"{path}: {facts['leaves']} leaves, depth {facts['depth']}")
        table.add_column("category")
        table.add_column("leaves", justify="right")
        for name, count in [*facts["categories"].items(), *facts["finegrained"].items()]:
            table.add_row(name, str(count))
        out.print(table)
        out.print(f"nodes {facts['nodes']}, total leaf weight {facts['total_weight']}")

    @app.command("judge-eval")
    @handle_errors
    def judge_eval(
        graded: Annotated[Path, typer.Argument(help="The judge's graded tree (graded.json).")],
        expected: Annotated[
            Path, typer.Argument(help="Human grades (PaperBench's expected_result.json).")
        ],
        as_json: JsonOut = False,
    ) -> None:
        """Compare a judge's leaf scores with human grades: accuracy, precision, recall, F1."""
        from repowright.grading.judge_eval import evaluate, load_graded

        result = evaluate(load_graded(graded), load_graded(expected))
        if as_json:
            typer.echo(json.dumps({**result.overall.model_dump(), **result.model_dump()}))
            return
        table = Table(title=f"judge vs human grades ({result.overall.n} leaves)")
        for col in ("leaves", "n", "accuracy", "precision", "recall", "F1"):
            table.add_column(col, justify="right")
        for name, a in [("overall", result.overall), *result.categories.items()]:
            table.add_row(name, str(a.n), f"{a.accuracy:.3f}", f"{a.precision:.3f}",
                          f"{a.recall:.3f}", f"{a.f1:.3f}")  # fmt: skip
        out.print(table)
        out.print(
            f"root score {result.root_score:.3f} vs {result.expected_root_score:.3f} "
            f"({result.root_score_diff:+.3f}); {len(result.unmatched)} unmatched leaves"
        )
