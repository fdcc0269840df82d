"""The examples test file runs as written: right code passes it, wrong code fails it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.blueprint.fixes import autofix_blueprint
from repowright.config import Settings
from repowright.documents.build import build_document
from repowright.generate.examples import examples_source
from repowright.generate.phase import run_generate
from repowright.models.base import ModelRequest
from repowright.models.scripted import ScriptedModel
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir
from tests.blueprint.test_examples import SPEC, plan

RIGHT = """\
from errors import NumeralError

NUMERALS = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"]


def to_numeral(n: int) -> str:
    if not 1 <= n <= 9:
        raise NumeralError(n)
    return NUMERALS[n]


def from_numeral(s: str) -> int:
    if s not in NUMERALS[1:]:
        raise ValueError(s)
    return NUMERALS.index(s)


def scale(value: float, factor: float = 2.0) -> float:
    return value * factor
"""


def run(tmp_path: Path, numerals: str) -> subprocess.CompletedProcess[str]:
    source = examples_source(plan(), SPEC)
    assert source is not None
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests/test_document_examples.py").write_text(source)
    (tmp_path / "numerals.py").write_text(numerals)
    (tmp_path / "errors.py").write_text("class NumeralError(ValueError):\n    pass\n")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-c", "/dev/null"]
    return subprocess.run(
        [*cmd, "--rootdir", str(tmp_path), "tests"], cwd=tmp_path, capture_output=True, text=True
    )


def test_right_code_passes_every_example(tmp_path: Path) -> None:
    done = run(tmp_path, RIGHT)
    assert done.returncode == 0, done.stdout
    assert "7 passed" in done.stdout


def test_wrong_code_fails_at_the_literal_call(tmp_path: Path) -> None:
    done = run(tmp_path, RIGHT.replace('"IX"]', '"VIIII"]'))
    assert "1 failed" in done.stdout
    assert "assert to_numeral(9) == 'IX'" in done.stdout


def test_no_examples_no_file() -> None:
    assert examples_source(plan(), "A Python module `numerals.py`.\n") is None


async def test_generation_writes_it_without_the_model(tmp_path: Path) -> None:
    bp, _ = autofix_blueprint(plan(), document_text=SPEC)
    run = RunDir.create(tmp_path / "run", "t")
    run.write_yaml("blueprint.yaml", bp)
    run.write_document(build_document(SPEC, source="spec.md", kind="markdown"))
    sources = {"numerals.py": RIGHT, "errors.py": "class NumeralError(ValueError):\n    pass\n"}

    def reply(request: ModelRequest) -> str:
        body = sources.get(request.tag.removeprefix("generate:"), "# x\n")
        return f"```\n{body}```"

    model = ScriptedModel(reply)
    await run_generate(RunContext(run=run, model=model, settings=Settings()))
    assert (run.repo / EXAMPLES_PATH).read_text() == examples_source(bp, SPEC)
    assert f"generate:{EXAMPLES_PATH}" not in [r.tag for r in model.requests]
