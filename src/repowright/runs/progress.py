"""Progress reporting for long phases; the pipeline talks to the `Progress` protocol only."""

from __future__ import annotations

import json
import sys
import time
from typing import Any, Protocol

from rich.console import Console


class Progress(Protocol):
    def phase(self, name: str, total: int | None = None) -> None:
        """A phase starts; `total` items are expected when known."""

    def advance(self, name: str, note: str = "") -> None:
        """One item of the phase is done."""

    def info(self, message: str) -> None:
        """A line worth telling the user."""


class ConsoleProgress:
    """Human output on stderr: one line per item with counts and elapsed time."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True, highlight=False)
        self._start: dict[str, float] = {}
        self._total: dict[str, int | None] = {}
        self._done: dict[str, int] = {}

    def phase(self, name: str, total: int | None = None) -> None:
        if name in self._start and total is not None:
            # The runner announced the phase; the phase now knows its size.
            self._total[name] = total
            self.console.print(f"  [dim]{name}: {total} items[/]")
            return
        self._start[name] = time.monotonic()
        self._total[name] = total
        self._done[name] = 0
        count = f" ({total} items)" if total else ""
        self.console.print(f"[bold cyan]▶ {name}[/]{count}")

    def advance(self, name: str, note: str = "") -> None:
        self._done[name] = self._done.get(name, 0) + 1
        total = self._total.get(name)
        elapsed = time.monotonic() - self._start.get(name, time.monotonic())
        count = f"{self._done[name]}/{total}" if total else str(self._done[name])
        self.console.print(f"  [dim]{name} {count} · {elapsed:5.1f}s[/] {note}")

    def info(self, message: str) -> None:
        self.console.print(message)


class QuietProgress:
    def phase(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, name: str, note: str = "") -> None:
        pass

    def info(self, message: str) -> None:
        pass


class JsonProgress:
    """Machine-readable progress: one JSON object per line on stderr."""

    def phase(self, name: str, total: int | None = None) -> None:
        self._emit({"event": "phase", "phase": name, "total": total})

    def advance(self, name: str, note: str = "") -> None:
        self._emit({"event": "advance", "phase": name, "note": note})

    def info(self, message: str) -> None:
        self._emit({"event": "info", "message": message})

    @staticmethod
    def _emit(obj: dict[str, Any]) -> None:
        sys.stderr.write(json.dumps(obj) + "\n")
        sys.stderr.flush()
