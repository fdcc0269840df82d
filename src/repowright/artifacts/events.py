"""Typed, append-only run events. Subclasses register themselves by their `type` tag.

Any package may define its own event class (subclass `RunEvent`, set a unique
`type: Literal[...]` default); `parse_event` finds it by the tag, so the log stays typed
without a central union that every feature must edit.
"""

from __future__ import annotations

import builtins
import time
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


class RunEvent(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    ts: float = Field(default_factory=time.time)

    # `builtins.type`: inside this class body `type` is the field above.
    _registry: ClassVar[dict[str, builtins.type[RunEvent]]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        tag = cls.model_fields["type"].default
        if isinstance(tag, str) and tag:
            RunEvent._registry[tag] = cls


def parse_event(data: dict[str, Any]) -> RunEvent:
    """Rebuild the typed event from a log line; unknown tags stay plain `RunEvent`s. Anything
    that is not an event object raises ValueError."""
    if not isinstance(data, dict):
        raise ValueError(f"not an event: {data!r:.80}")
    cls = RunEvent._registry.get(str(data.get("type")), RunEvent)
    return cls.model_validate(data)


class RunStarted(RunEvent):
    type: Literal["run_started"] = "run_started"
    input: str
    model: str
    options: dict[str, Any] = Field(default_factory=dict)


class StepStarted(RunEvent):
    type: Literal["step_started"] = "step_started"
    step: str


class StepCompleted(RunEvent):
    type: Literal["step_completed"] = "step_completed"
    step: str
    artifacts: list[str] = Field(default_factory=list)
    summary: dict[str, Any] = Field(default_factory=dict)


class StepFailed(RunEvent):
    type: Literal["step_failed"] = "step_failed"
    step: str
    error: str


class ModelCalled(RunEvent):
    type: Literal["model_called"] = "model_called"
    model: str
    tag: str = ""
    role: str = ""
    """Which role made the call (planner, coder, repair, judge); empty in older runs."""
    prompt_tokens: int
    completion_tokens: int
    latency_s: float
    cost_usd: float | None = None
    cached: bool = False
    cache_key: str = ""
    cached_cost_usd: float | None = None
    """For a reply served from the cache: what it cost when it was first paid for."""
    failed_attempts: int = 0
    """Requests for this reply that failed and were retried."""


class ModelCallFailed(RunEvent):
    """A request that was sent and answered with an error (after any retries): it counts as
    a call made, with no tokens known."""

    type: Literal["model_call_failed"] = "model_call_failed"
    model: str
    tag: str = ""
    role: str = ""
    error: str = ""
    attempts: int = 1


class RunFinished(RunEvent):
    type: Literal["run_finished"] = "run_finished"
    status: Literal["verified", "failed", "stopped", "blueprint_ready"]
    reason: str = ""
