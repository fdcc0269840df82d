"""Bounded JSON schemas for small models under constrained decoding.

A tiny model decoding against a grammar can loop inside a string or an array until it hits
its token limit, leaving unparseable JSON. Capping every string and array in the schema sent
to the server makes such loops end, and `fit_schema` picks caps tight enough that even the
largest reply the schema allows fits the reply's token limit, so a reply is never cut off
mid-object. Pydantic still validates the reply against the real schema: the bounds only
shape generation.
"""

from __future__ import annotations

import copy
from typing import Any

from repowright.models.base import Model, ModelRequest, ModelResponse

MAX_STRING = 400
MAX_ITEMS = 12
CHARS_PER_TOKEN = 3
"""A conservative estimate for JSON text; prose averages nearer four."""
LADDER = [
    (400, 12), (400, 8), (300, 6), (200, 5), (200, 4), (150, 4), (120, 3),
    (100, 3), (80, 3), (80, 2), (60, 2), (40, 2), (30, 1),
]  # fmt: skip
"""(max string length, max array items), loosest first: lists shrink before strings do."""
_SCALAR_CHARS = {"integer": 12, "number": 16, "boolean": 5, "null": 4}
_MAX_DEPTH = 12


def bound_schema(
    schema: dict[str, Any], max_string: int = MAX_STRING, max_items: int = MAX_ITEMS
) -> dict[str, Any]:
    """A copy of `schema` in which every string has a maxLength and every array a maxItems
    no larger than the given caps (a schema's own smaller bound and its minimums are kept)."""
    out = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "string" and "enum" not in node and "const" not in node:
                cap = max(node.get("minLength", 0), max_string)
                node["maxLength"] = min(node.get("maxLength", cap), cap)
            if kind == "array":
                cap = max(node.get("minItems", 0), max_items)
                node["maxItems"] = min(node.get("maxItems", cap), cap)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(out)
    return out


def worst_case_chars(schema: dict[str, Any]) -> int:
    """An upper estimate of the longest JSON a bounded `schema` admits (refs resolved)."""
    defs = schema.get("$defs", {})

    def size(node: Any, depth: int) -> int:
        if not isinstance(node, dict) or depth > _MAX_DEPTH:
            return 0
        if "$ref" in node:
            return size(defs.get(node["$ref"].rsplit("/", 1)[-1], {}), depth + 1)
        options = node.get("anyOf") or node.get("oneOf")
        if options:
            return max(size(option, depth + 1) for option in options)
        if "enum" in node or "const" in node:
            values = node.get("enum", [node.get("const")])
            return max(len(str(v)) + 2 for v in values)
        kind = node.get("type", "")
        if kind == "string":
            length: int = node.get("maxLength", MAX_STRING)
            return length + 2
        if kind == "array":
            items: int = node.get("maxItems", MAX_ITEMS)
            return 2 + items * (size(node.get("items"), depth + 1) + 2)
        if kind == "object" or "properties" in node:
            props = node.get("properties", {})
            return 2 + sum(len(k) + 4 + size(v, depth + 1) for k, v in props.items())
        return _SCALAR_CHARS.get(kind, 16)

    return size(schema, 0)


def fit_schema(schema: dict[str, Any], max_tokens: int) -> dict[str, Any]:
    """`schema` bounded by the loosest caps whose largest reply fits in `max_tokens`."""
    bounded = schema
    for max_string, max_items in LADDER:
        bounded = bound_schema(schema, max_string, max_items)
        if worst_case_chars(bounded) <= max_tokens * CHARS_PER_TOKEN:
            break
    return bounded


class BoundedSchemas:
    """Wraps a small-window model: structured requests carry a schema fitted to the reply's
    token limit, and the window is declared so prompts are sized to leave room for it."""

    def __init__(
        self, inner: Model, max_reply_tokens: int, context_window: int, *, fit: bool = True
    ) -> None:
        self.inner = inner
        self.name = inner.name
        self.max_reply_tokens = max_reply_tokens
        """Reply limit of a structured request that sets none; its schema is fitted to it."""
        self.context_window = context_window
        self.fit = fit
        """Fit caps to the worst case (a tiny model that loops), or only cap loops (`False`:
        a capable model's plan is sized by the task, not by the worst case's product)."""

    async def complete(self, request: ModelRequest) -> ModelResponse:
        if request.json_schema is not None:
            limit = request.max_tokens or self.max_reply_tokens
            schema = request.json_schema
            schema = fit_schema(schema, limit) if self.fit else bound_schema(schema)
            request = request.model_copy(update={"json_schema": schema, "max_tokens": limit})
        return await self.inner.complete(request)
