"""The folder an MCP server may touch: every path a client names is resolved inside it.

A client (or a prompt injected into the agent driving it) can name any path; `ingest
/etc/passwd` or a run directory of `../../home/u/.ssh` must be refused, also through a
symlink that points out of the workspace.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from repowright.errors import InputError

RUNS = "runs"


@dataclass(frozen=True)
class Workspace:
    root: Path

    @classmethod
    def at(cls, root: Path) -> Workspace:
        resolved = root.expanduser().resolve()
        if not resolved.is_dir():
            raise InputError(f"workspace is not a folder: {root}")
        return cls(resolved)

    def path(self, name: str, must_exist: bool = True) -> Path:
        """`name` (relative to the workspace, or absolute inside it) resolved, symlinks
        followed; InputError when it leaves the workspace or does not exist."""
        if not name.strip():
            raise InputError("empty path")
        candidate = Path(name).expanduser()
        if not candidate.is_absolute():
            candidate = self.root / candidate
        resolved = candidate.resolve()
        if resolved != self.root and self.root not in resolved.parents:
            raise InputError(f"{name}: outside the workspace {self.root}")
        if must_exist and not resolved.exists():
            raise InputError(f"{name}: not found in the workspace")
        return resolved

    def runs(self) -> Path:
        return self.root / RUNS

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()
