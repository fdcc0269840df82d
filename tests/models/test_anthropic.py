"""The Anthropic backend through the real `anthropic` SDK against a local fake server."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import BaseModel

from repowright.models.anthropic_model import AnthropicModel
from repowright.models.base import AuthError, Message, ModelRequest, TransientModelError
from repowright.prompts.structured import complete_structured


class Answer(BaseModel):
    value: int


def serve(replies: list[tuple[int, dict[str, Any]]], seen: list[dict[str, Any]]):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            seen.append(json.loads(self.rfile.read(int(self.headers["content-length"]))))
            status, body = replies.pop(0)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def message(content: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": content,
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 5},
    }


async def test_structured_output_via_forced_tool() -> None:
    seen: list[dict[str, Any]] = []
    reply = message([{"type": "tool_use", "id": "t1", "name": "Answer", "input": {"value": 3}}])
    server, url = serve([(200, reply)], seen)
    try:
        model = AnthropicModel("claude-test", api_key="k", base_url=url)
        msgs = [Message(role="system", content="be brief"), Message(role="user", content="q")]
        answer = await complete_structured(model, msgs, Answer)
    finally:
        server.shutdown()
    assert answer.value == 3
    assert seen[0]["system"] == "be brief"
    assert seen[0]["tool_choice"] == {"type": "tool", "name": "Answer"}
    assert [m["role"] for m in seen[0]["messages"]] == ["user"]


@pytest.mark.parametrize(("status", "expected"), [(401, AuthError), (529, TransientModelError)])
async def test_errors_are_classified(status: int, expected: type[Exception]) -> None:
    body = {"type": "error", "error": {"type": "x", "message": "nope"}}
    server, url = serve([(status, body)], [])
    try:
        model = AnthropicModel("claude-test", api_key="k", base_url=url)
        with pytest.raises(expected):
            await model.complete(ModelRequest(messages=[Message(role="user", content="q")]))
    finally:
        server.shutdown()


async def test_a_reply_cut_off_at_max_tokens_reads_as_length() -> None:
    cut = {**message([{"type": "text", "text": "def f(:"}]), "stop_reason": "max_tokens"}
    server, url = serve([(200, cut)], [])
    try:
        model = AnthropicModel("claude-test", api_key="k", base_url=url)
        reply = await model.complete(ModelRequest(messages=[Message(role="user", content="q")]))
    finally:
        server.shutdown()
    assert reply.finish_reason == "length"  # generate regenerates a file cut off this way
