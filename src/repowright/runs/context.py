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
    """The run's model, for any call no role claims."""
    settings: Settings
    progress: Progress = field(default_factory=QuietProgress)
    sandbox_factory: SandboxFactory | None = None
    """None: the sandbox the settings choose."""
    reference_provider: ReferenceProvider | None = None
    """None: no references."""
    models: dict[str, Model] = field(default_factory=dict)
    """The model of each role (planner, coder, repair), where it has its own metering."""

    def model_for(self, role: str) -> Model:
        return self.models.get(role, self.model)
