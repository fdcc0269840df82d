"""What grading a paper costs with repowright's judge, per official PaperBench rubric.

    python benchmarks/judge_cost.py [--model o3-mini] [--price 1.10,4.40]
        [--submission-tokens 100000] [--reply-tokens 2000] [--paperbench DIR]

Each leaf's prompt is sized the way `grading/judge.py` sizes it: the evidence budget is what
the judge model's window holds (`grading.session.evidence_budget`), the whole paper goes in
when it fits in half of it (its token count from `paper.md` where PaperBench ships one, else
the median of those), the run log's share for execution and result leaves, and the
submission's files filling the rest. PaperBench reports about $66 per paper for its
SimpleJudge with o3-mini (Starace et al. 2025, JudgeEval); the table puts the estimate beside it.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from repowright.documents import load_document
from repowright.grading.judge import JudgeConfig
from repowright.grading.rubric import load_rubric
from repowright.grading.session import evidence_budget
from repowright.models.scripted import ScriptedModel

PAPERBENCH_O3_MINI_USD = 66.0
PROMPT_FIXED = 700
"""Instructions, the question and the reply schema (tokens)."""


def leaf_tokens(config: JudgeConfig, paper: int, submission: int, shows_run: bool) -> int:
    whole = paper if paper <= config.share("paper") else config.share("paper")
    log = config.share("log") if shows_run else 0
    files = min(submission, max(config.budget - whole - log, config.budget // 5))
    return PROMPT_FIXED + whole + log + files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1].parent / "shared" / "paperbench"
    parser.add_argument("--paperbench", type=Path, default=root)
    parser.add_argument("--model", default="o3-mini", help="API model id of the judge")
    parser.add_argument("--price", default="1.10,4.40", help="USD per million in,out tokens")
    parser.add_argument("--submission-tokens", type=int, default=100_000)
    parser.add_argument("--reply-tokens", type=int, default=2_000, help="incl. reasoning")
    args = parser.parse_args()
    rubrics = sorted(args.paperbench.glob("*/rubric.json"))
    if not rubrics:
        print(f"skipped: no */rubric.json under {args.paperbench}")
        return 0
    price_in, price_out = (float(x) / 1e6 for x in args.price.split(","))
    judge = ScriptedModel([])
    judge.model = args.model  # type: ignore[attr-defined]  # the id an API model carries
    config = JudgeConfig(context_budget=evidence_budget(JudgeConfig(), judge))
    papers = {
        p.parent.name: load_document(p).total_tokens()
        for p in sorted(args.paperbench.glob("*/paper.md"))
    }
    typical = int(statistics.median(papers.values())) if papers else 20_000
    table = Table(title=f"judge cost with {args.model} (evidence budget {config.budget:,})")
    for col in ("paper", "leaves", "paper tokens", "prompt tokens/leaf", "USD"):
        table.add_column(col, justify="right")
    costs = []
    for path in rubrics:
        leaves = load_rubric(path).leaves()
        paper = papers.get(path.parent.name, typical)
        tokens = [
            leaf_tokens(
                config, paper, args.submission_tokens, leaf.task_category != "Code Development"
            )
            for leaf in leaves
        ]
        usd = sum(t * price_in + args.reply_tokens * price_out for t in tokens)
        costs.append(usd)
        known = "" if path.parent.name in papers else " (est.)"
        table.add_row(path.parent.name, str(len(leaves)), f"{paper:,}{known}",
                      f"{statistics.mean(tokens):,.0f}", f"{usd:.2f}")  # fmt: skip
    Console(width=140).print(table)
    print(
        f"mean ${statistics.mean(costs):.2f} per paper (PaperBench reports about "
        f"${PAPERBENCH_O3_MINI_USD:.0f} for SimpleJudge with o3-mini)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
