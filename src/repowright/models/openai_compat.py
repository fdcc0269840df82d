"""Any OpenAI-compatible chat endpoint (OpenAI, OpenRouter, vLLM, Ollama, llama.cpp server)."""

from __future__ import annotations

import time
from typing import Any, Literal

import openai

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
from repowright.models.capabilities import capabilities

JsonMode = Literal["json_schema", "llama_cpp", "none"]
_CONTEXT_MARKERS = ("context_length", "context length", "maximum context", "too many tokens")


class OpenAICompatModel:
    """Talks to the endpoint through the official `openai` SDK; retries are done by `Retrying`."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float = 600.0,
        name: str | None = None,
        json_mode: JsonMode = "json_schema",
        default_max_tokens: int = DEFAULT_REPLY_TOKENS,
        reasoning_effort: str | None = None,
    ) -> None:
        self.model = model
        self.name = name or model
        self.json_mode = json_mode
        self.default_max_tokens = default_max_tokens
        self.reasoning_effort = reasoning_effort
        """Sent to reasoning models only (others reject it)."""
        # max_retries=0: retry policy lives in one place (models/retry.py), not in the SDK too.
        self._client = openai.AsyncOpenAI(
            base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=0
        )

    def _response_format(self, request: ModelRequest) -> dict[str, Any] | None:
        if request.json_schema is None or self.json_mode == "none":
            return None
        if self.json_mode == "llama_cpp":
            return {"type": "json_object", "schema": request.json_schema}
        return {
            "type": "json_schema",
            "json_schema": {"name": request.schema_name, "schema": request.json_schema},
        }

    async def complete(self, request: ModelRequest) -> ModelResponse:
        caps = capabilities(self.model)
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": [m.model_dump() for m in request.messages],
        }
        if caps.temperature:
            kwargs["temperature"] = request.temperature
            if request.seed is not None:
                kwargs["seed"] = request.seed
        elif self.reasoning_effort:
            kwargs["reasoning_effort"] = self.reasoning_effort
        kwargs[caps.token_limit] = request.max_tokens or self.default_max_tokens
        fmt = self._response_format(request)
        if fmt is not None:
            kwargs["response_format"] = fmt
        start = time.monotonic()
        try:
            resp = await self._client.chat.completions.create(**kwargs)
        except openai.APIError as exc:
            raise translate_error(exc, self.name) from exc
        if not resp.choices:
            raise TransientModelError(f"{self.name}: reply had no choices")
        choice = resp.choices[0]
        usage = resp.usage
        return ModelResponse(
            text=choice.message.content or "",
            usage=Usage(
                prompt_tokens=usage.prompt_tokens if usage else 0,
                completion_tokens=usage.completion_tokens if usage else 0,
            ),
            model=resp.model or self.model,
            finish_reason=choice.finish_reason,
            latency_s=time.monotonic() - start,
        )

    async def aclose(self) -> None:
        await self._client.close()


def translate_error(exc: openai.APIError, name: str) -> ModelError:
    """Map SDK errors onto retryable vs. final errors with a clear message."""
    if isinstance(exc, openai.APITimeoutError | openai.APIConnectionError):
        return TransientModelError(f"{name}: {type(exc).__name__}: {exc}")
    status = getattr(exc, "status_code", None)
    message = f"{name}: HTTP {status}: {_short(exc)}"
    if isinstance(exc, openai.AuthenticationError | openai.PermissionDeniedError):
        return AuthError(f"{message} (check the API key in the environment)")
    if status == 429 or (isinstance(status, int) and status >= 500):
        retry_after = _retry_after(exc)
        return TransientModelError(message, retry_after=retry_after)
    text = str(exc).lower()
    if any(marker in text for marker in _CONTEXT_MARKERS):
        return ContextLengthError(f"{message} (prompt too long for this model)")
    return BadRequestError(message)


def _short(exc: Exception) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        err = body.get("error", body)
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])[:300]
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    value = response.headers.get("retry-after") if response is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None
