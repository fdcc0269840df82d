"""Error types whose messages are shown to users as one clear line (no traceback)."""


class RepowrightError(Exception):
    """A failure the user can act on; the CLI prints its message and exits with `exit_code`."""

    exit_code = 2

    @property
    def message(self) -> str:
        return str(self)


class InputError(RepowrightError):
    """Bad user input: missing file, unknown format, invalid option."""


class ConfigError(RepowrightError):
    """Invalid configuration or model spec."""


class SandboxError(RepowrightError):
    """Generated code cannot be run safely here: no sandbox backend, or one that leaks secrets."""

    exit_code = 4


class BudgetExceeded(RepowrightError):
    """A cost/token/call cap was reached; the run stops cleanly at a checkpoint."""

    exit_code = 3


MAX_VIOLATIONS_SHOWN = 12


class BlueprintInvalid(RepowrightError):
    """The blueprint breaks a rule generation relies on; `violations` lists every broken rule."""

    def __init__(self, context: str, violations: list[str]) -> None:
        self.violations = list(violations)
        shown = "; ".join(self.violations[:MAX_VIOLATIONS_SHOWN])
        if len(self.violations) > MAX_VIOLATIONS_SHOWN:
            shown += f"; ... and {len(self.violations) - MAX_VIOLATIONS_SHOWN} more"
        count = len(self.violations)
        super().__init__(f"{context} ({count} violation{'s' * (count != 1)}): {shown}")
