"""The blueprint error users see: what is wrong with the plan, one precise item at a time."""

from __future__ import annotations

from repowright.errors import RepowrightError

MAX_SHOWN = 12


class BlueprintInvalid(RepowrightError):
    """The blueprint breaks a rule generation relies on; `violations` lists every broken rule."""

    def __init__(self, context: str, violations: list[str]) -> None:
        self.violations = list(violations)
        shown = "; ".join(self.violations[:MAX_SHOWN])
        if len(self.violations) > MAX_SHOWN:
            shown += f"; ... and {len(self.violations) - MAX_SHOWN} more"
        count = len(self.violations)
        super().__init__(f"{context} ({count} violation{'s' * (count != 1)}): {shown}")
