"""Accounting, budgets, cache and pricing around a model."""

from __future__ import annotations

import asyncio
import json
from hashlib import sha256
from pathlib import Path

import pytest

from repowright.artifacts.events import ModelCalled
from repowright.errors import BudgetExceeded, ConfigError
from repowright.models.base import Message, ModelRequest, Usage
from repowright.models.metered import Budget, MeteredModel, ResponseCache, Totals, cache_key
from repowright.models.pricing import PriceTable
from repowright.models.scripted import ScriptedModel, ScriptedReply
from repowright.runs.store import EventLog


def req(text: str, tag: str = "t") -> ModelRequest:
    return ModelRequest(messages=[Message(role="user", content=text)], tag=tag)


def metered(tmp_path: Path, replies, name="scripted", **kw) -> tuple[MeteredModel, ScriptedModel]:
    inner = ScriptedModel(replies, name=name)
    log = EventLog(tmp_path / "events.jsonl")
    return MeteredModel(inner, log, **kw), inner


async def test_every_call_is_logged_with_tokens_and_cost(tmp_path: Path) -> None:
    model, _ = metered(tmp_path, ["a", "b"])
    await model.complete(req("one"))
    await model.complete(req("two"))
    events = [e for e in EventLog(tmp_path / "events.jsonl") if isinstance(e, ModelCalled)]
    assert [e.tag for e in events] == ["t", "t"]
    assert all(e.prompt_tokens > 0 and e.cost_usd == 0.0 for e in events)


async def test_unknown_price_records_tokens_and_warns_once(tmp_path: Path) -> None:
    warnings: list[str] = []
    model, _ = metered(tmp_path, ["a", "b"], name="mystery-model", warn=warnings.append)
    await model.complete(req("one"))
    await model.complete(req("two"))
    assert len(warnings) == 1 and "mystery-model" in warnings[0]
    assert model.totals.unpriced_calls == 2
    assert model.totals.cost_usd == 0.0


def test_price_lookup_exact_prefix_and_free() -> None:
    prices = PriceTable.default()
    assert prices.lookup("openai:gpt-4.1") == prices.models["gpt-4.1"]
    assert prices.lookup("openai:gpt-4.1-mini-2025-04-14") == prices.models["gpt-4.1-mini"]
    assert prices.lookup("openrouter:anthropic/claude-sonnet-4-5") is not None
    assert prices.lookup("local") == (0.0, 0.0)
    assert prices.lookup("acme:unknown") is None
    cost = prices.cost("openai:gpt-4.1", Usage(prompt_tokens=1_000_000, completion_tokens=0))
    assert cost == pytest.approx(prices.models["gpt-4.1"][0])


@pytest.mark.parametrize(
    ("budget", "calls_allowed"),
    [
        (Budget(max_calls=2), 2),
        (Budget(max_tokens=1), 0),  # even one reply could pass it
        (Budget(max_cost=0.0), 0),
    ],
)
async def test_budget_stops_before_the_call_that_could_pass_it(
    tmp_path, budget, calls_allowed
) -> None:
    model, inner = metered(tmp_path, ["x"] * 5, name="openai:gpt-4.1", budget=budget)
    with pytest.raises(BudgetExceeded):
        for i in range(5):
            await model.complete(req(f"call {i}"))
    assert inner.calls == calls_allowed
    assert model.in_flight.calls == 0 and model.in_flight.tokens == 0  # bookings released


async def test_parallel_calls_never_pass_a_cap_together(tmp_path: Path) -> None:
    slow = [ScriptedReply("x", delay_s=0.05)] * 8  # all eight are in flight together
    for i, budget in enumerate((Budget(max_calls=1), Budget(max_cost=0.1))):
        (tmp_path / str(i)).mkdir()
        model, inner = metered(tmp_path / str(i), slow, name="openai:gpt-4.1",
                               budget=budget)  # fmt: skip
        results = await asyncio.gather(
            *(model.complete(req(f"call {i}")) for i in range(8)), return_exceptions=True
        )
        made = [r for r in results if not isinstance(r, BaseException)]
        assert len(made) == inner.calls == 1, budget
        assert all(isinstance(r, BudgetExceeded) for r in results if r not in made)
        assert model.totals.cost_usd <= (budget.max_cost or 1.0)


async def test_models_of_several_roles_share_one_account(tmp_path: Path) -> None:
    slow = [ScriptedReply("x", delay_s=0.05)] * 4
    planner, _ = metered(tmp_path, slow, name="planner-model", budget=Budget(max_calls=2),
                         role="planner")  # fmt: skip
    coder = MeteredModel(ScriptedModel(slow, name="coder-model"), planner.log, role="coder",
                         budget=Budget(max_calls=2), share=planner)  # fmt: skip
    results = await asyncio.gather(
        *(m.complete(req("x", tag=m.role)) for m in (planner, coder, planner, coder)),
        return_exceptions=True,
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 2  # one cap for the run
    events = [e for e in planner.log if isinstance(e, ModelCalled)]
    assert {(e.role, e.model) for e in events} <= {("planner", "planner-model"),
                                                   ("coder", "coder-model")}  # fmt: skip
    usage = Totals.by_role(planner.log)
    assert sum(t.calls for _, t in usage.values()) == 2


def test_a_cost_cap_needs_a_price(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--price"):
        metered(tmp_path, ["x"], name="acme:mystery", budget=Budget(max_cost=1.0))
    priced = PriceTable.default().with_price("acme:mystery", 1.0, 2.0)
    model, _ = metered(tmp_path, ["x"], name="acme:mystery", budget=Budget(max_cost=1.0),
                       prices=priced)  # fmt: skip
    assert model.prices.lookup("acme:mystery") == (1.0, 2.0)


async def test_cache_answers_repeats_without_calling(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "cache")
    model, inner = metered(tmp_path, ["first"], cache=cache)
    await model.complete(req("same", tag="a"))
    again = await model.complete(req("same", tag="b"))  # the tag is a label, not a key
    assert again.text == "first" and again.cached
    assert inner.calls == 1
    assert model.totals.calls == 1 and model.totals.cached_calls == 1


async def test_totals_survive_a_restart(tmp_path: Path) -> None:
    model, _ = metered(tmp_path, ["a", "b"], name="openai:gpt-4.1")
    await model.complete(req("one"))
    await model.complete(req("two"))
    reopened = Totals.from_events(EventLog(tmp_path / "events.jsonl"))
    assert reopened.calls == 2 and reopened.cost_usd == pytest.approx(model.totals.cost_usd)


async def test_a_cached_reply_keeps_what_it_first_cost(tmp_path: Path) -> None:
    cache = ResponseCache(tmp_path / "cache")
    model, _ = metered(tmp_path, ["first"], cache=cache, name="openai:gpt-4.1")
    await model.complete(req("same"))
    paid = model.totals.cost_usd
    await model.complete(req("same"))
    assert paid > 0 and model.totals.cost_usd == paid  # not paid twice ...
    assert model.totals.cached_cost_usd == pytest.approx(paid)  # ... but not hidden as $0
    reopened = Totals.from_events(EventLog(tmp_path / "events.jsonl"))
    assert reopened.cached_cost_usd == pytest.approx(paid)


def test_cache_key_depends_on_model_and_content() -> None:
    assert cache_key("m", req("a")) != cache_key("m", req("b"))
    assert cache_key("m", req("a")) != cache_key("n", req("a"))
    assert cache_key("m", req("a", tag="x")) == cache_key("m", req("a", tag="y"))


def test_samples_with_different_seeds_are_different_requests() -> None:
    """Without a seed, the key is what it was before requests had one (old caches still hit)."""
    unseeded = req("a").model_copy(update={"temperature": 0.8})
    first, second = (unseeded.model_copy(update={"seed": s}) for s in (0, 1))
    assert len({cache_key("m", r) for r in (unseeded, first, second)}) == 3
    material = {"model": "m", **unseeded.model_dump(exclude={"tag", "seed"})}
    assert (
        cache_key("m", unseeded)
        == sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()
    )


async def test_every_request_sent_is_counted_failed_ones_too(tmp_path: Path) -> None:
    from repowright.models.base import TransientModelError
    from repowright.models.openai_compat import OpenAICompatModel
    from repowright.models.retry import Retrying
    from tests.models.fake_openai import FakeReply, fake_openai

    async def no_wait(_: float) -> None:
        return None

    busy = FakeReply(status=503)
    with fake_openai([busy, busy, FakeReply(text="ok"), busy, busy, busy]) as server:
        raw = OpenAICompatModel("gpt-4.1", base_url=server.url, api_key="k")
        log = EventLog(tmp_path / "events.jsonl")
        model = MeteredModel(Retrying(raw, max_retries=2, sleep=no_wait), log)
        assert (await model.complete(req("one"))).text == "ok"
        with pytest.raises(TransientModelError):
            await model.complete(req("two"))
    assert len(server.requests) == 6
    assert model.totals.calls == 1 and model.totals.failed_calls == 5
    reopened = Totals.from_events(EventLog(tmp_path / "events.jsonl"))
    assert reopened.calls + reopened.failed_calls == 6
