"""Structured output: JSON matching a pydantic schema, validated, retried with the error."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from repowright.models.base import Message, Model, ModelError, ModelRequest
from repowright.prompts import render

T = TypeVar("T", bound=BaseModel)


class StructuredOutputError(ModelError):
    """The model did not produce schema-valid JSON within the allowed attempts."""


def extract_json(text: str) -> str:
    """Return the first complete JSON object in `text` (tolerates code fences and chatter)."""
    start = text.find("{")
    if start < 0:
        raise ValueError("no JSON object in the reply")
    obj, _ = json.JSONDecoder().raw_decode(text[start:])
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
    """Ask for `schema` as JSON; on invalid output, feed the error back (bounded attempts)."""
    history = list(messages)
    json_schema = schema.model_json_schema()
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
            history = [
                *history,
                Message(role="assistant", content=reply.text),
                Message(role="user", content=render("structured_retry", error=last_error[:2000])),
            ]
    first_line = last_error.strip().splitlines()[0] if last_error.strip() else "no output"
    raise StructuredOutputError(
        f"{model.name} gave no valid {schema.__name__} after {max_attempts} attempts "
        f"({tag or 'structured call'}): {first_line}"
    )
