"""Accounting around any model: event log, budgets, and a content-addressed response cache."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from repowright.errors import BudgetExceeded
from repowright.models.base import Model, ModelRequest, ModelResponse
from repowright.models.pricing import PriceTable
from repowright.runs.events import ModelCalled, RunEvent
from repowright.runs.store import EventLog, atomic_write


@dataclass
class Budget:
    max_cost: float | None = None
    max_tokens: int | None = None
    max_calls: int | None = None


class Totals(BaseModel):
    """Model usage of a run (or a grading): what `status`, reports and graded.json show."""

    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    unpriced_calls: int = 0
    cached_calls: int = 0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, event: ModelCalled) -> None:
        if event.cached:
            self.cached_calls += 1
            return
        self.calls += 1
        self.prompt_tokens += event.prompt_tokens
        self.completion_tokens += event.completion_tokens
        if event.cost_usd is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd += event.cost_usd

    @classmethod
    def from_events(cls, events: Iterable[RunEvent]) -> Totals:
        totals = cls()
        for event in events:
            if isinstance(event, ModelCalled):
                totals.add(event)
        return totals


def cache_key(model_name: str, request: ModelRequest) -> str:
    """Hash of everything that shapes the reply (the `tag` is a label, so it is left out)."""
    material = {"model": model_name, **request.model_dump(exclude={"tag"})}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


class ResponseCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.json"

    def get(self, key: str) -> ModelResponse | None:
        path = self._path(key)
        if not path.exists():
            return None
        try:
            return ModelResponse.model_validate_json(path.read_text(encoding="utf-8"))
        except ValueError:
            return None

    def put(self, key: str, response: ModelResponse) -> None:
        atomic_write(self._path(key), response.model_dump_json())


class MeteredModel:
    """Checks budgets before each call, logs every call, and answers repeats from the cache."""

    def __init__(
        self,
        inner: Model,
        log: EventLog,
        *,
        budget: Budget | None = None,
        cache: ResponseCache | None = None,
        prices: PriceTable | None = None,
        warn: Callable[[str], None] = lambda _msg: None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.log = log
        self.budget = budget or Budget()
        self.cache = cache
        self.prices = prices or PriceTable.default()
        self.warn = warn
        self.totals = Totals.from_events(log)

    def check_budget(self) -> None:
        b, t = self.budget, self.totals
        if b.max_calls is not None and t.calls >= b.max_calls:
            raise BudgetExceeded(f"call budget reached ({t.calls}/{b.max_calls} calls)")
        if b.max_tokens is not None and t.tokens >= b.max_tokens:
            raise BudgetExceeded(f"token budget reached ({t.tokens}/{b.max_tokens} tokens)")
        if b.max_cost is not None and t.cost_usd >= b.max_cost:
            raise BudgetExceeded(f"cost budget reached (${t.cost_usd:.4f}/${b.max_cost:.2f})")

    async def complete(self, request: ModelRequest) -> ModelResponse:
        key = cache_key(self.name, request)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            self._record(request, hit, key, cached=True)
            return hit.model_copy(update={"cached": True})
        self.check_budget()
        start = time.monotonic()
        response = await self.inner.complete(request)
        response.latency_s = response.latency_s or time.monotonic() - start
        response.cost_usd = self.prices.cost(self.name, response.usage)
        if response.cost_usd is None and self.prices.first_unknown(self.name):
            self.warn(
                f"no price known for {self.name}: tokens are recorded, cost is marked unknown"
            )
        if self.cache is not None:
            self.cache.put(key, response)
        self._record(request, response, key, cached=False)
        return response

    def _record(self, request: ModelRequest, resp: ModelResponse, key: str, cached: bool) -> None:
        event = ModelCalled(
            model=self.name,
            tag=request.tag,
            prompt_tokens=resp.usage.prompt_tokens,
            completion_tokens=resp.usage.completion_tokens,
            latency_s=0.0 if cached else resp.latency_s,
            cost_usd=0.0 if cached else resp.cost_usd,
            cached=cached,
            cache_key=key,
        )
        self.log.append(event)
        self.totals.add(event)
