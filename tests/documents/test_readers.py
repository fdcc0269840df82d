"""Readers: each format becomes a section tree with whole blocks and references."""

from __future__ import annotations

import zipfile
from pathlib import Path

from repowright.documents import Document, load_document, load_text

FIXTURES = Path(__file__).parents[1] / "fixtures" / "documents"
LATEX_MAIN = r"""\documentclass{article}
\title{Gated \textbf{Units}}
\begin{document}
\maketitle
\begin{abstract}
Gates help.
\end{abstract}
\section{Introduction}
Intro text % a comment
\input{method}
\section*{Conclusion}
Done.
\appendix
\section{Extra Proofs}
Proof.
\begin{thebibliography}{9}
\bibitem{a} A. Author. Code at https://github.com/a/b.
\bibitem{b} B. Author. Paper.
\end{thebibliography}
\end{document}
"""
LATEX_METHOD = r"""\section{Method}
\subsection{Gate}
\begin{equation}
g = \sigma(W x + b)
\end{equation}
\begin{algorithm}
\caption{Train}
for each step: update
\end{algorithm}
"""


def titles(doc: Document) -> list[str]:
    return [s.title for s in doc.sections]


def kinds(doc: Document) -> set[str]:
    return {k for seg in doc.segments for k in seg.kinds}


def test_markdown_mathpix_style() -> None:
    doc = load_document(FIXTURES / "paper.md")
    assert doc.title == "Tiny Adam: A Study" and doc.kind == "markdown"
    assert doc.abstract == "We study a tiny optimizer."
    assert titles(doc) == ["Abstract", "1 Introduction", "2 Method", "3 Experiments"]
    assert {"equation", "figure", "table"} <= kinds(doc)
    eq = next(s for s in doc.segments if "equation" in s.kinds)
    assert "\\theta_{t+1}" in eq.text and eq.text.count("$$") == 2  # kept whole
    assert len(doc.references) == 2
    assert doc.references[1].code_urls == ["https://github.com/example/adam-code"]


def test_latex_folder_and_zip(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "main.tex").write_text(LATEX_MAIN)
    (tmp_path / "src" / "method.tex").write_text(LATEX_METHOD)
    doc = load_document(tmp_path / "src")
    assert doc.title.startswith("Gated") and doc.abstract == "Gates help."
    assert titles(doc) == [
        "Abstract", "Introduction", "Method", "Gate", "Conclusion", "Extra Proofs",
    ]  # fmt: skip
    assert doc.section(doc.sections[3].id).parent == doc.sections[2].id
    assert [s.appendix for s in doc.sections][-1] is True
    assert {"equation", "algorithm"} <= kinds(doc)
    assert "comment" not in " ".join(s.text for s in doc.segments)
    assert doc.references[0].code_urls == ["https://github.com/a/b"]
    archive = tmp_path / "paper.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(tmp_path / "src" / "main.tex", "main.tex")
        zf.write(tmp_path / "src" / "method.tex", "method.tex")
    assert titles(load_document(archive)) == titles(doc)


def test_html() -> None:
    doc = load_document(FIXTURES / "page.html")
    assert doc.title == "Sparse Nets" and doc.abstract == "We prune networks."
    assert "Method" in titles(doc)
    assert {"code", "table", "figure"} <= kinds(doc)
    assert "var x" not in " ".join(s.text for s in doc.segments)


def test_pdf_sections_equation_and_table(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pages = [
        ["Learning Rates Made Simple", "Abstract", "We tune the learning rate.",
         "1 Introduction", "Tuning is hard."],
        ["2 Method", "The update is computed as follows.", "w = w - lr * g (1)",
         "2.1 Schedule", "Cosine decay over 100 steps."],
        ["3 Results", "lr 0.1 acc 0.91", "lr 0.01 acc 0.95", "References",
         "[1] A. Author. Paper one.", "[2] B. Author. Paper two."],
    ]  # fmt: skip
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "paper.pdf"
    pdf.output(str(path))
    doc = load_document(path)
    assert doc.title == "Learning Rates Made Simple"
    assert titles(doc)[-4:] == ["1 Introduction", "2 Method", "2.1 Schedule", "3 Results"]
    assert "equation" in kinds(doc) and len(doc.references) == 2


def test_pdf_journal_headings_wrapped_headings_and_author_year(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    lines = [
        "Seeds of Sequence Evolution", "INTRODUCTION", "Genes change over time as we show.",
        "METHODS", "We align sequences with a standard tool and count the changes found.",
        "Results", "The rate is constant across all of the families that we studied.",
        "Funding", "None.", "References",
        "Altschul SF, Madden TL. 1997. Gapped BLAST. Nucleic Acids Research 25:3389.",
        "Zhang J, Nielsen R. 2005. Evaluation of a test. Molecular Biology and Evolution 22:1.",
    ]  # fmt: skip
    pdf.add_page()
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "journal.pdf"
    pdf.output(str(path))
    doc = load_document(path)
    assert titles(doc)[-4:] == ["INTRODUCTION", "METHODS", "Results", "Funding"]
    assert len(doc.references) == 2
    numbered = FPDF()
    numbered.set_font("Helvetica", size=11)
    numbered.add_page()
    for line in ["A Toolkit", "1 Introduction", "Text.", "2 Representing and manipulating",
                 "visually-rich documents", "Recently, pretrained networks have improved",
                 "3 Results", "Methods", "It works."]:  # fmt: skip
        numbered.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    numbered.output(str(tmp_path / "numbered.pdf"))
    doc = load_document(tmp_path / "numbered.pdf")
    assert titles(doc)[-3:] == [
        "1 Introduction",
        "2 Representing and manipulating visually-rich documents",
        "3 Results",
    ]  # fmt: skip  ("Methods" after numbered headings is running text, not a heading)


def test_pdf_appendix_after_the_references_and_page_numbers(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    pages = [
        ["A Short Paper", "1 Introduction", "We study things.", "References",
         "[1] A. Author. Paper one. 2019.", "[2] B. Author. Paper two. 2020.", "12"],
        ["Attention Visualizations", "Figure 3: many heads attend to the verb."],
    ]  # fmt: skip
    for lines in pages:
        pdf.add_page()
        for line in lines:
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "paper.pdf"))
    doc = load_document(tmp_path / "paper.pdf")
    assert len(doc.references) == 2 and "12" not in doc.references[-1].text
    assert (doc.sections[-1].title, doc.sections[-1].appendix) == ("Attention Visualizations", True)


def test_pdf_typography_headings_running_heads_and_footnotes(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    style = {"h": ("Helvetica", "B", 12), "b": ("Helvetica", "", 10), "s": ("Helvetica", "", 8)}
    pages = [
        [("s", "Running Head of the Paper 1"), ("h", "1 Introduction"),
         ("b", "We study learning rates."), ("b", "1 We propose a schedule that is simple."),
         ("b", "2 We show that it works on many tasks."), ("h", "2 Method"),
         ("b", "The update is computed as follows"), ("s", "3 Results table row 0.91"),
         ("s", "1 A footnote about the update rule.")],
        [("s", "Running Head of the Paper 2"), ("h", "2.1 What Is a Schedule?"),
         ("b", "A schedule is a function of the step."), ("h", "3 Results"),
         ("b", "It works.")],
        [("s", "Running Head of the Paper 3"), ("h", "4 Conclusion"), ("b", "Done.")],
        [("s", "Running Head of the Paper 4"), ("h", "5 Limitations"), ("b", "Few.")],
    ]  # fmt: skip
    for lines in pages:
        pdf.add_page()
        for kind, line in lines:
            pdf.set_font(*style[kind])
            if kind == "s" and line.startswith("1 A footnote"):
                pdf.set_y(270)
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "typeset.pdf"))
    doc = load_document(tmp_path / "typeset.pdf")
    assert [t for t in titles(doc) if t[0].isdigit()] == [
        "1 Introduction",
        "2 Method",
        "2.1 What Is a Schedule?",
        "3 Results",
        "4 Conclusion",
        "5 Limitations",
    ]  # fmt: skip  (plain numbered sentences and a small table row are no headings)
    text = "\n".join(s.text for s in doc.segments)
    assert "Running Head" not in text and "It works." in text
    method = next(s for s in doc.sections if s.title == "2 Method")
    method_text = " ".join(seg.text for seg in doc.segments if seg.section_id == method.id)
    assert "follows" in method_text and "footnote" in method_text
    assert method_text.index("follows") < method_text.index("footnote")


def test_pdf_table_from_cell_gaps_joined_to_its_caption(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in ["1 Results", "We compare three optimizers.", "Table 1: Accuracy per optimizer."]:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    for row in [("Optimizer", "Accuracy", "Steps"), ("SGD", "0.91", "100"), ("Adam", "0.95", "80")]:
        for x, cell in zip((20, 80, 140), row, strict=True):
            pdf.set_x(x)
            pdf.cell(30, 8, cell)
        pdf.ln(8)
    pdf.cell(0, 8, "Adam converges fastest, as the table shows.", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(20)
    pdf.cell(30, 8, "a = b")  # wide gaps far from any caption stay text
    pdf.set_x(80)
    pdf.cell(30, 8, "+ c")
    pdf.set_x(140)
    pdf.cell(30, 8, "(1)")
    pdf.output(str(tmp_path / "table.pdf"))
    doc = load_document(tmp_path / "table.pdf")
    table = next(s for s in doc.segments if "table" in s.kinds)
    assert "Table 1: Accuracy per optimizer." in table.text
    assert "| SGD | 0.91 | 100 |" in table.text and "| Adam | 0.95 | 80 |" in table.text
    assert "converges fastest" not in table.text.split("| Adam")[1]


def test_pdf_caption_apart_from_the_paragraph_it_interrupts(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    lines = [
        "1 Method", "We train the encoder and the decoder together on", "Encoder", "Decoder",
        "Figure 1: The model, encoder on the left.", "Both halves share weights.",
    ]  # fmt: skip
    for line in lines:  # 4.5 mm: the usual leading of 10 pt type
        pdf.cell(0, 4.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(pdf.get_y() + 40)
    pdf.cell(0, 4.5, "the full data set for ten epochs.", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(tmp_path / "figure.pdf"))
    doc = load_document(tmp_path / "figure.pdf")
    text = "\n".join(s.text for s in doc.segments)
    assert "Figure 1: The model, encoder on the left.\nBoth halves share weights." in text
    assert "Figure text: Encoder Decoder" in text
    assert titles(doc)[-1] == "1 Method"
    assert any("figure" in s.kinds for s in doc.segments)
    assert "Encoder Decoder\n\nthe full data set" in text  # the paragraph resumes apart


def test_spec_text() -> None:
    doc = load_text("Build a todo API with FastAPI and SQLite.")
    assert doc.kind == "spec" and doc.segments[0].text.startswith("Build a todo")
