"""Reading order from geometry: interleaved columns put back, ordinary pages left alone."""

from __future__ import annotations

from pathlib import Path

from repowright.documents.pdf import pdf_pages, pdf_to_markdown


def _two_columns(path: Path, interleaved: bool) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    pdf.cell(0, 6, "A Title Across Both Columns Of The Page", new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 4
    rows = range(8)
    order = (
        [(k, side) for k in rows for side in ("L", "R")]
        if interleaved
        else [(k, side) for side in ("L", "R") for k in rows]
    )
    for k, side in order:
        pdf.set_xy(10 if side == "L" else 110, top + 5 * k)
        word = "left" if side == "L" else "right"
        pdf.cell(80, 5, f"The {word} column says {'abcdefgh'[k]}.")
    pdf.output(str(path))
    return path


def test_interleaved_columns_read_left_then_right(tmp_path: Path) -> None:
    path = _two_columns(tmp_path / "rows.pdf", interleaved=True)
    text = [ln.text for ln in pdf_pages(path)[0] if ln.text.strip()]
    assert text[0] == "A Title Across Both Columns Of The Page"
    assert text[1:9] == [f"The left column says {c}." for c in "abcdefgh"]
    assert text[9:] == [f"The right column says {c}." for c in "abcdefgh"]
    body, _, _ = pdf_to_markdown(path)
    assert body.index("left column says h") < body.index("right column says a")


def test_columns_drawn_in_order_are_kept(tmp_path: Path) -> None:
    path = _two_columns(tmp_path / "columns.pdf", interleaved=False)
    text = [ln.text for ln in pdf_pages(path)[0] if ln.text.strip()]
    assert text[1] == "The left column says a." and text[-1] == "The right column says h."
