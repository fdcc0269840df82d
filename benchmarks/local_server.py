"""Which server answers the embedded model faster: llama.cpp's `llama-server` or llama-cpp-python's.

    python benchmarks/local_server.py [--model qwen-coder-1.5b] [--tokens 200]

Both serve the same GGUF through repowright's own model path (`open_local_model`), on the
three kinds of call a run makes: a JSON reply constrained by a schema (planning, repair), a
free-text file, and two files at once (the generator runs independent files concurrently).
Speeds are completion tokens per wall-clock second; compare the ratio between the servers
in one run, not absolute numbers across machines.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time

from rich.console import Console
from rich.table import Table

from repowright.blueprint.reports import AlgorithmReport
from repowright.models.base import Message, Model, ModelRequest
from repowright.models.local import open_local_model
from repowright.models.local_server import SERVER_ENV, server_program

SPEC = (
    "A Python package `graphs` with Dijkstra's shortest path over adjacency dicts, a "
    "topological sort that raises CycleError on a cycle, and tests with pytest."
)
FILE = "Write the complete Python module graphs.py described here, with docstrings:\n" + SPEC


def request(kind: str, tokens: int, n: int = 0) -> ModelRequest:
    if kind == "json":
        prompt = f"List the equations, algorithms and hyperparameters of this spec:\n{SPEC}"
        schema = AlgorithmReport.model_json_schema()
        return ModelRequest(
            messages=[Message(role="user", content=prompt)], max_tokens=tokens, json_schema=schema
        )
    # A distinct first line per request defeats the prompt cache between measurements.
    text = f"Request {n}.\n{FILE}"
    return ModelRequest(messages=[Message(role="user", content=text)], max_tokens=tokens)


async def timed(model: Model, requests: list[ModelRequest]) -> tuple[float, int]:
    start = time.monotonic()
    replies = await asyncio.gather(*(model.complete(r) for r in requests))
    return time.monotonic() - start, sum(r.usage.completion_tokens for r in replies)


async def measure(name: str, tokens: int) -> list[tuple[str, float, int]]:
    rows = []
    async with open_local_model(name) as model:
        await model.complete(request("free", 8, 99))  # warm-up
        rows.append(("JSON (schema)", *await timed(model, [request("json", tokens)])))
        rows.append(("one file", *await timed(model, [request("free", tokens, 1)])))
        pair = [request("free", tokens, 2), request("free", tokens, 3)]
        rows.append(("two files at once", *await timed(model, pair)))
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="qwen-coder-1.5b")
    parser.add_argument("--tokens", type=int, default=200)
    args = parser.parse_args()
    if server_program() is None:
        raise SystemExit("llama-server is not built: make runtime")
    results = {}
    for server in ("llama-server", "llama-cpp-python"):
        os.environ[SERVER_ENV] = "" if server == "llama-server" else "python"
        results[server] = await measure(args.model, args.tokens)
    table = Table(title=f"local:{args.model}, completion tokens per second")
    for col in ("call", "llama-server", "llama-cpp-python", "ratio"):
        table.add_column(col, justify="right")
    for i, (call, *_) in enumerate(results["llama-server"]):
        fast, slow = (results[s][i] for s in ("llama-server", "llama-cpp-python"))
        speed = [tokens / max(wall, 1e-9) for _, wall, tokens in (fast, slow)]
        table.add_row(
            call,
            f"{speed[0]:.1f} ({fast[2]} tok, {fast[1]:.0f} s)",
            f"{speed[1]:.1f} ({slow[2]} tok, {slow[1]:.0f} s)",
            f"{speed[0] / max(speed[1], 1e-9):.2f}x",
        )
    Console().print(table)


if __name__ == "__main__":
    asyncio.run(main())
