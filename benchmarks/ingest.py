"""Ingestion: speed, outline recovery on a real paper, and budgeted selection quality.

    python benchmarks/ingest.py [--papers DIR]

Uses ../shared/papers/transformer (PDF + LaTeX of "Attention Is All You Need", Apache-2.0)
when present (or REPOWRIGHT_PAPERS / --papers); skips with a message otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from repowright.documents import Document, load_document
from repowright.documents.pdf import pdf_pages

MAIN_SECTIONS = [
    "Introduction", "Background", "Model Architecture", "Why Self-Attention",
    "Training", "Results", "Conclusion",
]  # fmt: skip
# For each purpose, sections a reader of that purpose must see.
EXPECTED = {
    "algorithm": ["Scaled Dot-Product Attention", "Multi-Head Attention", "Positional Encoding"],
    "experiments": ["Training Data and Batching", "Optimizer", "Machine Translation"],
    "concept": ["Model Architecture", "Introduction"],
}
BUDGET = 2000
# Hand-labelled sections a reader of each purpose must see, in PaperBench's Mathpix papers.
LABELS = {
    "fre": {
        "concept": [
            "1. Introduction", "4. Unsupervised Zero-Shot RL via Functional Reward Encodings",
        ],
        "algorithm": ["4.1. Functional Reward Encoding", "4.3. Offline RL with FRE"],
        "experiments": ["5. Experiments", "A. Hyperparameters"],
        "environment": ["C. Environment Details", "B. Training Details"],
    },
    "sapg": {
        "concept": ["1. Introduction", "4. Split and Aggregate Policy Gradients"],
        "algorithm": ["4.6. Algorithm: SAPG", "4.1. Aggregating data using off-policy updates"],
        "experiments": ["5. Experimental Setup", "B. Training hyperparameters"],
        "environment": ["A. Task and Environment Details", "5.1. Tasks"],
    },
    "semantic-self-consistency": {
        "concept": ["1 Introduction", "4 Methodology"],
        "algorithm": ["4.1.1 Centroid Proximity Weighting", "4.1.2 Semantic Consensus Weighting"],
        "experiments": ["5 Results", "I. 3 Model configuration"],
        "environment": ["10.1 GPU usage", "I Configuration \\& Parameters"],
    },
}  # fmt: skip


def find_papers(arg: str | None) -> Path | None:
    root = Path(__file__).resolve().parents[1]
    for cand in (arg, os.environ.get("REPOWRIGHT_PAPERS"), root.parent / "shared" / "papers"):
        if cand and (Path(cand) / "transformer").is_dir():
            return Path(cand) / "transformer"
    return None


def recovered(doc: Document) -> list[str]:
    titles = [s.title.lower() for s in doc.sections]
    return [m for m in MAIN_SECTIONS if any(t.endswith(m.lower()) for t in titles)]


def timed(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", default=None)
    args = parser.parse_args()
    paper = find_papers(args.papers)
    if paper is None:
        print("skipped: ../shared/papers/transformer not found (use --papers DIR)")
        return 0
    pdf, tex = paper / "Transformer.pdf", paper / "Transformer_cleaned.tex"
    console = Console(width=max(Console().width, 160))
    speed = Table(title="ingestion speed")
    for col in ("input", "size", "seconds", "throughput", "main sections recovered"):
        speed.add_column(col)
    pages = len(pdf_pages(pdf))
    t_pdf = timed(lambda: load_document(pdf))
    t_tex = timed(lambda: load_document(tex))
    pdf_doc, tex_doc = load_document(pdf), load_document(tex)
    md = tex.with_suffix(".tex").read_text()
    speed.add_row(
        "PDF",
        f"{pages} pages",
        f"{t_pdf:.2f}",
        f"{pages / t_pdf:.1f} pages/s",
        f"{len(recovered(pdf_doc))}/{len(MAIN_SECTIONS)}",
    )
    speed.add_row(
        "LaTeX",
        f"{len(md)} chars",
        f"{t_tex:.3f}",
        f"{len(md) / t_tex:,.0f} chars/s",
        f"{len(recovered(tex_doc))}/{len(MAIN_SECTIONS)}",
    )
    console.print(speed)
    sel = Table(title=f"selection within {BUDGET} tokens (of ~{pdf_doc.total_tokens()})")
    for col in ("doc", "purpose", "tokens used", "recall of must-see sections", "p50 query ms"):
        sel.add_column(col)
    ok = len(recovered(pdf_doc)) == len(recovered(tex_doc)) == len(MAIN_SECTIONS)
    for name, doc in (("PDF", pdf_doc), ("LaTeX", tex_doc)):
        doc.select("warm-up", 10)
        for purpose, must in EXPECTED.items():
            chosen = doc.select(purpose, BUDGET)
            used = sum(s.tokens for s in chosen)
            hit = [m for m in must if any(s.title.endswith(m) for s in chosen)]
            ms = timed(lambda d=doc, p=purpose: d.select(p, BUDGET), repeat=5) * 1000
            sel.add_row(name, purpose, str(used), f"{len(hit)}/{len(must)}", f"{ms:.1f}")
            ok = ok and used <= BUDGET
    console.print(sel)
    console.print(f"outlines: PDF {recovered(pdf_doc)}\n          LaTeX {recovered(tex_doc)}")
    real_pdfs(console, paper.parent / "pdfs")
    mathpix(console, paper.parents[1] / "paperbench")
    return 0 if ok else 1


TRUE_REFERENCES = {"specter": 57, "s2-litgraph": 27, "s2orc": 55, "papermage": 53, "vespa": 24}
"""From ../shared/papers/pdfs/README.md."""


def real_pdfs(console: Console, root: Path) -> None:
    """Real PDFs against their hand-checked outlines (levels 1-2, numbering removed)."""
    pdfs = sorted(root.glob("*.pdf"))
    if not pdfs:
        console.print(f"real PDFs: none under {root}")
        return
    table = Table(title="real PDFs against hand-checked outlines (levels 1-2)")
    for col in ("pdf", "heading recall", "precision", "largest segment", "references",
                "appendix flagged"):  # fmt: skip
        table.add_column(col)
    recalls, precisions = [], []
    for pdf in pdfs:
        outline = pdf.with_name(f"{pdf.stem}.outline.txt")
        if not outline.is_file():
            continue
        truth = [_bare(line.split("\t", 1)[1]) for line in
                 outline.read_text().splitlines() if "\t" in line]  # fmt: skip
        doc = load_document(pdf)
        found = [_bare(s.title) for s in doc.sections if s.level <= 2 and s.title != "Preamble"]
        found += ["references"] if doc.references else []
        recall = sum(t in found for t in truth) / max(len(truth), 1)
        precision = sum(f in truth for f in found) / max(len(found), 1)
        recalls.append(recall)
        precisions.append(precision)
        table.add_row(
            pdf.stem, f"{recall:.2f}", f"{precision:.2f}",
            str(max((s.tokens for s in doc.segments), default=0)),
            f"{len(doc.references)} / {TRUE_REFERENCES.get(pdf.stem, '?')}",
            str(sum(s.appendix for s in doc.sections)),
        )  # fmt: skip
    table.add_row("mean", f"{statistics.mean(recalls):.2f}", f"{statistics.mean(precisions):.2f}")
    console.print(table)


def _bare(title: str) -> str:
    """A heading without its number, lower case, typographic quotes made plain."""
    plain = title.strip().replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"^(?:[\dA-Z](?:\.\d+)*\.?)\s+", "", plain).lower()


def mathpix(console: Console, root: Path) -> None:
    """PaperBench's Mathpix `paper.md` files: what a reader of the paper would see first."""
    papers = sorted(root.glob("*/paper.md"))
    if not papers:
        console.print(f"Mathpix papers: none under {root}")
        return
    table = Table(title="Mathpix Markdown (PaperBench paper.md)")
    cols = ("paper", "title", "abstract chars", "sections", "appendix", "equations", "tables",
            "references", "own code", "largest segment")  # fmt: skip
    for col in cols:
        table.add_column(col)
    for path in papers:
        doc = load_document(path)
        blocks = [k for s in doc.segments for k in s.kinds]
        table.add_row(
            path.parent.name, doc.title[:40], str(len(doc.abstract)), str(len(doc.sections)),
            str(sum(s.appendix for s in doc.sections)), str(blocks.count("equation")),
            str(blocks.count("table")), str(len(doc.references)), doc.own_code or "-",
            str(max((s.tokens for s in doc.segments), default=0)),
        )  # fmt: skip
    console.print(table)
    docs = {p.parent.name: load_document(p) for p in papers if p.parent.name in LABELS}
    recall = Table(title="selection recall of hand-labelled sections (pooled over the papers)")
    budgets = (1000, 3000, 8000)
    for col in ("purpose", *(f"{b} tokens" for b in budgets)):
        recall.add_column(col)
    for purpose in ("concept", "algorithm", "experiments", "environment"):
        cells = []
        for budget in budgets:
            hit = total = 0
            for name, doc in docs.items():
                titles = {s.title for s in doc.select(purpose, budget)}
                must = LABELS[name][purpose]
                hit += sum(m in titles for m in must)
                total += len(must)
            cells.append(f"{hit}/{total} ({100 * hit / max(total, 1):.0f}%)")
        recall.add_row(purpose, *cells)
    console.print(recall)


if __name__ == "__main__":
    sys.exit(main())
