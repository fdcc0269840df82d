"""Embedded local model: server start time, time to first token, prompt/generation speed, memory.

    python benchmarks/local_model.py [--model NAME | PATH.gguf] [--runs 3]

Speeds come from streamed chat completions through the same OpenAI client path the pipeline
uses. Prompt throughput is prompt tokens / time to first token; generation throughput is
completion tokens / time after the first token. Peak memory is the server's VmHWM.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from pathlib import Path

import openai
from rich.console import Console
from rich.table import Table

from repowright.models.local import local_context, local_weights
from repowright.models.local_server import LocalServer

PROMPTS = {
    "short": "Write a Python function that adds two numbers.",
    "long": "Summarise the following requirements as a bullet list.\n"
    + "- The service stores todo items in SQLite and exposes a REST API.\n" * 60,
}


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def one(client: openai.AsyncOpenAI, prompt: str, max_tokens: int) -> dict[str, float]:
    start = time.monotonic()
    first = None
    usage = None
    stream = await client.chat.completions.create(
        model="local",
        messages=[{"role": "user", "content": prompt}],
        max_tokens=max_tokens,
        temperature=0.0,
        stream=True,
        stream_options={"include_usage": True},
    )
    pieces = 0
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content and first is None:
            first = time.monotonic()
        if chunk.choices and chunk.choices[0].delta.content:
            pieces += 1
        if chunk.usage:
            usage = chunk.usage
    end = time.monotonic()
    first = first or end
    if usage is None:  # llama-cpp-python's stream carries no usage: count the prompt once
        counted = await client.chat.completions.create(
            model="local", messages=[{"role": "user", "content": prompt}], max_tokens=1
        )
        usage_tokens = counted.usage.prompt_tokens if counted.usage else 0
    prompt_tokens = usage.prompt_tokens if usage else usage_tokens
    completion = usage.completion_tokens if usage else pieces
    return {
        "ttft": first - start,
        "prompt_tps": prompt_tokens / max(first - start, 1e-9),
        "gen_tps": max(completion - 1, 0) / max(end - first, 1e-9),
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--model", default="", help="a catalogued name (qwen-coder-1.5b) or a GGUF path"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--max-tokens", type=int, default=128)
    args = parser.parse_args()
    path = local_weights(args.model)
    server = LocalServer(path, n_ctx=local_context(path))
    async with server as base_url:
        client = openai.AsyncOpenAI(base_url=base_url, api_key="local")
        rows = []
        for name, prompt in PROMPTS.items():
            await one(client, prompt, 8)  # warm-up: first call loads caches
            # A distinct first line per run defeats the server's prompt cache.
            results = [
                await one(client, f"Request {i}.\n{prompt}", args.max_tokens)
                for i in range(args.runs)
            ]
            rows.append((name, results))
        assert server.process is not None
        rss = peak_rss_mb(server.process.pid)
        await client.close()
    table = Table(title=f"local model: {path.name} ({path.stat().st_size / 2**20:.0f} MiB)")
    for col in ("prompt", "prompt tok", "gen tok", "TTFT s", "prompt tok/s", "gen tok/s"):
        table.add_column(col, justify="right")
    for name, results in rows:

        def med(key: str, results: list[dict[str, float]] = results) -> float:
            return statistics.median(r[key] for r in results)

        table.add_row(
            name,
            f"{med('prompt_tokens'):.0f}",
            f"{med('completion_tokens'):.0f}",
            f"{med('ttft'):.2f}",
            f"{med('prompt_tps'):.0f}",
            f"{med('gen_tps'):.1f}",
        )
    console = Console()
    console.print(table)
    console.print(f"server start: {server.started_in_s:.2f} s · peak server RSS: {rss:.0f} MiB")
    console.print(f"(medians of {args.runs} runs after a warm-up; machine load affects speeds)")


if __name__ == "__main__":
    asyncio.run(main())
