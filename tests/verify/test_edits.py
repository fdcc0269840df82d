"""SEARCH/REPLACE application: exact, whitespace-tolerant, fuzzy, refused, file creation."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.verify.edits import Edit, apply_edit, replace_block, safe_path

SOURCE = (
    "def area(w, h):\n"
    "    return w * h\n"
    "\n"
    "\n"
    "class Box:\n"
    "    def volume(self, w, h, d):\n"
    "        total = w * h\n"
    "        return total * d\n"
)


def test_exact() -> None:
    text, how, _ = replace_block(SOURCE, "    return w * h\n", "    return w * h * 1\n")
    assert how == "exact" and "return w * h * 1\n" in text


def test_whitespace_tolerant_lines_are_reindented() -> None:
    search = "total = w * h   \nreturn total * d"  # indentation lost, trailing spaces added
    replace = "total = w * h\nreturn total * d * 2"
    text, how, _ = replace_block(SOURCE, search, replace)
    assert how == "whitespace"
    assert "        total = w * h\n        return total * d * 2\n" in text
    assert text.startswith("def area(w, h):\n    return w * h\n")


def test_fragment_of_a_line() -> None:
    text, how, _ = replace_block(SOURCE, "total  *  d", "total * d * 3")
    assert how == "whitespace" and "return total * d * 3\n" in text


def test_fuzzy_match_of_a_slightly_wrong_copy() -> None:
    search = "    def volume(self, w, h, d):\n        total = w*h\n        return total * d\n"
    text, how, _ = replace_block(
        SOURCE, search, "    def volume(self, w, h, d):\n        return 0\n"
    )
    assert how == "fuzzy"
    assert "return 0" in text and "total" not in text


def test_failed_match_reports_the_closest_lines() -> None:
    text, _, error = replace_block(SOURCE, "def perimeter(w, h):\n    return 2 * (w + h)\n", "")
    assert text is None
    assert "not found" in error and "closest" in error and "def area" in error


def test_ambiguous_search_is_refused() -> None:
    text, _, error = replace_block("x = 1\nx = 1\n", "x = 1\n", "x = 2\n")
    assert text is None and "2 places" in error
    # The line a finding points at picks one of them.
    text, _, _ = replace_block("x = 1\ny = 0\nx = 1\n", "x = 1\n", "x = 2\n", near=[3])
    assert text == "x = 1\ny = 0\nx = 2\n"


def test_apply_creates_missing_file_and_refuses_overwrite(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("print(1)\nprint(2)\n")
    created = apply_edit(tmp_path, Edit(file="pkg/new.py", search="", replace="X = 1"))
    assert created.ok and created.how == "created"
    assert (tmp_path / "pkg/new.py").read_text() == "X = 1\n"
    refused = apply_edit(tmp_path, Edit(file="a.py", search="", replace="oops"))
    assert not refused.ok and "not empty" in refused.error
    missing = apply_edit(tmp_path, Edit(file="b.py", search="x", replace="y"))
    assert not missing.ok and "does not exist" in missing.error


@pytest.mark.parametrize(
    "path", ["/etc/passwd", "../outside.py", "a/../../x.py", ".git/config", ""]
)
def test_unsafe_paths_are_refused(tmp_path: Path, path: str) -> None:
    with pytest.raises(ValueError, match="unsafe path"):
        safe_path(tmp_path, path)
    result = apply_edit(tmp_path, Edit(file=path, search="", replace="x"))
    assert not result.ok and "unsafe" in result.error


MODULE = (
    '"""Doc."""\n\nfrom __future__ import annotations\n\nimport os\n\n\n'
    "def area(w, h):\n    return w * h\n"
)


def test_an_empty_search_of_imports_adds_them_under_the_existing_ones(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODULE)
    result = apply_edit(tmp_path, Edit(file="m.py", search="", replace="import os\nimport json\n"))
    assert result.ok and result.how == "imports added"
    text = (tmp_path / "m.py").read_text()
    assert text.startswith(
        '"""Doc."""\n\nfrom __future__ import annotations\n\nimport os\nimport json\n'
    )
    assert text.count("import os") == 1 and "def area" in text


def test_an_import_of_what_a_standard_module_lacks_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODULE)
    bad = Edit(file="m.py", search="", replace="from typing import List, int\n")
    result = apply_edit(tmp_path, bad)
    assert not result.ok and "typing has no int" in result.error
    assert (tmp_path / "m.py").read_text() == MODULE
    good = Edit(file="m.py", search="", replace="from typing import List\nfrom numpyx import y\n")
    assert apply_edit(tmp_path, good).ok  # a module this process never loaded is left


def test_an_empty_search_with_a_complete_file_rewrites_it(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text(MODULE)
    whole = MODULE.replace("w * h", "abs(w * h)")
    result = apply_edit(tmp_path, Edit(file="m.py", search="", replace=whole))
    assert result.ok and result.how == "rewritten"
    assert (tmp_path / "m.py").read_text() == whole
    lost = apply_edit(tmp_path, Edit(file="m.py", search="", replace="def other():\n    pass\n"))
    assert not lost.ok and "drop area" in lost.error
    broken = apply_edit(tmp_path, Edit(file="m.py", search="", replace="def area(:\n"))
    assert not broken.ok and "not valid Python" in broken.error
    assert (tmp_path / "m.py").read_text() == whole


def test_a_misremembered_signature_replaces_the_one_definition_of_that_name() -> None:
    text = "import sys\n\n\ndef main(\n    argv=None,\n):\n    return 0\n"
    new, how, _ = replace_block(text, "def main(csv_text: str) -> None:", "def main(argv=None):")
    assert how == "signature"
    assert new == "import sys\n\n\ndef main(argv=None):\n    return 0\n"
    other, _, error = replace_block(text, "def run(x):", "def run(x, y):")
    assert other is None and "was not found" in error


def test_an_edit_that_breaks_the_syntax_is_refused(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text("def f(x):\n    return x\n")
    bad = apply_edit(tmp_path, Edit(file="m.py", search="def f(x):", replace="def f(x)"))
    assert not bad.ok and "invalid Python" in bad.error and "unchanged" in bad.error
    assert (tmp_path / "m.py").read_text() == "def f(x):\n    return x\n"


def test_the_documents_examples_are_not_edited(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / EXAMPLES_PATH).write_text("def test_x():\n    assert f(1) == 2\n")
    edit = Edit(file=EXAMPLES_PATH, search="== 2", replace="== 3")
    result = apply_edit(tmp_path, edit)
    assert not result.ok and "change the code" in result.error
    assert "== 2" in (tmp_path / EXAMPLES_PATH).read_text()
