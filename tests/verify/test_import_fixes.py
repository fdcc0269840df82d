"""Imports from the wrong project module are fixed without the model when the answer is unique."""

from __future__ import annotations

from pathlib import Path

from repowright.memory.extract import ProjectIndex
from repowright.models.scripted import ScriptedModel
from repowright.verify.import_fixes import fix_imports
from repowright.verify.repair import Repairer
from repowright.verify.static import check_cross_imports
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
    record = await Repairer(model, repo).repair(findings(repo), 1)
    assert record.applied == 2 and record.analysis == "imports fixed deterministically"
    assert all("without the model" in e.how for e in record.edits)
