"""Helpers for grading tests: a tiny paper and rubric, scripted verdicts, a fake sandbox."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from repowright.models.base import ModelRequest
from repowright.sandbox.base import ExecResult, Limits

PAPER = """# Tiny Sort

## Abstract
We sort numbers with bubble sort and report that it sorts 5 numbers correctly.

## Method
Bubble sort repeatedly swaps adjacent items that are out of order.

## Results
Sorting [3, 1, 2, 5, 4] gives [1, 2, 3, 4, 5]; accuracy 100%.
"""


def leaf(node_id: str, category: str, weight: float = 1, text: str = "") -> dict[str, Any]:
    return {
        "id": node_id,
        "requirements": text or f"requirement {node_id}",
        "weight": weight,
        "sub_tasks": [],
        "task_category": category,
        "finegrained_task_category": "Method Implementation",
    }


def node(node_id: str, children: list[dict[str, Any]], weight: float = 1) -> dict[str, Any]:
    return {
        "id": node_id,
        "requirements": f"requirement {node_id}",
        "weight": weight,
        "sub_tasks": children,
        "task_category": None,
    }


def sample_rubric() -> dict[str, Any]:
    """root -> impl (2: cd-sort, cd-main) , run (1: ce-run, ra-result)."""
    return node(
        "root",
        [
            node(
                "impl",
                [
                    leaf("cd-sort", "Code Development", text="Bubble sort is implemented."),
                    leaf("cd-main", "Code Development", text="A main script sorts the list."),
                ],
                weight=2,
            ),
            node(
                "run",
                [
                    leaf("ce-run", "Code Execution", text="The sort script is executed."),
                    leaf("ra-result", "Result Analysis", text="The output is [1, 2, 3, 4, 5]."),
                ],
            ),
        ],
    )


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def verdicts(score: int = 1, explanation: str = "looks right") -> Any:
    """A script answering every leaf call with one verdict and every rank call with []."""

    def answer(request: ModelRequest) -> Any:
        if request.tag.startswith("grading:rank:"):
            return {"paths": []}
        return {"explanation": explanation, "score": score}

    return answer


class FakeSandbox:
    """Runs commands for real with a subprocess in `root` (no isolation: tests only)."""

    def __init__(self, root: Path, *, fake_timeout: bool = False) -> None:
        self.root = root
        self.fake_timeout = fake_timeout
        self.commands: list[list[str]] = []

    async def run(
        self,
        command: Sequence[str],
        *,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str = ".",
    ) -> ExecResult:
        self.commands.append(list(command))
        start = time.monotonic()
        proc = await asyncio.create_subprocess_exec(
            *command,
            cwd=self.root / cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        return ExecResult(
            command=list(command),
            returncode=None if self.fake_timeout else proc.returncode,
            stdout=out.decode(),
            stderr=err.decode(),
            timed_out=self.fake_timeout,
            duration_s=time.monotonic() - start,
        )

    def isolation_report(self) -> str:
        return "none (test sandbox)"
