"""Accounting around any model: event log, budgets, and a content-addressed response cache."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel, Field

from repowright.artifacts.events import ModelCalled, ModelCallFailed, RunEvent
from repowright.errors import BudgetExceeded, ConfigError
from repowright.fsio import atomic_write
from repowright.models.base import (
    DEFAULT_REPLY_TOKENS,
    Model,
    ModelError,
    ModelRequest,
    ModelResponse,
    Usage,
)
from repowright.models.pricing import PriceTable
from repowright.models.retry import Retrying
from repowright.models.tokens import estimate_tokens


class EventSink(Protocol):
    """Where calls are recorded (the run's event log): appended to, and read back so totals
    survive a resume."""

    def append(self, event: RunEvent) -> None: ...

    def __iter__(self) -> Iterator[RunEvent]: ...


PROMPT_MARGIN = 1.5
"""Prompt estimates are scaled up so a reservation is never below what the call will use."""


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
    failed_calls: int = Field(default=0, description="Requests answered with an error.")
    cached_cost_usd: float = Field(
        default=0.0, description="What the replies served from the cache cost when first paid."
    )

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, event: ModelCalled) -> None:
        if event.cached:
            self.cached_calls += 1
            self.cached_cost_usd += event.cached_cost_usd or 0.0
            return
        self.calls += 1
        self.failed_calls += event.failed_attempts
        self.prompt_tokens += event.prompt_tokens
        self.completion_tokens += event.completion_tokens
        if event.cost_usd is None:
            self.unpriced_calls += 1
        else:
            self.cost_usd += event.cost_usd

    @classmethod
    def by_role(cls, events: Iterable[RunEvent]) -> dict[str, tuple[list[str], Totals]]:
        """Usage per role that made calls, with the models it used (cost per role)."""
        out: dict[str, tuple[list[str], Totals]] = {}
        for event in events:
            if isinstance(event, ModelCalled | ModelCallFailed):
                models, totals = out.setdefault(event.role or "other", ([], cls()))
                if event.model not in models:
                    models.append(event.model)
                totals.merge(cls.from_events([event]))
        return out

    def merge(self, other: Totals) -> None:
        for name in type(self).model_fields:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @classmethod
    def from_events(cls, events: Iterable[RunEvent]) -> Totals:
        totals = cls()
        for event in events:
            if isinstance(event, ModelCalled):
                totals.add(event)
            elif isinstance(event, ModelCallFailed):
                totals.failed_calls += event.attempts
        return totals


def cache_key(model_name: str, request: ModelRequest) -> str:
    """Hash of everything that shapes the reply (the `tag` is a label, so it is left out; an
    unset `seed` too, so the keys of requests made before it existed still match)."""
    left_out = {"tag"} if request.seed is not None else {"tag", "seed"}
    material = {"model": model_name, **request.model_dump(exclude=left_out)}
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
    """Reserves budget before each call, logs every call, and answers repeats from the cache.

    A call starts only when what is spent, plus what calls in flight may still spend, plus
    this call's worst case (its prompt and its longest reply) stays within every cap; calls
    made in parallel therefore never pass a cap together. `--max-cost` needs a price: a model
    without one is refused at the start instead of running uncapped.
    """

    def __init__(
        self,
        inner: Model,
        log: EventSink,
        *,
        budget: Budget | None = None,
        cache: ResponseCache | None = None,
        prices: PriceTable | None = None,
        warn: Callable[[str], None] = lambda _msg: None,
        role: str = "",
        share: MeteredModel | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.log = log
        self.budget = budget or Budget()
        self.cache = cache
        self.prices = prices or PriceTable.default()
        self.warn = warn
        self.role = role
        # Models of other roles in the same run book against one account, so the caps hold
        # for the run and calls in flight on any model count.
        self.totals: Totals = share.totals if share else Totals.from_events(log)
        self.in_flight: Totals = share.in_flight if share else Totals()
        if self.budget.max_cost is not None and self.prices.lookup(self.name) is None:
            raise ConfigError(
                f"--max-cost cannot be enforced: no price is known for {self.name}. Give one "
                "with --price IN,OUT (USD per million prompt and completion tokens)"
            )

    def reserve(self, request: ModelRequest) -> Totals:
        """Book this call's worst case, or raise `BudgetExceeded` if it could pass a cap."""
        text = "".join(m.content for m in request.messages)
        prompt = int(estimate_tokens(text) * PROMPT_MARGIN) + 16
        reply = request.max_tokens or DEFAULT_REPLY_TOKENS
        cost = self.prices.cost(self.name, Usage(prompt_tokens=prompt, completion_tokens=reply))
        want = Totals(calls=1, prompt_tokens=prompt, completion_tokens=reply, cost_usd=cost or 0.0)
        b, t, r = self.budget, self.totals, self.in_flight
        if b.max_calls is not None and t.calls + r.calls + 1 > b.max_calls:
            raise BudgetExceeded(
                f"call budget reached ({t.calls} made, {r.calls} in flight, cap {b.max_calls})"
            )
        if b.max_tokens is not None and t.tokens + r.tokens + want.tokens > b.max_tokens:
            raise BudgetExceeded(
                f"token budget reached ({t.tokens} used, {r.tokens} reserved by calls in flight;"
                f" the next call may need {want.tokens} of the {b.max_tokens})"
            )
        if b.max_cost is not None and t.cost_usd + r.cost_usd + want.cost_usd > b.max_cost:
            raise BudgetExceeded(
                f"cost budget reached (${t.cost_usd:.4f} spent, ${r.cost_usd:.4f} in flight; the"
                f" next call may cost ${want.cost_usd:.4f} of the ${b.max_cost:.4f})"
            )
        _shift(r, want, +1)
        return want

    async def complete(self, request: ModelRequest) -> ModelResponse:
        key = cache_key(self.name, request)
        if self.cache is not None and (hit := self.cache.get(key)) is not None:
            self._record(request, hit, key, cached=True)
            return hit.model_copy(update={"cached": True})
        booked = self.reserve(request)  # no await between the check and the booking
        start = time.monotonic()
        try:
            response = await self.inner.complete(request)
        except ModelError as exc:
            attempts = getattr(exc, "attempts", 1)
            self.log.append(
                ModelCallFailed(
                    model=self.name,
                    tag=request.tag,
                    role=self.role,
                    error=str(exc)[:300],
                    attempts=attempts,
                )
            )
            self.totals.failed_calls += attempts
            raise
        finally:
            _shift(self.in_flight, booked, -1)
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
            role=self.role,
            prompt_tokens=resp.usage.prompt_tokens,
            completion_tokens=resp.usage.completion_tokens,
            latency_s=0.0 if cached else resp.latency_s,
            cost_usd=0.0 if cached else resp.cost_usd,
            cached=cached,
            cached_cost_usd=resp.cost_usd if cached else None,
            failed_attempts=0 if cached else resp.failed_attempts,
            cache_key=key,
        )
        self.log.append(event)
        self.totals.add(event)


def _shift(totals: Totals, amount: Totals, sign: int) -> None:
    totals.calls += sign * amount.calls
    totals.prompt_tokens += sign * amount.prompt_tokens
    totals.completion_tokens += sign * amount.completion_tokens
    totals.cost_usd += sign * amount.cost_usd


def metered_stack(
    raw: Model,
    log: EventSink,
    *,
    max_retries: int = 5,
    budget: Budget | None = None,
    cache_dir: Path | None = None,
    prices: PriceTable | None = None,
    on_retry: Callable[[int, float, Exception], None] | None = None,
    warn: Callable[[str], None] = lambda _msg: None,
    role: str = "",
    share: MeteredModel | None = None,
) -> MeteredModel:
    """The one way every caller (a run, the judge, index summaries) wraps a raw model:
    retried on transient errors inside, metered and cached outside (a retried call is one
    logged call, and a cached reply is never retried)."""
    return MeteredModel(
        Retrying(raw, max_retries=max_retries, on_retry=on_retry),
        log,
        budget=budget,
        cache=ResponseCache(cache_dir) if cache_dir is not None else None,
        prices=prices,
        warn=warn,
        role=role,
        share=share,
    )
