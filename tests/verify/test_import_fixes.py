"""Imports from the wrong project module are fixed without the model when the answer is unique."""

from __future__ import annotations

from pathlib import Path

from repowright.code.python import ProjectIndex
from repowright.models.scripted import ScriptedModel
from repowright.verify.import_fixes import fix_imports
from repowright.verify.repair import Repairer
from repowright.verify.static import check_cross_imports, check_lint
from tests.verify.helpers import write_repo

FILES = {
    "rpn/__init__.py": "",
    "rpn/RPNError.py": "class RPNError(ValueError):\n    pass\n",
    "rpn/ops.py": "OPS = '+-*/'\n",
    "rpn/calc.py": (
        "import math\n\n"
        "from rpn.errors import RPNError\n"
        "from .ops import OPS, RPNError as E2\n\n\n"
        "def evaluate(text):\n    raise RPNError(text)\n"
    ),
}


def findings(repo: Path):
    return check_cross_imports(ProjectIndex(repo)).findings


def test_a_unique_home_is_imported_from_and_the_check_passes(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", FILES)
    found = findings(repo)
    assert {f.code for f in found} == {"ModuleNotFoundError", "ImportError"}
    fixes, left = fix_imports(repo, found)
    assert left == [] and len(fixes) == 2
    source = (repo / "rpn/calc.py").read_text()
    assert "from rpn.RPNError import RPNError\n" in source
    assert "from .ops import OPS\nfrom rpn.RPNError import RPNError as E2\n" in source
    assert findings(repo) == []


def test_an_ambiguous_name_is_left_to_the_model(tmp_path: Path) -> None:
    files = {**FILES, "rpn/other.py": "class RPNError(Exception):\n    pass\n"}
    repo = write_repo(tmp_path / "repo", files)
    fixes, left = fix_imports(repo, findings(repo))
    assert fixes == [] and len(left) == 2
    assert (repo / "rpn/calc.py").read_text() == files["rpn/calc.py"]


async def test_repair_round_makes_no_model_call_when_all_is_fixed(tmp_path: Path) -> None:
    repo = write_repo(tmp_path / "repo", FILES)
    model = ScriptedModel([])  # any call would fail: nothing is scripted
    record = await Repairer(model, repo, whole=False).repair(findings(repo), 1)
    assert record.applied == 2 and record.analysis == "fixed deterministically"
    assert all("without the model" in e.how for e in record.edits)


def test_undefined_stdlib_modules_and_typing_names_are_imported(tmp_path: Path) -> None:
    source = (
        '"""Convert CSV."""\n'
        "import csv\n\n\n"
        "def main(rows: List[str]) -> None:\n"
        "    parser = argparse.ArgumentParser(np.pi)\n"
        "    print(json.dumps(rows), parser, csv, json.loads('1'))\n"
        "    return undefined_helper()\n"
    )
    repo = write_repo(tmp_path / "repo", {"csv2json.py": source})
    lint = check_lint(repo, ProjectIndex(repo)).findings
    assert len(lint) == 6  # List, argparse, np, json twice, undefined_helper
    fixes, left = fix_imports(repo, lint)
    assert [f.after for f in fixes] == [
        "from typing import List",
        "import argparse",
        "import numpy as np",
        "import json",
    ]
    assert [f.message for f in left] == ["Undefined name `undefined_helper`"]
    fixed = (repo / "csv2json.py").read_text()
    assert fixed.startswith(
        '"""Convert CSV."""\nimport csv\nfrom typing import List\nimport argparse\n'
        "import numpy as np\nimport json\n"
    )
    assert [f.message for f in check_lint(repo, ProjectIndex(repo)).findings] == [
        "Undefined name `undefined_helper`"
    ]


def test_common_standard_names_and_pytest_in_tests_are_imported(tmp_path: Path) -> None:
    files = {
        "graphs.py": "def bfs(start):\n    return deque([start]), defaultdict(list)\n",
        "tests/test_graphs.py": "def test_x():\n    assert pytest.approx(1) == 1\n",
        "tool.py": "def f():\n    return pytest\n",  # not a test file: left alone
    }
    repo = write_repo(tmp_path / "repo", files)
    fixes, left = fix_imports(repo, check_lint(repo, ProjectIndex(repo)).findings)
    assert sorted(f.after for f in fixes) == [
        "from collections import defaultdict",
        "from collections import deque",
        "import pytest",
    ]
    assert [(f.file, f.message) for f in left] == [("tool.py", "Undefined name `pytest`")]


def test_an_undefined_project_name_is_imported_from_its_only_home(tmp_path: Path) -> None:
    files = {
        "calc/__init__.py": "",
        "calc/errors.py": "class CalcError(Exception):\n    pass\n",
        "calc/lexer.py": "def tokenize(text):\n    raise CalcError(text)\n",
    }
    repo = write_repo(tmp_path / "repo", files)
    fixes, left = fix_imports(repo, check_lint(repo, ProjectIndex(repo)).findings)
    assert [f.after for f in fixes] == ["from calc.errors import CalcError"] and left == []
    assert check_lint(repo, ProjectIndex(repo)).findings == []


def test_of_two_homes_the_module_the_file_imports_from_is_chosen(tmp_path: Path) -> None:
    files = {
        "logreg.py": "def sigmoid(z):\n    return z\n\n\nclass LogisticRegression:\n    pass\n",
        "sigmoid.py": "def sigmoid(z):\n    return -z\n",
        "tests/test_logreg.py": (
            "from logreg import LogisticRegression\n\n\n"
            "def test_sigmoid():\n    assert sigmoid(0) == 0 and LogisticRegression\n"
        ),
    }
    repo = write_repo(tmp_path / "repo", files)
    fixes, left = fix_imports(repo, check_lint(repo, ProjectIndex(repo)).findings)
    assert [f.after for f in fixes] == ["from logreg import sigmoid"] and left == []
