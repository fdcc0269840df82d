"""Bounded JSON schemas for small models under constrained decoding.

A tiny model decoding against a grammar can loop inside a string or an array until it hits
its token limit, leaving unparseable JSON. Capping every unbounded string and array in the
schema sent to the server makes such loops end; pydantic still validates the reply against
the real schema, so the bounds only shape generation.
"""

from __future__ import annotations

import copy
from typing import Any

from repowright.models.base import Model, ModelRequest, ModelResponse

MAX_STRING = 400
MAX_ITEMS = 12


def bound_schema(
    schema: dict[str, Any], max_string: int = MAX_STRING, max_items: int = MAX_ITEMS
) -> dict[str, Any]:
    """A copy of `schema` in which every string has a maxLength and every array a maxItems."""
    out = copy.deepcopy(schema)

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            if kind == "string" and "enum" not in node and "const" not in node:
                node.setdefault("maxLength", max_string)
            if kind == "array":
                node.setdefault("maxItems", max_items)
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for item in node:
                visit(item)

    visit(out)
    return out


class BoundedSchemas:
    """Wraps a model so structured requests carry a bounded schema."""

    def __init__(self, inner: Model) -> None:
        self.inner = inner
        self.name = inner.name

    async def complete(self, request: ModelRequest) -> ModelResponse:
        if request.json_schema is not None:
            request = request.model_copy(update={"json_schema": bound_schema(request.json_schema)})
        return await self.inner.complete(request)
