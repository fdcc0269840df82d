"""The model boundary: every LLM backend implements the async `Model` protocol."""

from __future__ import annotations

from typing import Any, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from repowright.errors import RepowrightError

Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    role: Role
    content: str


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


DEFAULT_REPLY_TOKENS = 8192
"""The reply limit of a request that sets none, for every provider: budgets reserve it."""


class ModelRequest(BaseModel):
    """Everything that determines a reply; also the cache key material."""

    messages: list[Message]
    temperature: float = 0.0
    seed: int | None = Field(
        default=None,
        description="Sampling seed: several samples of one prompt are different requests, not "
        "one cached reply; sent to endpoints that take it.",
    )
    max_tokens: int | None = None
    json_schema: dict[str, Any] | None = Field(
        default=None, description="Ask for JSON matching this schema (native where supported)."
    )
    schema_name: str = "response"
    tag: str = Field(default="", description="What the call is for; logged, not sent.")


class ModelResponse(BaseModel):
    text: str
    usage: Usage = Field(default_factory=Usage)
    model: str = ""
    finish_reason: str | None = None
    cost_usd: float | None = None
    cached: bool = False
    latency_s: float = 0.0
    failed_attempts: int = 0
    """Requests sent for this reply that failed before one succeeded (set by retrying)."""


@runtime_checkable
class Model(Protocol):
    """An async chat model. `name` identifies it for pricing, caching and logs."""

    name: str

    async def complete(self, request: ModelRequest) -> ModelResponse: ...


@runtime_checkable
class WindowLimited(Protocol):
    """A model whose context window is small enough that prompts must be sized to it."""

    context_window: int
    max_reply_tokens: int


PROMPT_OVERHEAD = 1500
"""Tokens a prompt spends beyond its budgeted content: instructions, schema, estimate slack."""
MIN_CONTEXT_BUDGET = 1000


def fit_context_budget(budget: int, model: object) -> int:
    """`budget`, lowered where needed so a prompt plus the longest reply fit the model's window."""
    if not isinstance(model, WindowLimited):
        return budget
    room = model.context_window - model.max_reply_tokens - PROMPT_OVERHEAD
    return min(budget, max(MIN_CONTEXT_BUDGET, room))


class ModelError(RepowrightError):
    """A model call failed in a way that retrying will not fix."""


class AuthError(ModelError):
    pass


class BadRequestError(ModelError):
    pass


class ContextLengthError(BadRequestError):
    pass


class ModelGone(ModelError):
    """The model's own server died or stopped answering: final for the run, never retried
    (the run stays resumable once the cause is fixed)."""


class TransientModelError(ModelError):
    """Rate limit, 5xx, timeout or connection error: safe to retry."""

    def __init__(self, message: str, retry_after: float | None = None, attempts: int = 1) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.attempts = attempts
        """Requests sent before giving up."""
