"""What every phase receives: the run directory, the (metered) model, settings, progress,
and the services injected by the caller (a sandbox factory, a reference provider)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

from repowright.artifacts.blueprint import FileSpec
from repowright.config import Settings
from repowright.models.base import Model
from repowright.runs.progress import Progress, QuietProgress
from repowright.runs.store import RunDir
from repowright.sandbox.base import Sandbox

SandboxFactory = Callable[[Path], Sandbox]
"""Makes the sandbox for a repository root; injected so tests can swap the sandbox."""
ReferenceProvider = Callable[[FileSpec, int], Awaitable[str | None]]
"""Reference snippets (CodeRAG) for a file's prompt within a token budget, or None."""


@dataclass
class RunContext:
    run: RunDir
    model: Model
    settings: Settings
    progress: Progress = field(default_factory=QuietProgress)
    sandbox_factory: SandboxFactory | None = None
    """None: the sandbox the settings choose."""
    reference_provider: ReferenceProvider | None = None
    """None: no references."""
