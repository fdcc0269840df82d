"""Reference lists in every style the readers produce."""

from __future__ import annotations

from repowright.documents.references import own_code, parse_references
from repowright.documents.schema import Block

PDF_STYLE = (
    "Anant K. Agarwal, Ivan Zaitsev, and Thorsten Joachims. 2019. Estimating position bias "
    "without intrusive in- terventions. In WSDM. Waleed Ammar, Dirk Groeneveld, and Oren Et- "
    "zioni. 2018. Construction of the literature graph. In Proc. NAACL-HLT 2018. Iz Beltagy, "
    "Kyle Lo, and Arman Cohan. 2019. SciBERT: A pretrained language model. In EMNLP. "
    "Altschul SF, Madden TL. 1997. Gapped BLAST. Nucleic Acids Research 25(17):3389-3402."
)


def test_author_year_text_without_breaks_is_split_per_entry() -> None:
    refs = parse_references([Block(text=PDF_STYLE)])
    assert [r.text.split(",")[0] for r in refs] == [
        "Anant K. Agarwal", "Waleed Ammar", "Iz Beltagy", "Altschul SF",
    ]  # fmt: skip


def test_numbered_entries() -> None:
    text = "[1] A. Author. Title one. 2019. [2] B. Author. Title two, https://github.com/b/c."
    refs = parse_references([Block(text=text)])
    assert len(refs) == 2 and refs[1].code_urls == ["https://github.com/b/c"]


def test_own_code_is_announced_or_named_in_the_title() -> None:
    assert own_code("Our code is available at github.com/a/tool.", "X") == (
        "https://github.com/a/tool"
    )
    assert own_code("1 https://github.com/allenai/specter2", "SPECTER: Documents") == (
        "https://github.com/allenai/specter"
    )
    assert own_code("We compare with github.com/other/baseline.", "Mine") == ""


def test_line_break_hyphens_are_rejoined() -> None:
    from repowright.documents.pdf import dehyphenate

    lines = ["without intrusive in-", "terventions. In WSDM.", "state-of-the-", "Art models"]
    assert dehyphenate(lines) == [
        "without intrusive interventions.", "In WSDM.", "state-of-the-", "Art models",
    ]  # fmt: skip
    refs = parse_references(
        [Block(text="A. Author. 2019. Estimating bias without in-\nterventions. In WSDM.")]
    )
    assert "interventions" in refs[0].text
