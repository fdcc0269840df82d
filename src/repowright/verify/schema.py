"""The Verdict: what verification really established about the generated repository."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

CheckStatus = Literal["passed", "failed", "skipped"]


class Finding(BaseModel):
    file: str | None = None
    line: int | None = None
    message: str
    check: str = ""


class Check(BaseModel):
    name: str
    status: CheckStatus
    detail: str = ""
    findings: list[Finding] = Field(default_factory=list)


class Verdict(BaseModel):
    verified: bool = Field(description="True only when every check that ran passed.")
    checks: list[Check] = Field(default_factory=list)
    fixed: list[str] = Field(default_factory=list, description="What repair rounds fixed.")
    rounds: int = 0
    isolation: str = ""

    @classmethod
    def from_checks(cls, checks: list[Check], **kwargs: object) -> Verdict:
        ran = [c for c in checks if c.status != "skipped"]
        verified = bool(ran) and all(c.status == "passed" for c in ran)
        return cls(verified=verified, checks=checks, **kwargs)
