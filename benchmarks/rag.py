"""CodeRAG on a large real codebase: indexing speed, index size, query latency, recall@5.

    python benchmarks/rag.py [PATH]

By default it indexes the installed `rich` package (about 100 files) plus `pydantic`, then
asks queries whose right file is known.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pydantic
import rich
from rich.console import Console
from rich.table import Table

from repowright.artifacts.blueprint import FileSpec
from repowright.rag.index import build_index
from repowright.rag.retrieve import Retriever

QUERIES = {  # blueprint-like file specs -> the file that should be retrieved
    ("progress_bar.py", "render a progress bar with completed and total"): "rich/progress_bar.py",
    ("syntax.py", "syntax highlighting of source code with line numbers"): "rich/syntax.py",
    ("markdown.py", "render markdown headings lists and code blocks"): "rich/markdown.py",
    ("table.py", "table with columns rows and column widths"): "rich/table.py",
    ("traceback.py", "pretty traceback with stack frames and locals"): "rich/traceback.py",
    ("tree.py", "tree with guide lines and child nodes"): "rich/tree.py",
    ("panel.py", "panel with a border box around content and a title"): "rich/panel.py",
    (
        "validators.py",
        "field validator decorator for model fields",
    ): "pydantic/functional_validators.py",
    ("json_schema.py", "generate json schema from a model"): "pydantic/json_schema.py",
    ("color.py", "parse color names hex and rgb triplets"): "rich/color.py",
}


def main() -> None:
    roots = [Path(p) for p in sys.argv[1:]] or [
        Path(rich.__file__).parent, Path(pydantic.__file__).parent,
    ]  # fmt: skip
    console = Console()
    with tempfile.TemporaryDirectory() as tmp:
        indexes, rows = [], []
        for root in roots:
            start = time.perf_counter()
            index, stats = build_index(root, Path(tmp))
            secs = time.perf_counter() - start
            again = time.perf_counter()
            build_index(root, Path(tmp))
            resecs = time.perf_counter() - again
            size = sum(p.stat().st_size for p in (Path(tmp) / index.name).rglob("*"))
            symbols = sum(len(f.symbols) for f in index.files)
            rows.append((index.name, len(index.files), symbols, secs, resecs, size, stats))
            indexes.append(index)
        start = time.perf_counter()
        retriever = Retriever(indexes)
        bm25_secs = time.perf_counter() - start
        latencies, hits = [], 0
        for (name, purpose), expected in QUERIES.items():
            spec = FileSpec(path=f"pkg/{name}", purpose=purpose)
            t0 = time.perf_counter()
            cands = retriever.candidates(spec, k=5)
            latencies.append((time.perf_counter() - t0) * 1000)
            found = {f"{c.repo}/{c.file.path}" for c in cands}
            hits += expected in found
    table = Table(title="indexing")
    for col in ("repo", "files", "symbols", "files/s", "re-index s", "index size", "skipped"):
        table.add_column(col, justify="right")
    for name, files, symbols, secs, resecs, size, stats in rows:
        table.add_row(name, str(files), str(symbols), f"{files / secs:.0f}", f"{resecs:.2f}",
                      f"{size / 2**20:.1f} MiB", str(stats["skipped"]))  # fmt: skip
    console.print(table)
    lat = sorted(latencies)
    q = Table(
        title=f"retrieval over {len(retriever.entries)} entries (BM25 build {bm25_secs:.2f}s)"
    )
    for col in ("queries", "recall@5", "p50 ms", "p95 ms"):
        q.add_column(col, justify="right")
    q.add_row(str(len(QUERIES)), f"{hits / len(QUERIES):.0%}", f"{statistics.median(lat):.1f}",
              f"{lat[int(0.95 * (len(lat) - 1))]:.1f}")  # fmt: skip
    console.print(q)


if __name__ == "__main__":
    main()
