"""Static checks: files, syntax, ruff's fatal rules, cross-file imports, arity, requirements."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.blueprint import Blueprint, FileSpec, Package, Symbol
from repowright.artifacts.drift import Drift
from repowright.code.python import ProjectIndex
from repowright.verify.static import (
    check_call_arity,
    check_compile,
    check_cross_imports,
    check_drift,
    check_files,
    check_lint,
    check_requirements,
    check_signatures,
    check_stubs,
    run_static,
)
from tests.verify.helpers import MINI, blueprint_for, write_repo


def messages(check) -> list[str]:
    return [f"{f.file}:{f.line} {f.message}" for f in check.findings]


def test_clean_repo_passes_everything(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", MINI)
    checks = run_static(repo, ProjectIndex(repo), blueprint_for(MINI), None)
    assert {c.name: c.status for c in checks} == {
        "files": "passed",
        "compile": "passed",
        "lint": "passed",
        "cross_imports": "passed",
        "call_arity": "passed",
        "stubs": "passed",
        "signatures": "passed",
        "requirements": "passed",
        "drift": "skipped",
    }
    assert "drift.json" in checks[-1].detail  # a skipped check says why


def test_missing_and_empty_files(tmp_path: Path) -> None:
    files = {**MINI, "mini/extra.py": "   \n"}
    repo = write_repo(tmp_path / "repo", files)
    bp = blueprint_for({**files, "mini/planned.py": ""})
    check = check_files(repo, bp)
    assert check.status == "failed"
    codes = {(f.file, f.code) for f in check.findings}
    assert ("mini/planned.py", "missing-file") in codes
    assert ("mini/extra.py", "empty-file") in codes
    assert ("mini/__init__.py", "empty-file") not in codes  # empty packages are fine


def test_syntax_errors_in_python_and_shell(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {"a.py": "def f(:\n    pass\n", "run.sh": "if true; then\n echo x\n"},
    )
    check = check_compile(repo, ProjectIndex(repo))
    assert check.status == "failed"
    by_file = {f.file: f for f in check.findings}
    assert by_file["a.py"].line == 1 and by_file["a.py"].code == "SyntaxError"
    assert by_file["run.sh"].code == "ShellSyntax"


def test_ruff_finds_undefined_names(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {"a.py": "def f(x):\n    return math.sqrt(x) + y\n", "bad.py": "def (\n"},
    )
    check = check_lint(repo, ProjectIndex(repo))
    assert check.status == "failed"
    assert {f.code for f in check.findings} == {"F821"}
    assert {f.file for f in check.findings} == {"a.py"}  # unparsable files are compile's job
    assert any("math" in m for m in messages(check))


def test_cross_imports_resolve_against_real_definitions(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {
            "pkg/__init__.py": "from .core import add as add\n",
            "pkg/core.py": "def add(a, b):\n    return a + b\n\nVALUE = 1\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/use.py": (
                "from ..core import add, VALUE, subtract\n"
                "from pkg import core\n"
                "from pkg.missing import thing\n"
                "import pkg.nothere\n"
                "print(core.add, core.nope)\n"
                "try:\n    from pkg.core import optional\n"
                "except ImportError:\n    optional = None\n"
            ),
            "scripts/run.py": "from helper import go\nfrom helper import gone\n",
            "scripts/helper.py": "def go():\n    pass\n",
        },
    )
    check = check_cross_imports(ProjectIndex(repo))
    found = messages(check)
    assert check.status == "failed"
    assert any("cannot import name 'subtract'" in m and "defines: VALUE, add" in m for m in found)
    assert any("no module named 'pkg.missing'" in m for m in found)
    assert any("no module named 'pkg.nothere'" in m for m in found)
    assert any("has no attribute 'nope'" in m for m in found)
    assert any(m.startswith("scripts/run.py:2") and "'gone'" in m for m in found)
    assert not any("optional" in m or "'go'" in m or "'add'" in m for m in found)


def test_call_arity(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {
            "lib.py": (
                "def f(a, b=1, *, c):\n    pass\n\n\n"
                "def g(*args, **kw):\n    pass\n\n\n"
                "class K:\n    def __init__(self, x):\n        self.x = x\n"
            ),
            "use.py": (
                "import lib as L\nfrom lib import K, f, g\n\n"
                "f(1, c=2)\nf(1, 2, 3, c=1)\nf(1)\nf(1, c=1, d=2)\ng(1, 2, 3, z=1)\n"
                "K()\nK(1)\nL.f(1, c=1)\nL.f()\nf(*[1], c=1)\n"
                "def h(f):\n    return f(1, 2, 3, 4)\n"
            ),
        },
    )
    found = messages(check_call_arity(ProjectIndex(repo)))
    assert sorted(m.split(" ", 1)[0] for m in found) == [
        "use.py:12",
        "use.py:5",
        "use.py:6",
        "use.py:7",
        "use.py:9",
    ]
    assert any("takes 2 positional arguments but 3" in m for m in found)
    assert any("missing required arguments: 'c'" in m for m in found)
    assert any("unexpected keyword argument 'd'" in m for m in found)
    assert any("K() missing required arguments: 'x'" in m for m in found)


def test_requirements_are_declared(tmp_path: Path) -> None:
    files = {
        "a.py": (
            "import os\nimport yaml\nimport numpy as np\nfrom sklearn.svm import SVC\n"
            "import cv2\nimport pytest\nfrom mini import core\n"
            "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n"
        ),
        "mini/__init__.py": "",
        "mini/core.py": "",
        "requirements.txt": "numpy>=1.26  # arrays\n-e .\nopencv-python-headless\n",
    }
    repo = write_repo(tmp_path / "repo", files)
    bp = blueprint_for(files)
    bp.environment.packages = [Package(name="scikit-learn", version="1.4")]
    check = check_requirements(repo, ProjectIndex(repo), bp)
    assert [f.message for f in check.findings] == [
        "imports 'yaml' but no requirement declares it (add 'pyyaml' to requirements.txt)"
    ]
    assert check.findings[0].line == 2
    assert "scikit-learn==1.4" in check.detail and "numpy>=1.26" in check.detail


def test_drift_is_reported_but_does_not_block(tmp_path: Path) -> None:
    drift = [Drift(path="a.py", changed=["train: planned (cfg) != actual ()"])]
    check = check_drift(drift)
    assert check.status == "warning"
    assert check.findings[0].file == "a.py"


def test_bare_import_inside_a_package_is_absolute(tmp_path: Path) -> None:
    files = {"calc/__init__.py": "", "calc/io.py": "X = 1\n", "calc/cli.py": "import io\n"}
    repo = write_repo(tmp_path / "repo", files)
    index = ProjectIndex(repo)
    assert check_cross_imports(index).status == "passed"
    assert index.resolve(index.by_path["calc/cli.py"], "io", 0) is None  # the stdlib module


def test_a_function_left_without_code_fails(tmp_path: Path) -> None:
    files = {**MINI, "mini/calc.py": 'def evaluate(text):\n    """Evaluate."""\n    # todo\n'}
    repo = write_repo(tmp_path / "repo", files)
    check = check_stubs(ProjectIndex(repo))
    assert check.status == "failed"
    assert messages(check)[0].startswith("mini/calc.py:1 `evaluate` has no implementation")


def test_a_program_without_a_main_block_fails(tmp_path: Path) -> None:
    code = "def encode(text):\n    return text\n"
    files = {
        "rle.py": code,
        "cli.py": code + '\n\nif "__main__" == __name__:\n    print(encode("a"))\n',
        "run.py": code + "\n\nprint(encode('a'))\n",
        "pkg/__init__.py": "",
        "pkg/__main__.py": code,
    }
    repo = write_repo(tmp_path / "repo", files)
    bp = Blueprint(project_name="p", files=[], entry_points=[*files, "reproduce.sh"])
    check = check_stubs(ProjectIndex(repo), bp)
    assert [(f.file, f.code) for f in check.findings] == [("rle.py", "no-main")]
    assert 'no `if __name__ == "__main__":` block' in check.findings[0].message


def test_a_function_that_does_not_take_what_the_document_states_fails(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path / "repo",
        {"calc/parser.py": "def evaluate(tokens: list) -> float:\n    return 0.0\n"},
    )
    stated = Symbol(name="evaluate", signature="evaluate(text: str) -> float")
    bp = Blueprint(
        project_name="calc",
        files=[FileSpec(path="calc/parser.py", purpose="p", interface=[stated])],
    )
    check = check_signatures(ProjectIndex(repo), bp, "- `evaluate(text: str) -> float` parses")
    assert check.status == "failed"
    assert messages(check) == [
        "calc/parser.py:1 `evaluate(tokens)` where the document states `evaluate(text: str) -> "
        "float`: give it the document's parameters (and its callers and tests)"
    ]
    assert check_signatures(ProjectIndex(repo), bp, "no signature stated").status == "passed"
