"""A command line written without the model when the document's commands name its functions."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.documents import load_text
from repowright.models.scripted import ScriptedModel
from repowright.verify.main_fixes import fix_missing_main
from repowright.verify.repair import Repairer

RLE = """\
def encode(data: str) -> str:
    return data.upper()


def decode(text: str) -> str:
    if not text:
        raise ValueError("empty")
    return text.lower()


def repeat(text: str, times: int = 1) -> str:
    return text * times


def parser(text: str) -> str:
    return text[::-1]
"""

DOC = """\
# Codec

- `encode(data: str) -> str` and `decode(text: str) -> str`.
- `python rle.py encode TEXT` and `python rle.py decode TEXT` print the result.
"""

NO_MAIN = Finding(file="rle.py", message="no command line", check="stubs", code="no-main")


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "rle.py", *args], cwd=repo, capture_output=True, text=True
    )


def test_one_subcommand_per_function_the_document_runs(tmp_path: Path) -> None:
    (tmp_path / "rle.py").write_text(RLE)
    fixes, left = fix_missing_main(tmp_path, [NO_MAIN], DOC)
    assert [f.after for f in fixes] == ["subcommands encode, decode"] and not left
    assert _run(tmp_path, "encode", "ab").stdout == "AB\n"
    assert _run(tmp_path, "decode", "AB").stdout == "ab\n"
    failed = _run(tmp_path, "decode", "")
    assert failed.returncode == 1 and failed.stderr.strip() == "error: empty"
    assert _run(tmp_path, "repeat", "a").returncode == 2  # not a command the document gives


def test_arguments_are_converted_as_annotated(tmp_path: Path) -> None:
    (tmp_path / "rle.py").write_text(RLE)
    fix_missing_main(
        tmp_path, [NO_MAIN], "Run `python rle.py repeat TEXT N` or `python rle.py parser TEXT`."
    )
    assert _run(tmp_path, "repeat", "ab", "3").stdout == "ababab\n"
    assert _run(tmp_path, "parser", "ab").stdout == "ba\n"  # not hidden by the block's names


def test_other_command_lines_are_left_to_the_model(tmp_path: Path) -> None:
    (tmp_path / "rle.py").write_text(RLE)
    for doc in (
        "Run `python rle.py encode TEXT -o OUT`.",  # an option
        "Run `python rle.py TEXT`.",  # no subcommand
        "Run `python rle.py shout TEXT`.",  # not a function of the file
        "Run `python rle.py encode TEXT EXTRA`.",  # more arguments than it takes
        "Run `python rle.py encode TEXT` or `python rle.py encode`.",  # two arities
    ):
        fixes, left = fix_missing_main(tmp_path, [NO_MAIN], doc)
        assert not fixes and left == [NO_MAIN], doc
    assert (tmp_path / "rle.py").read_text() == RLE


def test_the_repairer_writes_it_before_asking_the_model(tmp_path: Path) -> None:
    (tmp_path / "rle.py").write_text(RLE)
    repairer = Repairer(ScriptedModel([]), tmp_path, doc=load_text(DOC))
    record = asyncio.run(repairer.repair([NO_MAIN], 1))
    assert record.model_free and record.applied
    assert _run(tmp_path, "encode", "x").stdout == "X\n"
