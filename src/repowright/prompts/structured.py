"""Structured output: JSON matching a pydantic schema, validated, retried with the error."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from repowright.models.base import Message, Model, ModelError, ModelRequest
from repowright.prompts import render

T = TypeVar("T", bound=BaseModel)


TRUNCATED = frozenset({"length"})
"""Finish reasons (OpenAI, Anthropic) of a reply stopped by its token limit."""


class StructuredOutputError(ModelError):
    """The model did not produce schema-valid JSON within the allowed attempts."""


def extract_json(text: str) -> str:
    """Return the first complete JSON object in `text` (tolerates code fences and chatter).

    Raw control characters inside strings are accepted: llama.cpp's JSON grammar lets a
    model emit a literal newline there, and re-encoding escapes it.
    """
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in the reply")
    obj, _ = json.JSONDecoder(strict=False).raw_decode(text[start:])
    return json.dumps(obj)


async def complete_structured(
    model: Model,
    messages: Sequence[Message],
    schema: type[T],
    *,
    tag: str = "",
    max_attempts: int = 3,
    max_tokens: int | None = None,
    temperature: float = 0.0,
) -> T:
    """Ask for `schema` as JSON; on invalid output, feed the error back (bounded attempts).

    A retry carries only the latest failed reply, so the prompt does not grow with each
    attempt; a reply cut off at its token limit is not echoed back at all: the model is
    asked for a shorter one instead.
    """
    json_schema = schema.model_json_schema()
    history = list(messages)
    last_error = ""
    for _ in range(max_attempts):
        reply = await model.complete(
            ModelRequest(
                messages=history,
                json_schema=json_schema,
                schema_name=schema.__name__,
                tag=tag,
                max_tokens=max_tokens,
                temperature=temperature,
            )
        )
        try:
            return schema.model_validate_json(extract_json(reply.text))
        except (ValueError, ValidationError) as exc:
            last_error = str(exc)
            if reply.finish_reason in TRUNCATED:
                last_error = f"the reply was cut off at its token limit ({last_error})"
                feedback = [
                    Message(
                        role="user",
                        content=render("structured_too_long", tokens=reply.usage.completion_tokens),
                    )
                ]
            else:
                retry = render("structured_retry", error=last_error[:2000])
                feedback = [
                    Message(role="assistant", content=reply.text),
                    Message(role="user", content=retry),
                ]
            history = [*messages, *feedback]
    first_line = last_error.strip().splitlines()[0] if last_error.strip() else "no output"
    raise StructuredOutputError(
        f"{model.name} gave no valid {schema.__name__} after {max_attempts} attempts "
        f"({tag or 'structured call'}): {first_line}"
    )
