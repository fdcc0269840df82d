"""The Verdict: what verification really established about the generated repository."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

CheckStatus = Literal["passed", "failed", "skipped", "warning"]
"""`warning`: the check ran and found things worth knowing that do not block verification."""

REQUIRED_CHECKS: tuple[str, ...] = ("compile", "import")
"""A repository is verified only if at least these checks really ran."""


class Finding(BaseModel):
    file: str | None = None
    line: int | None = None
    message: str
    check: str = ""
    code: str = Field(default="", description="Rule or error type, e.g. F821, ImportError.")

    def key(self) -> tuple[str, str, str]:
        """Identity across repair rounds: line numbers shift when code is edited."""
        return (self.check, self.file or "", " ".join(self.message.split())[:300])

    def label(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "")
        return f"[{self.check}] {where + ' ' if where else ''}{self.message}"


class Check(BaseModel):
    name: str
    status: CheckStatus
    detail: str = ""
    findings: list[Finding] = Field(default_factory=list)
    stage: Literal["static", "dynamic"] = "static"
    duration_s: float = 0.0


class Verdict(BaseModel):
    verified: bool = Field(
        description="True only when every check that ran passed and the required checks ran."
    )
    checks: list[Check] = Field(default_factory=list)
    fixed: list[str] = Field(default_factory=list, description="What repair rounds fixed.")
    rounds: int = Field(default=0, description="Repair rounds that ran.")
    isolation: str = ""
    stop_reason: str = Field(default="", description="Why the repair loop stopped.")
    still_failing: list[str] = Field(default_factory=list, description="Open findings.")

    @classmethod
    def from_checks(
        cls,
        checks: list[Check],
        required: tuple[str, ...] = REQUIRED_CHECKS,
        **kwargs: Any,  # further Verdict fields, validated by pydantic
    ) -> Verdict:
        ran = {c.name for c in checks if c.status != "skipped"}
        verified = (
            bool(ran)
            and all(name in ran for name in required)
            and all(c.status in ("passed", "warning") for c in checks if c.status != "skipped")
        )
        failing = [
            label
            for c in checks
            if c.status == "failed"
            for label in ([f.label() for f in c.findings] or [f"[{c.name}] {c.detail}"])
        ]
        kwargs.setdefault("still_failing", failing)
        return cls(verified=verified, checks=checks, **kwargs)
