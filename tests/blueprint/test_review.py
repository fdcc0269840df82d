"""The review gate: stop after the blueprint, edit blueprint.yaml by hand, resume."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from repowright.blueprint.review import BlueprintViolations
from repowright.cli.app import app
from repowright.config import Settings
from repowright.errors import BlueprintInvalid
from repowright.pipeline.session import create_run, drive, load_settings, run_state
from repowright.runs.store import RunDir


def review_script(demo_script: Path) -> Path:
    """The demo script, plus a default reply for files added by the edit."""
    data = json.loads(demo_script.read_text())
    data["default"] = "# written by the scripted model\n"
    path = demo_script.with_name("review.scripted.json")
    path.write_text(json.dumps(data))
    return path


def edit(run: RunDir, change) -> None:
    data = yaml.safe_load(run.path("blueprint.yaml").read_text())
    change(data)
    run.path("blueprint.yaml").write_text(yaml.safe_dump(data, sort_keys=False))


def test_edit_during_review_is_validated_then_used(tmp_path, demo_spec, demo_script) -> None:
    settings = Settings(model=f"scripted:{review_script(demo_script)}", review=True)
    run = create_run(demo_spec, None, settings, tmp_path / "run")
    outcome = asyncio.run(drive(run, settings))
    assert outcome.status == "blueprint_ready"
    assert not any(run.repo.iterdir())

    def break_it(data: dict) -> None:
        store = next(f for f in data["files"] if f["path"] == "todo/store.py")
        store["dependencies"].append("todo/__main__.py")
        data["files"].append({"path": "/tmp/evil.py", "purpose": "x"})

    edit(run, break_it)
    result = CliRunner().invoke(app, ["resume", str(run.root), "--quiet"])
    assert result.exit_code == 2
    output = " ".join(result.output.split())
    assert "blueprint.yaml is invalid; fix it, then resume (2 violations)" in output
    assert "dependency cycle: todo/store.py -> todo/__main__.py -> todo/store.py" in output
    assert "'/tmp/evil.py' is absolute" in output
    assert "continue with: repowright resume" in output
    assert "Traceback" not in result.output
    logged = [e for e in run.events if isinstance(e, BlueprintViolations)]
    assert logged[-1].source == "edit" and len(logged[-1].violations) == 2
    assert run_state(run)["status"] == "blueprint_ready"

    def fix_it(data: dict) -> None:
        store = next(f for f in data["files"] if f["path"] == "todo/store.py")
        store["dependencies"].remove("todo/__main__.py")
        data["files"][-1]["path"] = "todo/extra.py"
        data["files"] = [f for f in data["files"] if f["path"] != "README.md"]

    edit(run, fix_it)
    outcome = asyncio.run(drive(run, load_settings(run, {})))
    assert outcome.status == "verified"
    assert (run.repo / "todo" / "extra.py").is_file()
    assert (run.repo / "README.md").is_file()  # re-added by the deterministic fixes
    assert "README.md" in run.path("blueprint.yaml").read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("files: [", "is not valid YAML"),
        ("project_name: x\nfiles: [{purpose: no path}]", "files.0.path: Field required"),
    ],
)
def test_unreadable_edits_name_the_problem(tmp_path, text: str, message: str) -> None:
    run = RunDir.create(tmp_path / "run", "x")
    run.path("blueprint.yaml").write_text(text)
    with pytest.raises(BlueprintInvalid, match=message):
        run.blueprint()
