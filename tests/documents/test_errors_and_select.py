"""Bad input is one clear InputError; selection respects budgets and document order."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from repowright.cli.app import app
from repowright.documents import Document, load_document
from repowright.documents.build import build_document
from repowright.documents.index import scores
from repowright.errors import InputError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "documents"


def _pdf(path: Path, text: str | None, password: str | None = None) -> Path:
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.add_page()
    if text:
        pdf.set_font("Helvetica", size=11)
        pdf.cell(0, 8, text)
    else:
        pdf.rect(10, 10, 50, 50)  # a drawing, no text layer
    pdf.output(str(path))
    if password:
        writer = PdfWriter(clone_from=PdfReader(path))
        writer.encrypt(password)
        writer.write(path)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.md", "input not found"),
        (lambda d: ((d / "e.md").write_text("") and d / "e.md") or d / "e.md", "empty"),
        (lambda d: (d / "b.txt").write_bytes(b"\x00\x01\x02" * 100) and d / "b.txt", "binary"),
        (lambda d: (d / "x.docx").write_text("hi") and d / "x.docx", "unsupported input type"),
        (lambda d: (d / "c.pdf").write_bytes(b"%PDF-1.4 garbage") and d / "c.pdf", "PDF"),
        (lambda d: _pdf(d / "s.pdf", None), "no text layer"),
        (lambda d: _pdf(d / "enc.pdf", "Secret paper text here", password="pw"), "encrypted"),
    ],
)
def test_bad_input_is_one_clear_error(tmp_path: Path, make, message: str) -> None:
    path = make(tmp_path)
    with pytest.raises(InputError, match=message):
        load_document(path)


def test_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REPOWRIGHT_MAX_INPUT_MB", "0.001")
    big = tmp_path / "big.md"
    big.write_text("# T\n\n" + "word " * 1000)
    with pytest.raises(InputError, match="over the"):
        load_document(big)


def test_select_budget_order_and_purposes() -> None:
    doc = load_document(FIXTURES / "paper.md")
    chosen = doc.select("algorithm", 60)
    assert sum(s.tokens for s in chosen) <= 60
    assert chosen and "2 Method" in [s.title for s in chosen]
    ids = [s.id for s in doc.segments]
    every = doc.select("zebra quasar", 10_000)
    assert [s.id for s in every] == ids  # no signal: everything, in document order
    top = doc.select("MNIST epochs batch size", 40)
    assert [s.title for s in top] == ["3 Experiments"]
    assert doc.select("anything", 0) == []


def test_round_trip_and_lazy_index() -> None:
    doc = load_document(FIXTURES / "paper.md")
    doc.select("concept", 100)
    again = Document.model_validate_json(doc.model_dump_json())
    assert "_index" not in doc.model_dump_json() and again.select("concept", 100)


def test_ingest_command(tmp_path: Path) -> None:
    out = tmp_path / "doc.json"
    result = CliRunner().invoke(app, ["ingest", str(FIXTURES / "paper.md"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "2 Method" in result.output and "tok" in result.output and out.is_file()
    bad = CliRunner().invoke(app, ["ingest", str(tmp_path / "nope.pdf")])
    assert bad.exit_code == 2 and "input not found" in bad.output
    assert "Traceback" not in bad.output


def test_select_stems_pushes_boilerplate_down_fills_neighbours_and_is_never_empty() -> None:
    words = " ".join(f"w{i}" for i in range(300))  # ~375 tokens of nothing in particular
    text = (
        "# Paper\n\n## Training details\n\nWe tuned the hyperparameters carefully.\n\n"
        f"{words}\n\n## Acknowledgements\n\nHyperparameter hyperparameters hyperparameter.\n"
    )
    doc = build_document(text, source="x.md", kind="markdown")
    assert scores(doc, "hyperparameter")[0] > 0  # stemmed: "hyperparameters" matches
    env = [s.title for s in doc.select("environment", 2000)]
    assert env.index("Training details") < env.index("Acknowledgements")
    budget = doc.segments[0].tokens + doc.segments[1].tokens
    plain = build_document(text.split("## Ack")[0], source="x.md", kind="markdown")
    chosen = plain.select("experiments", budget)  # only the first segment matches
    assert [s.id for s in chosen] == [s.id for s in plain.segments]  # its neighbour fills up
    assert doc.select("nothing matches", 50)  # something that fits, rather than nothing
