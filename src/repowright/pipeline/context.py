"""What every phase receives: the run directory, the (metered) model, settings, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from repowright.config import Settings
from repowright.models.base import Model
from repowright.runs.progress import Progress, QuietProgress
from repowright.runs.store import RunDir

if TYPE_CHECKING:
    from repowright.verify.sandbox_base import Sandbox


@dataclass
class RunContext:
    run: RunDir
    model: Model
    settings: Settings
    progress: Progress = field(default_factory=QuietProgress)
    sandbox_factory: Callable[[Path], Sandbox] | None = None
    """Callable `(repo_root: Path) -> Sandbox`; injected so tests can swap the sandbox."""
    reference_provider: Any = None
    """Async callable `(file_spec, token_budget) -> str | None` giving reference snippets
    (CodeRAG) for a file's prompt; None means no references."""
