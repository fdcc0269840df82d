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
