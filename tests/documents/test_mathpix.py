"""Mathpix/MinerU Markdown: LaTeX title and abstract, numbered `\\section*` levels, lettered
appendices, `\\[...\\]` and tabular blocks with their captions, author-year references."""

from __future__ import annotations

from repowright.documents.blocks import heading_level, scan
from repowright.documents.build import build_document, code_urls

PAPER = r"""\title{
Functional Encodings for
Zero-Shot Control
}

\author{
Ada Lovelace ${ }^{1}$ \\ University
}

\begin{abstract}
We encode rewards. Code for this project is provided at: github.com/ada/fenc.
\end{abstract}

\section*{1. Introduction}

Agents should adapt.

\section*{2. Method}

\section*{2.1. Encoder}

The loss is
\[
L = \sum_i x_i
\]

Table 1: Results on AntMaze.
\begin{tabular}{l|l}
a & b \\
\end{tabular}

\section*{References}

Alemi, A. A., Fischer, I., and Murphy, K.

Deep variational information bottleneck. arXiv, 2016.

van Hasselt, H., Guez, A., and Silver, D. Double Q-learning. AAAI, 2016.

Zhang, X. Tools, 2020. https://github.com/zhang/tools

\section*{A. Hyperparameters}

Batch size 256.

\section*{C.1. AntMaze}

Mazes.
"""


def test_a_mathpix_paper_reads_like_a_paper() -> None:
    doc = build_document(PAPER, source="paper.md", kind="markdown")
    assert doc.title == "Functional Encodings for Zero-Shot Control"
    assert doc.abstract.startswith("We encode rewards.")
    sections = {s.title: s for s in doc.sections}
    assert sections["2.1. Encoder"].level == 2
    assert sections["2.1. Encoder"].parent == sections["2. Method"].id
    assert sections["A. Hyperparameters"].appendix and sections["C.1. AntMaze"].appendix
    assert not sections["2. Method"].appendix
    assert "Ada Lovelace" not in " ".join(s.text for s in doc.segments)
    kinds = {k for s in doc.segments for k in s.kinds}
    assert {"equation", "table"} <= kinds
    table = next(s for s in doc.segments if "table" in s.kinds)
    assert "Table 1: Results on AntMaze." in table.text and "tabular" in table.text
    assert [r.text.split(",")[0] for r in doc.references] == ["Alemi", "van Hasselt", "Zhang"]
    assert doc.own_code == "https://github.com/ada/fenc"
    assert doc.code_urls == ["https://github.com/ada/fenc", "https://github.com/zhang/tools"]


def test_heading_levels_come_from_numbering() -> None:
    assert heading_level("C.1. AntMaze", 1) == 2
    assert heading_level("E. 1 Meta-reasoning", 1) == 2
    assert heading_level("I.2.1 k-NN results", 1) == 3
    assert heading_level("10 Ethics", 2) == 1
    assert heading_level("Acknowledgements", 1) == 1


def test_front_matter_title_and_nested_environments() -> None:
    text = "---\ntitle: 'A Spec'\nauthor: me\n---\n\n\\begin{table}\n\\begin{tabular}{l}\nx\n"
    text += "\\end{tabular}\n\\end{table}\n\nAfter.\n"
    items, title = scan(text)
    assert title == "A Spec"
    assert [getattr(i, "kind", i) for i in items] == ["table", "text"]


def test_code_urls_with_or_without_scheme() -> None:
    text = "see github.com/a/b. and https://gitlab.com/c/d, and http://example.com/x"
    assert code_urls(text) == ["https://github.com/a/b", "https://gitlab.com/c/d"]
