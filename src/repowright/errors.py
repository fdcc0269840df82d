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
