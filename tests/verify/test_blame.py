"""Whom a repair rewrites: the code, the test that called it, the definition a call disagrees
with."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.artifacts.verdict import Finding
from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.verify.blame import Blame


def test_a_failed_assertion_blames_the_code_then_the_test(tmp_path: Path) -> None:
    blame = Blame(tmp_path)
    entries = {
        "tests/test_core.py": MemoryEntry(
            path="tests/test_core.py", purpose="", depends_on=["mini/core.py", "mini/data.json"]
        )
    }
    failed = Finding(
        file="tests/test_core.py",
        line=5,
        message="tests/test_core.py::test_add: assert 1 == 3",
        check="tests",
    )
    first = blame.culprits([failed], entries)
    assert list(first) == ["mini/core.py"]
    blame.mark("mini/core.py", first["mini/core.py"])
    assert list(blame.culprits([failed], entries)) == ["tests/test_core.py"]
    broken_test = failed.model_copy(
        update={"message": "tests/test_core.py::test_add: NameError: name 'x' is not defined"}
    )
    assert list(blame.culprits([broken_test], entries)) == ["tests/test_core.py"]


def test_a_failed_assertion_blames_the_module_defining_what_the_test_calls(
    tmp_path: Path,
) -> None:
    (tmp_path / "tests").mkdir()
    test = (
        "from calc import CalcError, evaluate\n\n\ndef test_e():\n    assert evaluate('1') == 1\n"
    )
    (tmp_path / "tests/test_calc.py").write_text(test)

    def entry(path: str, *items: InterfaceItem) -> MemoryEntry:
        return MemoryEntry(path=path, purpose="", interface=list(items))

    entries = {
        "tests/test_calc.py": MemoryEntry(
            path="tests/test_calc.py",
            purpose="",
            depends_on=["calc/errors.py", "calc/__init__.py", "calc/parser.py"],
        ),
        "calc/errors.py": entry("calc/errors.py", InterfaceItem(name="CalcError", kind="class")),
        "calc/__init__.py": entry("calc/__init__.py"),
        "calc/parser.py": entry(
            "calc/parser.py",
            InterfaceItem(name="Parser", kind="class", signature="class Parser(): def run(self)"),
            InterfaceItem(name="evaluate", kind="function", signature="def evaluate(text)"),
        ),
    }
    failed = Finding(
        file="tests/test_calc.py",
        line=5,
        message="tests/test_calc.py::test_e: assert 2.0 == 1",
        check="tests",
    )
    blame = Blame(tmp_path)
    assert list(blame.culprits([failed], entries)) == ["calc/parser.py"]
    blame.mark("calc/parser.py", [failed])
    assert list(blame.culprits([failed], entries)) == ["calc/errors.py"]  # then in import order
    method = "def test_e():\n    assert Parser().run() == 1\n"
    (tmp_path / "tests/test_calc.py").write_text(f"from calc.parser import Parser\n\n\n{method}")
    assert list(Blame(tmp_path).culprits([failed], entries)) == ["calc/parser.py"]


def test_a_script_that_only_reports_failing_tests_is_not_blamed(tmp_path: Path) -> None:
    smoke = Finding(
        file="reproduce.sh",
        message="FAILED tests/test_core.py::test_add - assert 1 == 3 | 1 failed in 0.01s",
        check="smoke",
    )
    broken = Finding(file="reproduce.sh", line=3, message="pyhton: command not found")
    assert list(Blame(tmp_path).culprits([smoke, broken], {})) == ["reproduce.sh"]
    assert Blame(tmp_path).culprits([smoke], {}) == {}


def test_a_call_that_does_not_fit_its_definition_blames_the_definition(tmp_path: Path) -> None:
    entries = {
        "calc/errors.py": MemoryEntry(
            path="calc/errors.py",
            purpose="",
            interface=[InterfaceItem(name="CalcError", kind="class")],
        )
    }
    raised = Finding(
        file="calc/parser.py",
        line=10,
        message="tests/test_calc.py::test_bad: TypeError: CalcError.__init__() takes 1 "
        "positional argument but 2 were given",
        check="tests",
    )
    blame = Blame(tmp_path)
    assert list(blame.culprits([raised], entries)) == ["calc/errors.py"]
    blame.mark("calc/errors.py", [raised])
    assert list(blame.culprits([raised], entries)) == ["calc/parser.py"]  # then the caller


def test_an_error_raised_in_the_code_blames_the_calling_test_once_the_code_was_tried(
    tmp_path: Path,
) -> None:
    raised = Finding(
        file="logreg/model.py",
        line=47,
        check="tests",
        message="tests/test_model.py::test_fit: AttributeError: 'PosixPath' object has no "
        "attribute 'shape'",
    )
    blame = Blame(tmp_path)
    assert list(blame.culprits([raised], {})) == ["logreg/model.py"]
    blame.mark("logreg/model.py", [raised])
    assert list(blame.culprits([raised], {})) == ["tests/test_model.py"]


def test_the_documents_examples_are_never_rewritten_only_the_code(tmp_path: Path) -> None:
    path = EXAMPLES_PATH
    entries = {path: MemoryEntry(path=path, purpose="", depends_on=["mini/core.py"])}
    failed = Finding(file=path, line=5, message=f"{path}::test_add_example_1: assert 1 == 3")
    blame = Blame(tmp_path)
    first = blame.culprits([failed], entries)
    assert list(first) == ["mini/core.py"]
    blame.mark("mini/core.py", first["mini/core.py"])
    assert blame.culprits([failed], entries) == {}


def test_a_call_that_does_not_fit_the_documents_own_signature_blames_the_caller(
    tmp_path: Path,
) -> None:
    """`convert` keeps the parameters the document states for it: a test passing `output=`
    is what is wrong. Where the document states no signature, the definition goes first."""
    signature = "def convert(csv_text: str, infer_types: bool = True) -> list[dict]"
    entries = {
        "csv2json.py": MemoryEntry(
            path="csv2json.py",
            purpose="",
            interface=[InterfaceItem(name="convert", kind="function", signature=signature)],
        )
    }
    called = Finding(
        file="tests/test_csv2json.py",
        line=20,
        check="tests",
        message="tests/test_csv2json.py::test_convert: TypeError: convert() got an unexpected "
        "keyword argument 'output'",
    )
    stated = {"convert": "convert(csv_text: str, infer_types: bool = True) -> list[dict]"}
    assert list(Blame(tmp_path, stated).culprits([called], entries)) == ["tests/test_csv2json.py"]
    assert list(Blame(tmp_path).culprits([called], entries)) == ["csv2json.py"]
