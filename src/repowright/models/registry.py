"""Model specs (`provider:model`) -> a ready model, and the default choice when none is set.

Specs:
  openai:gpt-4.1                          OPENAI_API_KEY (OPENAI_BASE_URL honoured)
  anthropic:claude-sonnet-4-5             ANTHROPIC_API_KEY
  openrouter:vendor/model                 OPENROUTER_API_KEY
  openai-compat:http://host:port/v1#name  any OpenAI-compatible server (vLLM, llama.cpp, ...);
                                          key from OPENAI_COMPAT_API_KEY if the server needs one
  ollama:llama3.1                         local Ollama on 127.0.0.1:11434
  scripted:path.json                      replies from a script (tests, offline demos)
  local | local:NAME | local:/path.gguf    embedded llama.cpp server, no key, no network
                                          (NAME: smollm2-135m, qwen-coder-0.5b, qwen-coder-1.5b)
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from repowright.errors import ConfigError
from repowright.models.base import Model
from repowright.models.scripted import load_script

OPENROUTER_URL = "https://openrouter.ai/api/v1"
OLLAMA_URL = "http://127.0.0.1:11434/v1"
DEFAULTS_BY_KEY = (
    ("OPENAI_API_KEY", "openai:gpt-4.1"),
    ("ANTHROPIC_API_KEY", "anthropic:claude-sonnet-4-5"),
    ("OPENROUTER_API_KEY", "openrouter:anthropic/claude-sonnet-4.5"),
)
PROVIDERS = ("openai", "anthropic", "openrouter", "openai-compat", "ollama", "scripted", "local")


def spec_file(spec: str) -> str | None:
    """The file a spec names (`scripted:x.json`, `local:m.gguf`, `local:/p/m.gguf`), or None."""
    provider, _, rest = spec.partition(":")
    path_like = provider == "scripted" or (
        provider == "local" and ("/" in rest or rest.endswith(".gguf"))
    )
    return rest if path_like and rest else None


def absolute_spec(spec: str) -> str:
    """`spec` with a relative file path made absolute (`scripted:x.json`, `local:m.gguf`), so
    a saved run resumes from any directory."""
    file = spec_file(spec)
    if file is None or Path(file).expanduser().is_absolute():
        return spec
    return f"{spec.partition(':')[0]}:{Path(file).expanduser().resolve()}"


def default_spec() -> tuple[str, str]:
    """The spec to use when none is configured, and a one-line note saying why."""
    for var, spec in DEFAULTS_BY_KEY:
        if os.environ.get(var):
            return spec, f"model: {spec} (found {var}; choose another with --model)"
    return "local", (
        "model: local (embedded, no key needed). For better results pass --model, "
        "e.g. --model openai:gpt-4.1 or --model anthropic:claude-sonnet-4-5 with its API key set"
    )


def _key(var: str, spec: str) -> str:
    value = os.environ.get(var)
    if not value:
        raise ConfigError(f"{spec} needs the environment variable {var}")
    return value


KEY_OF = {
    "openai": "OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
    "openrouter": "OPENROUTER_API_KEY",
}


def check_spec(spec: str) -> None:
    """What `open_model` would refuse, found without a network, a server or weights assembly,
    so a run that cannot start is refused before its directory is made."""
    provider, _, rest = spec.partition(":")
    if provider == "local":
        from repowright.models.weights import CATALOG

        path_like = "/" in rest or rest.endswith(".gguf")
        if rest and not path_like and rest not in CATALOG:
            raise ConfigError(f"unknown local model {rest!r}; use one of {', '.join(CATALOG)}")
        if path_like and not Path(rest).expanduser().is_file():
            raise ConfigError(f"local model file not found: {rest}")
        return
    _check_provider(spec)
    if provider in KEY_OF:
        _key(KEY_OF[provider], spec)
    if provider == "scripted":
        load_script(Path(rest))


def _check_provider(spec: str) -> None:
    provider, _, rest = spec.partition(":")
    if provider not in PROVIDERS or not rest:
        raise ConfigError(
            f"unknown model spec {spec!r}; use provider:model with provider one of "
            f"{', '.join(PROVIDERS)} (e.g. openai:gpt-4.1)"
        )


@asynccontextmanager
async def open_model(
    spec: str,
    *,
    timeout_s: float = 600.0,
    reasoning_effort: str | None = None,
    log_dir: Path | None = None,
) -> AsyncIterator[Model]:
    """Yield the raw model for `spec`; owned resources (a local server) end with the block.
    `reasoning_effort` reaches only the reasoning models of OpenAI-compatible providers."""
    provider, _, rest = spec.partition(":")
    timeout = timeout_s
    if provider == "local":
        from repowright.models.local import open_local_model

        async with open_local_model(rest, log_dir=log_dir) as model:
            yield model
        return
    _check_provider(spec)  # the key and the script are checked as they are used below
    if provider == "scripted":
        yield load_script(Path(rest))
        return
    if provider == "anthropic":
        from repowright.models.anthropic_model import AnthropicModel

        yield AnthropicModel(rest, api_key=_key(KEY_OF[provider], spec), timeout=timeout)
        return
    from repowright.models.openai_compat import OpenAICompatModel

    if provider == "openai":
        model = OpenAICompatModel(
            rest,
            base_url=os.environ.get("OPENAI_BASE_URL"),
            api_key=_key(KEY_OF[provider], spec),
            timeout=timeout,
            name=spec,
            reasoning_effort=reasoning_effort,
        )
    elif provider == "openrouter":
        model = OpenAICompatModel(
            rest,
            base_url=OPENROUTER_URL,
            api_key=_key(KEY_OF[provider], spec),
            timeout=timeout,
            name=spec,
            reasoning_effort=reasoning_effort,
        )
    elif provider == "ollama":
        model = OpenAICompatModel(rest, base_url=OLLAMA_URL, timeout=timeout, name=spec)
    else:
        url, _, name = rest.partition("#")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"{spec!r}: expected openai-compat:http://host:port/v1#model")
        model = OpenAICompatModel(
            name or "default",
            base_url=url,
            api_key=os.environ.get("OPENAI_COMPAT_API_KEY"),
            timeout=timeout,
            name=f"openai-compat:{name or url}",
            reasoning_effort=reasoning_effort,
        )
    try:
        yield model
    finally:
        await model.aclose()
