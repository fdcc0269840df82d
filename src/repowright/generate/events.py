"""Events of the generation step (each file is its own checkpoint)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from repowright.artifacts.events import RunEvent


class FileGenerated(RunEvent):
    type: Literal["file_generated"] = "file_generated"
    path: str
    sha256: str
    attempts: int = 1
    prompt_tokens: int = 0
    dropped: list[str] = Field(default_factory=list, description="Context left out for budget.")


class FileGenerationFailed(RunEvent):
    type: Literal["file_generation_failed"] = "file_generation_failed"
    path: str
    reason: str


class InterfaceDrift(RunEvent):
    type: Literal["interface_drift"] = "interface_drift"
    path: str
    missing: list[str] = Field(default_factory=list)
    changed: list[str] = Field(default_factory=list)
