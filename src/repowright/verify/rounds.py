"""What a repair round did and what still fails: the records the loop and the report read."""

from __future__ import annotations

from pydantic import BaseModel, Field

from repowright.artifacts.verdict import Check, Finding
from repowright.verify.best import Snapshot

NO_EDIT_BETTER = "the edits made no fewer of the failing tests fail: undone"


class EditRecord(BaseModel):
    file: str
    ok: bool
    how: str = ""
    error: str = ""


class RoundRecord(BaseModel):
    round: int
    failing: list[str] = Field(default_factory=list)
    analysis: str = ""
    edits: list[EditRecord] = Field(default_factory=list)
    resolved: list[str] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)
    model_free: bool = False
    """Fixed without asking the model: such a round does not count against the fix rounds."""
    fresh: bool = False
    """Asked the model something not asked before in this loop. A round whose new attempts all
    failed is followed by another (the next statement, the next file to blame); a round with
    nothing new to ask ends the loop, since greedy replies to old prompts come back the same."""
    snapshot: Snapshot | None = Field(default=None, exclude=True)
    """The repository after this round (kept only while the loop runs)."""

    @property
    def applied(self) -> int:
        return sum(e.ok for e in self.edits)

    @property
    def rewrote(self) -> bool:
        """Whether the model rewrote a file whole this round (a new attempt at the same
        errors, unlike an edit that missed them)."""
        return any(e.ok and e.how == "whole file" for e in self.edits)

    @property
    def stepped(self) -> bool:
        """Whether a statement rewritten alone was kept this round."""
        return any(e.ok and e.how.startswith("statement ") for e in self.edits)


def failing_findings(checks: list[Check]) -> list[Finding]:
    """What repair works on: each failed check's findings, or the check itself when it names
    none (a smoke run that failed as a whole)."""
    out: list[Finding] = []
    for check in checks:
        if check.status == "failed":
            out += check.findings or [Finding(message=check.detail, check=check.name)]
    return out


def error_signature(checks: list[Check]) -> frozenset[tuple[str, str, str]]:
    """The failures as a set, to tell a round that changed nothing from one that did."""
    return frozenset(f.key() for f in failing_findings(checks))
