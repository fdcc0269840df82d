"""Prompt size per generated file as the repository grows: full source vs CodeMem vs nothing.

Synthetic blueprints of 10, 50 and 200 Python files with realistic fan-in (a few hub modules
such as config/utils used by many files, the rest importing 1-4 earlier modules), generated
with the scripted model: each reply is a realistic-sized module (80-200 lines) implementing the
planned interface. Prompt tokens are the same ~4 chars/token estimate the budget uses.

    PYTHONPATH=src python benchmarks/context.py
"""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from repowright.artifacts.blueprint import Blueprint, FileSpec, Symbol
from repowright.config import Settings
from repowright.documents.schema import Document, Segment
from repowright.generate.events import FileGenerated
from repowright.generate.phase import run_generate
from repowright.models.base import ModelRequest
from repowright.models.scripted import ScriptedModel
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir

SIZES = (10, 50, 200)
UNBOUNDED = 10_000_000
MODES = ("full", "codemem", "none")
HUBS = 3


def blueprint(n: int, rng: random.Random) -> Blueprint:
    files: list[FileSpec] = []
    for i in range(n):
        path = f"pkg/mod{i:03d}.py"
        earlier = [f.path for f in files]
        hubs, rest = earlier[:HUBS], earlier[HUBS:]
        deps = rng.sample(hubs, min(len(hubs), rng.randint(0, 2)))
        deps += rng.sample(rest, min(len(rest), rng.randint(1, 3)))
        funcs = [
            Symbol(
                name=f"op{i}_{k}",
                signature=f"def op{i}_{k}(data: list[float], scale: float = 1.0) -> list[float]",
            )
            for k in range(3)
        ]
        funcs.append(Symbol(name=f"Model{i}", kind="class", signature=f"class Model{i}"))
        files.append(
            FileSpec(
                path=path,
                purpose=f"stage {i} of the pipeline",
                interface=funcs,
                dependencies=sorted(deps),
            )
        )
    return Blueprint(project_name="synthetic", summary="benchmark", files=files)


def module_source(spec: FileSpec, rng: random.Random) -> str:
    """A plausible 80-200 line module implementing the spec's planned interface."""
    imports = [
        f"from {d.removesuffix('.py').replace('/', '.')} import *" for d in spec.dependencies
    ]
    lines = [
        f'"""{spec.purpose}."""',
        "",
        "from __future__ import annotations",
        "",
        "import math",
        *imports,
        "",
        f"SCALE_{spec.path[-6:-3]} = {rng.random():.3f}",
        "",
    ]
    target = rng.randint(80, 200)
    for sym in spec.interface:
        if sym.kind == "class":
            lines += [
                f"class {sym.name}:",
                f'    """Holds the state of {spec.purpose}."""',
                "",
                "    def __init__(self, width: int = 8, depth: int = 2) -> None:",
                "        self.width = width",
                "        self.depth = depth",
                "        self.weights = [0.0] * width",
                "",
            ]
            k = 0
            while len(lines) < target - 8:
                lines += [
                    f"    def step_{k}(self, batch: list[float]) -> float:",
                    f'        """Update step {k}: scale, clip and accumulate the batch."""',
                    "        total = 0.0",
                    "        for j, x in enumerate(batch):",
                    "            w = self.weights[j % self.width]",
                    "            total += math.tanh(x * (w + 1.0)) / (1 + j)",
                    "        return total / max(1, len(batch))",
                    "",
                ]
                k += 1
        else:
            lines += [
                f"{sym.signature}:",
                '    """Normalise the data, then scale it."""',
                "    if not data:",
                "        return []",
                "    mean = sum(data) / len(data)",
                "    var = sum((x - mean) ** 2 for x in data) / len(data)",
                "    std = math.sqrt(var) or 1.0",
                "    return [scale * (x - mean) / std for x in data]",
                "",
                "",
            ]
    return "\n".join(lines) + "\n"


def document() -> Document:
    text = "The method normalises every stage output and scales it before the next stage. " * 8
    return Document(
        segments=[
            Segment(
                id=f"s{i}",
                section_id=str(i),
                title=f"Section {i}",
                text=text,
                tokens=len(text) // 4,
            )
            for i in range(12)
        ]
    )


async def measure(n: int, mode: str, root: Path) -> tuple[list[int], float]:
    rng = random.Random(n)
    bp = blueprint(n, rng)
    sources = {f.path: module_source(f, rng) for f in bp.files}
    run = RunDir.create(root / f"{mode}-{n}", "bench")
    run.write_yaml("blueprint.yaml", bp)
    run.write_json("document.json", document())

    def reply(request: ModelRequest) -> str:
        return sources[request.tag.removeprefix("generate:")]

    ctx = RunContext(
        run=run,
        model=ScriptedModel(reply),
        settings=Settings(memory=mode, jobs=1, context_budget=UNBOUNDED),
    )
    start = time.perf_counter()
    await run_generate(ctx)
    tokens = [e.prompt_tokens for e in run.events if isinstance(e, FileGenerated)]
    return tokens, time.perf_counter() - start


async def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            for mode in MODES:
                tokens, secs = await measure(n, mode, Path(tmp))
                rows.append((n, mode, statistics.mean(tokens), max(tokens), sum(tokens), secs))
    print(f"{'files':>5} {'memory':>8} {'mean/file':>10} {'max/file':>9} {'total':>11} {'sec':>5}")
    for n, mode, mean, peak, total, secs in rows:
        print(f"{n:>5} {mode:>8} {mean:>10.0f} {peak:>9} {total:>11} {secs:>5.1f}")
    totals = {(n, m): t for n, m, _, _, t, _ in rows}
    for n in SIZES:
        ratio = totals[(n, "full")] / totals[(n, "codemem")]
        print(f"{n} files: full / codemem total prompt tokens = {ratio:.1f}x")
    peak = max(p for _, m, _, p, _, _ in rows if m == "codemem")
    print(f"codemem max prompt {peak} tokens with no budget applied (default budget: ", end="")
    print(f"{Settings().context_budget}); every mode ran unbounded so `full` shows its growth")


if __name__ == "__main__":
    asyncio.run(main())
