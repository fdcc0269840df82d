"""What every phase receives: the run directory, the (metered) model, settings, progress."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from repowright.config import Settings
from repowright.models.base import Model
from repowright.runs.progress import Progress, QuietProgress
from repowright.runs.store import RunDir


@dataclass
class RunContext:
    run: RunDir
    model: Model
    settings: Settings
    progress: Progress = field(default_factory=QuietProgress)
    sandbox_factory: Any = None
    """Callable `(repo_root: Path) -> Sandbox`; injected so tests can swap the sandbox."""
    reference_provider: Any = None
    """Async callable `(file_spec, token_budget) -> str | None` giving reference snippets
    (CodeRAG) for a file's prompt; None means no references."""
