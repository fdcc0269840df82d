"""A stand-in for `python -m llama_cpp.server` that misbehaves on purpose.

    python fake_llama_server.py PORT MODE

MODE: `ok` answers everything; `exit-at-start` prints a line and exits 3; `crash` answers
/v1/models, then dies of a segmentation fault on the first completion; `hang` answers /v1/models
and never answers a completion (using no CPU, like a deadlocked server).
"""

from __future__ import annotations

import ctypes
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT, MODE = int(sys.argv[1]), sys.argv[2]
REPLY = {
    "id": "x",
    "object": "chat.completion",
    "created": 0,
    "model": "fake",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    ],
    "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        print("request", self.path, flush=True)

    def _send(self, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self._send({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if MODE == "crash":
            print("about to crash", flush=True)
            ctypes.string_at(0)  # a real, synchronous segmentation fault
        if MODE == "hang":
            print("hanging", flush=True)
            time.sleep(3600)
        self._send(REPLY)


if MODE == "exit-at-start":
    print("error: failed to load model", flush=True)
    sys.exit(3)
print("fake server listening", flush=True)
ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
