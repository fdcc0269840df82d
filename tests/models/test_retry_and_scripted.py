from __future__ import annotations

import json
from pathlib import Path

import pytest

from repowright.errors import ConfigError
from repowright.models.base import AuthError, Message, ModelRequest, TransientModelError
from repowright.models.retry import Retrying
from repowright.models.scripted import ScriptedExhausted, ScriptedModel, load_script


def req(tag: str = "", text: str = "x") -> ModelRequest:
    return ModelRequest(messages=[Message(role="user", content=text)], tag=tag)


def test_backoff_is_bounded_and_jittered() -> None:
    retry = Retrying(ScriptedModel([]), base_delay=1.0, max_delay=8.0)
    delays = [retry.delay(attempt, None) for attempt in range(10) for _ in range(20)]
    assert all(0 <= d <= 8.0 for d in delays)
    assert len({round(d, 6) for d in delays}) > 10
    assert retry.delay(0, retry_after=5.0) >= 5.0


async def test_auth_error_is_not_retried() -> None:
    inner = ScriptedModel([AuthError("nope"), "never"])
    with pytest.raises(AuthError):
        await Retrying(inner, sleep=_no_sleep).complete(req())
    assert inner.calls == 1


async def test_transient_then_success() -> None:
    inner = ScriptedModel([TransientModelError("429"), "ok"])
    resp = await Retrying(inner, sleep=_no_sleep).complete(req())
    assert resp.text == "ok" and inner.calls == 2


async def _no_sleep(_: float) -> None:
    return None


async def test_script_file_rules(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps(
            {
                "rules": [
                    {"tag": "plan", "reply": {"a": 1}},
                    {"tag_prefix": "gen:", "contains": "x.py", "reply": "X"},
                    {"tag": "boom", "error": "rate_limit", "once": True},
                ],
                "default": "D",
            }
        )
    )
    model = load_script(path)
    assert json.loads((await model.complete(req("plan"))).text) == {"a": 1}
    assert (await model.complete(req("gen:x.py", "write x.py"))).text == "X"
    with pytest.raises(TransientModelError):
        await model.complete(req("boom"))
    assert (await model.complete(req("boom"))).text == "D"


async def test_script_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_script(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{")
    with pytest.raises(ConfigError, match="not valid JSON"):
        load_script(tmp_path / "bad.json")
    with pytest.raises(ScriptedExhausted):
        await ScriptedModel([]).complete(req())
