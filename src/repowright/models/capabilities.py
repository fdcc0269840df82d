"""What request parameters a model family accepts.

OpenAI's reasoning models (o1, o3, o4-mini, gpt-5 and their dated or vendor-prefixed ids)
reject `temperature` and `max_tokens` with HTTP 400; they take `max_completion_tokens` (which
also bounds the hidden reasoning). Everything else takes the classic parameters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

REASONING = re.compile(r"^(?:o\d+(?:$|[-.])|gpt-5)", re.IGNORECASE)


@dataclass(frozen=True)
class Capabilities:
    temperature: bool = True
    token_limit: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"


def capabilities(model: str) -> Capabilities:
    """The parameters `model` (an API model id, `vendor/` prefix allowed) accepts."""
    bare = model.rsplit("/", 1)[-1]
    if REASONING.match(bare):
        return Capabilities(temperature=False, token_limit="max_completion_tokens")
    return Capabilities()


KNOWN_WINDOWS: tuple[tuple[str, int], ...] = (
    (r"^gpt-4\.1", 1_047_576),
    (r"^gpt-5", 400_000),
    (r"^o\d", 200_000),
    (r"^gpt-4o", 128_000),
    (r"^gpt-4-turbo", 128_000),
    (r"^claude-", 200_000),
    (r"^gemini-", 1_048_576),
)
"""Context windows (tokens) of model families, by API model id."""


def context_window(model: str) -> int | None:
    """The context window of `model` (an API id, `vendor/` prefix allowed), if known."""
    bare = model.rsplit("/", 1)[-1].lower()
    return next((window for pattern, window in KNOWN_WINDOWS if re.match(pattern, bare)), None)
