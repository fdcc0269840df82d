"""A fake OpenAI-compatible HTTP server on 127.0.0.1, so tests exercise the real SDK path."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeReply:
    status: int = 200
    text: str = "hello"
    headers: dict[str, str] = field(default_factory=dict)
    error: dict[str, Any] | None = None


@dataclass
class FakeServer:
    replies: list[FakeReply]
    requests: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""


REASONING_PREFIXES = ("o1", "o3", "o4", "gpt-5")
"""Model names this fake answers like OpenAI's reasoning models: 400 on sampling parameters."""


def _refused(body: dict[str, Any]) -> FakeReply | None:
    if not str(body.get("model", "")).startswith(REASONING_PREFIXES):
        return None
    for param in ("temperature", "max_tokens"):
        if param in body:
            message = f"Unsupported parameter: '{param}' is not supported with this model."
            return FakeReply(status=400, error={"message": message, "param": param})
    return None


def _completion(text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "fake-model",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18},
    }


@contextmanager
def fake_openai(replies: list[FakeReply]) -> Iterator[FakeServer]:
    state = FakeServer(replies=list(replies))

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            state.requests.append(body)
            reply = _refused(body) or (state.replies.pop(0) if state.replies else FakeReply())
            if reply.status == 200:
                answer = _completion(reply.text)
            else:
                answer = {"error": reply.error or {"message": f"fake {reply.status}"}}
            data = json.dumps(answer).encode()
            self.send_response(reply.status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for key, value in reply.headers.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
