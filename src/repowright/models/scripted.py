"""A deterministic model for tests and offline demos: replies come from a script.

A script is a list (replies given in order) or a function of the request. A reply is a
string, a dict/list (sent as JSON), a `ScriptedReply`, or an exception instance to raise.
From a file (`scripted:path.json`): either a JSON list of replies, or
`{"rules": [{"tag" | "tag_prefix": ..., "contains": ..., "reply": ..., "delay_s": ...,
"error": ...}], "default": ...}`
(errors: rate_limit, server, auth, bad_request, context_length). The first rule
whose `tag` equals the request tag (and whose `contains` is in the last message)
answers; rules marked `"once": true` are used up after one match.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from repowright.errors import ConfigError
from repowright.models.base import (
    AuthError,
    BadRequestError,
    ContextLengthError,
    ModelRequest,
    ModelResponse,
    TransientModelError,
    Usage,
)
from repowright.models.tokens import estimate_tokens

_ERRORS: dict[str, Callable[[], Exception]] = {
    "rate_limit": lambda: TransientModelError("scripted rate limit (429)"),
    "server": lambda: TransientModelError("scripted server error (500)"),
    "auth": lambda: AuthError("scripted authentication failure"),
    "bad_request": lambda: BadRequestError("scripted bad request"),
    "context_length": lambda: ContextLengthError("scripted context length exceeded"),
}


@dataclass
class ScriptedReply:
    text: str
    finish_reason: str = "stop"
    delay_s: float = 0.0


Reply = str | dict[str, Any] | list[Any] | ScriptedReply | Exception
Script = Sequence[Reply] | Callable[[ModelRequest], Reply]


class ScriptedExhausted(AssertionError):
    """The script ran out of replies: the code under test made more calls than expected."""


class ScriptedModel:
    def __init__(self, script: Script, name: str = "scripted") -> None:
        self.name = name
        self._script = script
        self._index = 0
        self.requests: list[ModelRequest] = []

    @property
    def calls(self) -> int:
        return len(self.requests)

    def _next(self, request: ModelRequest) -> Reply:
        if callable(self._script):
            return self._script(request)
        if self._index >= len(self._script):
            raise ScriptedExhausted(f"scripted model has no reply left for call {self._index + 1}")
        reply = self._script[self._index]
        self._index += 1
        return reply

    async def complete(self, request: ModelRequest) -> ModelResponse:
        self.requests.append(request)
        reply = self._next(request)
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, dict | list):
            reply = ScriptedReply(json.dumps(reply))
        if isinstance(reply, str):
            reply = ScriptedReply(reply)
        if reply.delay_s:
            await asyncio.sleep(reply.delay_s)
        prompt = "".join(m.content for m in request.messages)
        return ModelResponse(
            text=reply.text,
            usage=Usage(
                prompt_tokens=estimate_tokens(prompt), completion_tokens=estimate_tokens(reply.text)
            ),
            model=self.name,
            finish_reason=reply.finish_reason,
        )


def _from_item(item: Any) -> Reply:
    if isinstance(item, dict) and "error" in item:
        kind = item["error"]
        if kind not in _ERRORS:
            raise ConfigError(f"unknown scripted error {kind!r}; use one of {sorted(_ERRORS)}")
        return _ERRORS[kind]()
    if isinstance(item, dict) and "reply" in item:
        reply = _from_item(item["reply"])
        if item.get("delay_s") and not isinstance(reply, Exception):
            text = reply if isinstance(reply, str) else json.dumps(reply)
            return ScriptedReply(text, delay_s=float(item["delay_s"]))
        return reply
    return cast(Reply, item)  # a plain reply: text, or JSON for a structured request


def load_script(path: Path) -> ScriptedModel:
    """Build a `ScriptedModel` from a JSON script file (see module docstring)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"scripted model file not found: {path}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"scripted model file {path} is not valid JSON: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"scripted model file {path} cannot be read: {exc}") from None
    given = data.get("rules", []) if isinstance(data, dict) else None
    if not isinstance(data, list) and not (
        isinstance(given, list) and all(isinstance(r, dict) for r in given)
    ):
        raise ConfigError(
            f"scripted model file {path} must hold a list of replies or an object with "
            '"rules" (a list of objects) and "default"'
        )
    if isinstance(data, list):
        return ScriptedModel([_from_item(i) for i in data], name=f"scripted:{path.name}")
    rules: list[dict[str, Any]] = list(data.get("rules", []))
    default = data.get("default")

    def answer(request: ModelRequest) -> Reply:
        last = request.messages[-1].content if request.messages else ""
        for rule in rules:
            if rule.get("tag") not in (None, request.tag):
                continue
            if not request.tag.startswith(rule.get("tag_prefix", "")):
                continue
            if rule.get("contains") and rule["contains"] not in last:
                continue
            if rule.get("once"):
                rules.remove(rule)
            return _from_item(rule)
        if default is None:
            raise ScriptedExhausted(f"no scripted rule matches tag {request.tag!r}")
        return _from_item(default)

    return ScriptedModel(answer, name=f"scripted:{path.name}")
