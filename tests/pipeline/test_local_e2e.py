"""The whole pipeline on the embedded local model: real calls, valid artifacts, no orphan."""

from __future__ import annotations

import pytest

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.events import ModelCalled
from repowright.artifacts.verdict import Verdict
from repowright.config import Settings
from repowright.documents import Document
from repowright.pipeline.session import create_run, drive
from tests.conftest import llama_server_pids

SPEC = "A Python module `adder.py` with a function add(a, b) that returns a + b."


@pytest.mark.local_model
async def test_pipeline_with_local_model(tmp_path) -> None:
    before = llama_server_pids()
    settings = Settings(model="local:smollm2-135m", jobs=2, fix_rounds=1)
    run = create_run(None, SPEC, settings, tmp_path / "run")
    outcome = await drive(run, settings)
    assert outcome.status in {"verified", "failed"}
    Document.model_validate(run.read_json("document.json"))
    Blueprint.model_validate(run.read_yaml("blueprint.yaml"))
    Verdict.model_validate(run.read_json("verdict.json"))
    calls = [e for e in run.events if isinstance(e, ModelCalled) and not e.cached]
    assert calls and all(e.prompt_tokens > 0 for e in calls)
    assert sum(e.completion_tokens for e in calls) > 0
    assert llama_server_pids() <= before, "the local model server was left running"
