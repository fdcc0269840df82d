"""pytest options of plugins that are not installed are dropped without the model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.models.scripted import ScriptedModel
from repowright.verify.option_fixes import fix_plugin_options
from repowright.verify.parse import traceback_finding
from repowright.verify.repair import Repairer
from tests.verify.helpers import write_repo

SCRIPT = """#!/usr/bin/env bash
set -euo pipefail
if [ "${1:-}" == "--smoke" ]; then
    python -m pytest --cov=ring -q -n auto --cov tests
else
    python -m pytest --cov=ring tests
fi
"""


def _smoke(repo: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(Path(sys.executable).parent) + ":/usr/bin:/bin"}
    return subprocess.run(
        ["bash", "reproduce.sh", "--smoke"], cwd=repo, env=env, capture_output=True, text=True
    )


def test_pytests_own_usage_error_names_the_words_and_they_go(tmp_path: Path) -> None:
    repo = write_repo(
        tmp_path,
        {
            "reproduce.sh": SCRIPT,
            "tests/test_ring.py": "def test_ring():\n    assert True\n",
            "pytest.ini": "[pytest]\naddopts = -p no:cacheprovider\n",
        },
    )
    failed = _smoke(repo)
    assert failed.returncode == 4  # pytest's usage error, as a model's script gets it
    finding = traceback_finding(failed.stdout + failed.stderr, repo, "smoke", "reproduce.sh")
    fixes, left = fix_plugin_options(repo, [finding])
    assert left == []
    assert [(f.file, f.line, f.after) for f in fixes] == [
        ("reproduce.sh", 4, "python -m pytest -q tests"),  # `tests` is a path: pytest's to run
        ("reproduce.sh", 6, "python -m pytest tests"),  # the other branch, untried, too
    ]
    assert "    python -m pytest -q tests\n" in (repo / "reproduce.sh").read_text()
    assert _smoke(repo).returncode == 0


async def test_the_tests_checks_error_names_no_file_and_the_config_is_fixed(
    tmp_path: Path,
) -> None:
    ini = "[pytest]\naddopts = --cov=ring --strict-markers\ntestpaths = tests\n"
    repo = write_repo(tmp_path, {"pytest.ini": ini})
    finding = Finding(
        check="tests", message="pytest: error: unrecognized arguments: --cov=ring | inifile: x"
    )
    record = await Repairer(ScriptedModel([]), repo).repair([finding], 1)
    assert record.model_free and [e.file for e in record.edits] == ["pytest.ini"]
    assert (repo / "pytest.ini").read_text() == (
        "[pytest]\naddopts = --strict-markers\ntestpaths = tests\n"
    )


def test_other_findings_and_words_found_nowhere_are_left(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"reproduce.sh": "echo --cov=ring\npython -m pytest\n"})
    other = Finding(file="reproduce.sh", check="smoke", message="exit code 1")
    nowhere = Finding(
        file="reproduce.sh", check="smoke", message="error: unrecognized arguments: --cov=ring"
    )
    assert fix_plugin_options(repo, [other, nowhere]) == ([], [other, nowhere])
    assert (repo / "reproduce.sh").read_text() == "echo --cov=ring\npython -m pytest\n"
