"""Structured output: validation retries carry the error, truncated replies ask for less."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from repowright.models.base import Message
from repowright.models.scripted import ScriptedModel, ScriptedReply
from repowright.prompts.structured import (
    StructuredOutputError,
    complete_structured,
    extract_json,
)


class Answer(BaseModel):
    value: int


PROMPT = [Message(role="system", content="s"), Message(role="user", content="q")]


async def test_invalid_reply_is_shown_with_the_error_and_history_does_not_grow() -> None:
    model = ScriptedModel(['{"value": "a"}', '{"value": "b"}', '{"value": 3}'])
    assert (await complete_structured(model, PROMPT, Answer)).value == 3
    first_retry, second_retry = model.requests[1:]
    assert [m.role for m in second_retry.messages] == ["system", "user", "assistant", "user"]
    assert second_retry.messages[2].content == '{"value": "b"}', "only the latest failure"
    assert "not valid JSON for the requested schema" in first_retry.messages[-1].content


async def test_truncated_reply_is_not_echoed_and_asks_for_a_shorter_one() -> None:
    cut = ScriptedReply('{"value": 1, "padding": "aaaa', finish_reason="length")
    model = ScriptedModel([cut, '{"value": 2}'])
    assert (await complete_structured(model, PROMPT, Answer)).value == 2
    retry = model.requests[1]
    assert [m.role for m in retry.messages] == ["system", "user", "user"]
    assert "cut off" in retry.messages[-1].content and "shorter" in retry.messages[-1].content


async def test_gives_up_after_bounded_attempts_naming_the_cause() -> None:
    cut = ScriptedReply('{"value": ', finish_reason="length")
    model = ScriptedModel([cut, cut])
    with pytest.raises(StructuredOutputError, match="cut off at its token limit"):
        await complete_structured(model, PROMPT, Answer, max_attempts=2, tag="t")
    assert len(model.requests) == 2


def test_extract_json_skips_chatter_and_accepts_raw_newlines_in_strings() -> None:
    text = 'Sure!\n```json\n{"a": "two\nlines", "b": [1]}\n```'
    assert json.loads(extract_json(text)) == {"a": "two\nlines", "b": [1]}
    with pytest.raises(ValueError, match="no JSON object"):
        extract_json("no braces here")
