"""The typed artifacts of a run directory: one reader per file, failing the same way."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.artifacts.drift import Drift
from repowright.errors import BlueprintInvalid, InputError
from repowright.runs.store import RunDir


def test_missing_and_corrupt_artifacts(tmp_path: Path) -> None:
    run = RunDir.create(tmp_path / "r", "x")
    assert run.document() is None and run.drift() is None
    (run.root / "document.json").write_text('{"title": 3}')
    with pytest.raises(InputError, match="not a parsed document"):
        run.document()
    with pytest.raises(BlueprintInvalid, match="missing"):
        run.blueprint()
    (run.root / "blueprint.yaml").write_text("files: [: oops")
    with pytest.raises(BlueprintInvalid, match="not valid YAML"):
        run.blueprint()


def test_drift_round_trips_as_models(tmp_path: Path) -> None:
    run = RunDir.create(tmp_path / "r", "x")
    drift = [Drift(path="a.py", missing=["train"]), Drift(path="b.py")]
    run.write_drift(drift)
    assert run.drift() == drift
