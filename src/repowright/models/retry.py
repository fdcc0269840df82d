"""Retries with exponential backoff and full jitter, for transient failures only."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable

from repowright.models.base import Model, ModelRequest, ModelResponse, TransientModelError

Sleep = Callable[[float], Awaitable[None]]


class Retrying:
    """Wraps a model; auth, bad-request and context-length errors pass straight through."""

    def __init__(
        self,
        inner: Model,
        *,
        max_retries: int = 5,
        base_delay: float = 1.0,
        max_delay: float = 60.0,
        sleep: Sleep = asyncio.sleep,
        on_retry: Callable[[int, float, Exception], None] | None = None,
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self._on_retry = on_retry

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Full jitter (uniform in [0, base*2^attempt]) keeps parallel callers from syncing up."""
        cap = min(self.max_delay, self.base_delay * (2**attempt))
        jittered = random.uniform(0, cap)
        return max(jittered, min(retry_after or 0.0, self.max_delay))

    async def complete(self, request: ModelRequest) -> ModelResponse:
        attempt = 0
        while True:
            try:
                response = await self.inner.complete(request)
            except TransientModelError as exc:
                if attempt >= self.max_retries:
                    raise TransientModelError(
                        f"{exc} (gave up after {attempt + 1} attempts)", attempts=attempt + 1
                    ) from exc
                wait = self.delay(attempt, exc.retry_after)
                if self._on_retry:
                    self._on_retry(attempt + 1, wait, exc)
                await self._sleep(wait)
                attempt += 1
            else:
                response.failed_attempts += attempt
                return response
