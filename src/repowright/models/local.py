"""Embedded local model (placeholder until the local-model backend lands)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from repowright.errors import ConfigError
from repowright.models.base import Model


@asynccontextmanager
async def open_local_model(path: Path | None, log_dir: Path | None = None) -> AsyncIterator[Model]:
    raise ConfigError("the embedded local model is not available yet; pass --model")
    yield  # pragma: no cover
