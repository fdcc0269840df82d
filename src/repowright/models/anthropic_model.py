"""Anthropic's Messages API through the official `anthropic` SDK."""

from __future__ import annotations

import json
import time
from typing import Any

import anthropic

from repowright.models.base import (
    DEFAULT_REPLY_TOKENS,
    AuthError,
    BadRequestError,
    ContextLengthError,
    ModelError,
    ModelRequest,
    ModelResponse,
    TransientModelError,
    Usage,
)


class AnthropicModel:
    """Structured output uses a forced tool call whose input schema is the requested schema.

    The SDK (2.x) no longer takes `temperature`, so the request's temperature is not sent.
    """

    def __init__(
        self,
        model: str,
        *,
        api_key: str | None = None,
        timeout: float = 600.0,
        base_url: str | None = None,
    ) -> None:
        self.model = model
        self.name = f"anthropic:{model}"
        self._client = anthropic.AsyncAnthropic(
            api_key=api_key, timeout=timeout, max_retries=0, base_url=base_url
        )

    async def complete(self, request: ModelRequest) -> ModelResponse:
        system = "\n\n".join(m.content for m in request.messages if m.role == "system")
        kwargs: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens or DEFAULT_REPLY_TOKENS,
            "messages": [
                {"role": m.role, "content": m.content}
                for m in request.messages
                if m.role != "system"
            ],
        }
        if system:
            kwargs["system"] = system
        if request.json_schema is not None:
            kwargs["tools"] = [
                {
                    "name": request.schema_name,
                    "description": "Return the answer as this structure.",
                    "input_schema": request.json_schema,
                }
            ]
            kwargs["tool_choice"] = {"type": "tool", "name": request.schema_name}
        start = time.monotonic()
        try:
            resp = await self._client.messages.create(**kwargs)
        except anthropic.APIError as exc:
            raise _translate(exc, self.name) from exc
        text = ""
        for block in resp.content:
            if block.type == "tool_use":
                text = json.dumps(block.input)
                break
            if block.type == "text":
                text += block.text
        return ModelResponse(
            text=text,
            usage=Usage(
                prompt_tokens=resp.usage.input_tokens, completion_tokens=resp.usage.output_tokens
            ),
            model=resp.model,
            # Normalised where the reply comes in: every cut-off reads "length" downstream.
            finish_reason="length" if resp.stop_reason == "max_tokens" else resp.stop_reason,
            latency_s=time.monotonic() - start,
        )


def _translate(exc: anthropic.APIError, name: str) -> ModelError:
    if isinstance(exc, anthropic.APITimeoutError | anthropic.APIConnectionError):
        return TransientModelError(f"{name}: {type(exc).__name__}: {exc}")
    status = getattr(exc, "status_code", None)
    message = f"{name}: HTTP {status}: {str(exc).splitlines()[0][:300] if str(exc) else ''}"
    if isinstance(exc, anthropic.AuthenticationError | anthropic.PermissionDeniedError):
        return AuthError(f"{message} (check ANTHROPIC_API_KEY)")
    if status in (429, 529) or (isinstance(status, int) and status >= 500):
        return TransientModelError(message)
    if "prompt is too long" in str(exc).lower():
        return ContextLengthError(message)
    return BadRequestError(message)
