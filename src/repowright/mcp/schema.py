"""What the MCP tools return: typed, so clients get structured content and a schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from repowright.grading.graded import GradeSummary
from repowright.models.metered import Totals


class SectionInfo(BaseModel):
    id: str
    title: str
    parent: str | None = None
    tokens: int


class Outline(BaseModel):
    title: str
    kind: str
    total_tokens: int
    sections: list[SectionInfo]
    references: int = 0


class RunStatus(BaseModel):
    run_dir: str = Field(description="Relative to the workspace; pass it to status/resume/cancel.")
    state: str = Field(
        description="running | finished | failed | cancelled | stopped (not running in this "
        "server; see status)"
    )
    status: str = Field(description="The run's own status: verified, failed, blueprint_ready...")
    reason: str = ""
    error: str = ""
    phase: str = Field(default="", description="The step running (or interrupted), if any.")
    steps_done: list[str] = Field(default_factory=list)
    last_progress: str = ""
    files: int = 0
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float = 0.0
    verified: bool | None = Field(default=None, description="The verdict, once verification ran.")
    failed_checks: list[str] = Field(default_factory=list)
    resources: list[str] = Field(
        default_factory=list, description="URIs of the run's report, blueprint and verdict."
    )


class PlanResult(BaseModel):
    run: RunStatus
    blueprint: dict[str, Any] | None = Field(
        default=None,
        description="The Implementation Blueprint; edit it and pass it to `resume` to continue.",
    )


class GradeResult(BaseModel):
    out: str = Field(description="The graded tree's JSON file, relative to the workspace.")
    model: str
    summary: GradeSummary
    cost: Totals
