"""Prompts are data: Jinja templates shipped in `templates/`, rendered with StrictUndefined."""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from repowright.models.base import Message


@cache
def _env() -> Environment:
    return Environment(
        loader=PackageLoader("repowright", "prompts/templates"),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def render(name: str, **context: Any) -> str:
    """Render `templates/<name>.j2`; a missing variable is an error, never an empty string."""
    return _env().get_template(f"{name}.j2").render(**context).strip() + "\n"


def chat(system: str, user: str, **context: Any) -> list[Message]:
    """Build a system+user message pair from two templates sharing one context."""
    return [
        Message(role="system", content=render(system, **context)),
        Message(role="user", content=render(user, **context)),
    ]
