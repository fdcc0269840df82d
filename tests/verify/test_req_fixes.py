"""Requirement lines that can never install are removed without the model."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.models.scripted import ScriptedModel
from repowright.verify.repair import Repairer
from repowright.verify.req_fixes import fix_requirements, never_installable

OWN = frozenset({"todo_item"})
FAILED = Finding(
    file="requirements.txt",
    check="install",
    message="ERROR: No matching distribution found for todo_item==1.0.0",
)


def test_python_the_standard_library_and_the_project_itself_are_not_requirements() -> None:
    assert "Python version" in never_installable("python>=3.8\n", OWN)
    assert "standard library" in never_installable("json  # parsing\n", OWN)
    assert "own package" in never_installable("todo-item==1.0.0", OWN)
    for fine in ("numpy>=1.24", "# comment", "-r base.txt", "", "not a requirement !!"):
        assert never_installable(fine, OWN) == "", fine


async def test_a_failed_install_drops_those_lines_and_asks_no_model(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("python>=3.8\nnumpy>=1.24\ntodo_item==1.0.0\njson\n")
    other = Finding(file="a.py", check="tests", message="assert 1 == 2")
    fixes, left = fix_requirements(tmp_path, [FAILED, other], OWN)
    assert [(f.line, f.before) for f in fixes] == [
        (1, "python>=3.8"),
        (3, "todo_item==1.0.0"),
        (4, "json"),
    ]
    assert left == [other]
    assert (tmp_path / "requirements.txt").read_text() == "numpy>=1.24\n"
    assert fix_requirements(tmp_path, [FAILED], OWN) == ([], [FAILED])  # nothing left to drop

    (tmp_path / "requirements.txt").write_text("python>=3.8\n")
    record = await Repairer(ScriptedModel([]), tmp_path, own=OWN).repair([FAILED], 1)
    assert record.model_free and record.applied == 1


def test_an_undeclared_import_is_declared(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("scipy")  # no final newline
    missing = [
        Finding(
            file=f"{name}.py",
            line=1,
            check="requirements",
            code="missing-dependency",
            message="imports 'numpy' but no requirement declares it (add 'numpy' to "
            "requirements.txt)",
        )
        for name in ("a", "b")
    ]
    other = Finding(file="a.py", check="lint", message="Undefined name `x`")
    fixes, left = fix_requirements(tmp_path, [*missing, other], OWN)
    assert [(f.line, f.after) for f in fixes] == [(2, "numpy")] and left == [other]
    assert (tmp_path / "requirements.txt").read_text() == "scipy\nnumpy\n"
