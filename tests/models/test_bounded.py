"""Schemas bounded for constrained decoding: caps, worst-case size, fitting to a token limit."""

from __future__ import annotations

import json

from repowright.blueprint.draft import BlueprintDraft
from repowright.models.base import (
    PROMPT_OVERHEAD,
    Message,
    ModelRequest,
    WindowLimited,
    fit_context_budget,
)
from repowright.models.bounded import (
    CHARS_PER_TOKEN,
    LADDER,
    BoundedSchemas,
    bound_schema,
    fit_schema,
    worst_case_chars,
)
from repowright.models.scripted import ScriptedModel


def test_bound_schema_caps_every_string_and_array_keeping_smaller_bounds() -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "string"},
            "b": {"type": "array", "items": {"type": "string", "maxLength": 5}},
            "c": {"type": "string", "enum": ["x", "y"]},
            "d": {"type": "array", "maxItems": 3, "items": {"type": "integer"}},
            "e": {"type": "array", "maxItems": 30, "minItems": 6, "items": {"type": "integer"}},
        },
    }
    bounded = bound_schema(schema, max_string=10, max_items=4)
    props = bounded["properties"]
    assert props["a"]["maxLength"] == 10 and props["b"]["maxItems"] == 4
    assert props["b"]["items"]["maxLength"] == 5 and "maxLength" not in props["c"]
    assert props["d"]["maxItems"] == 3
    assert props["e"]["maxItems"] == 6, "a cap never goes below the schema's minimum"
    assert "maxLength" not in schema["properties"]["a"], "the input is not modified"


def test_worst_case_counts_nested_arrays_and_refs() -> None:
    schema = {
        "$defs": {"Item": {"type": "object", "properties": {"n": {"type": "string"}}}},
        "type": "object",
        "properties": {"xs": {"type": "array", "items": {"$ref": "#/$defs/Item"}}},
    }
    bounded = bound_schema(schema, max_string=10, max_items=3)
    longest = {"xs": [{"n": "x" * 10}] * 3}
    assert worst_case_chars(bounded) >= len(json.dumps(longest, separators=(",", ":")))


def test_fit_schema_shrinks_until_the_largest_reply_fits() -> None:
    schema = BlueprintDraft.model_json_schema()
    assert worst_case_chars(bound_schema(schema)) > 4096 * CHARS_PER_TOKEN
    for limit in (2048, 4096):
        fitted = fit_schema(schema, limit)
        assert worst_case_chars(fitted) <= limit * CHARS_PER_TOKEN
    # Looser for a bigger limit; the smallest rung whatever the limit.
    assert worst_case_chars(fit_schema(schema, 4096)) > worst_case_chars(fit_schema(schema, 2048))
    assert fit_schema(schema, 10) == bound_schema(schema, *LADDER[-1])


async def test_bounded_model_sends_the_fitted_schema_and_its_limit() -> None:
    inner = ScriptedModel(['{"value": 1}', "plain"])
    model = BoundedSchemas(inner, max_reply_tokens=2048, context_window=8192)
    schema = BlueprintDraft.model_json_schema()
    msgs = [Message(role="user", content="q")]
    await model.complete(ModelRequest(messages=msgs, json_schema=schema))
    await model.complete(ModelRequest(messages=msgs))
    structured, plain = inner.requests
    assert structured.max_tokens == 2048
    assert structured.json_schema == fit_schema(schema, 2048)
    assert plain.max_tokens is None and plain.json_schema is None


async def test_a_capable_model_gets_loop_caps_only() -> None:
    inner = ScriptedModel(['{"value": 1}'])
    model = BoundedSchemas(inner, max_reply_tokens=8192, context_window=32768, fit=False)
    schema = BlueprintDraft.model_json_schema()
    await model.complete(ModelRequest(messages=[Message(role="user", content="q")],
                                      json_schema=schema))  # fmt: skip
    sent = inner.requests[0].json_schema
    assert sent == bound_schema(schema)
    assert worst_case_chars(sent) > worst_case_chars(fit_schema(schema, 8192))


def test_context_budget_leaves_room_for_the_reply_in_a_small_window() -> None:
    small = BoundedSchemas(ScriptedModel([]), max_reply_tokens=4096, context_window=8192)
    assert isinstance(small, WindowLimited)
    fitted = fit_context_budget(12_000, small)
    assert fitted + small.max_reply_tokens + PROMPT_OVERHEAD <= small.context_window
    assert fit_context_budget(2_000, small) == 2_000, "a smaller budget is kept"
    assert fit_context_budget(12_000, ScriptedModel([])) == 12_000, "unknown window: unchanged"
