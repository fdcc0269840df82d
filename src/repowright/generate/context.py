"""Prompt context for one file under a hard token budget, dropped whole entries at a time.

Policy (deterministic): the file's own blueprint entry is always kept; when the rest does not
fit, document segments go first (least relevant first), then reference snippets, then the
planned interfaces of files that will depend on this one, then dependency memory (last
dependency first). An entry is kept whole or dropped whole, never cut, and every drop is
recorded so the run log says what the model did not see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from repowright.models.tokens import estimate_tokens

DROP_ORDER = ("segments", "references", "dependents", "dependencies")


@dataclass
class Entry:
    kind: str
    label: str
    value: Any
    tokens: int


@dataclass
class FileContext:
    sections: dict[str, list[Entry]] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)

    def add(self, kind: str, label: str, value: Any, text: str) -> None:
        self.sections.setdefault(kind, []).append(Entry(kind, label, value, estimate_tokens(text)))

    def tokens(self) -> int:
        return sum(e.tokens for entries in self.sections.values() for e in entries)

    def values(self, kind: str) -> list[Any]:
        return [e.value for e in self.sections.get(kind, [])]

    def fit(self, budget: int) -> FileContext:
        """Drop entries, in policy order and from the end of each section, until it fits."""
        for kind in DROP_ORDER:
            entries = self.sections.get(kind, [])
            while entries and self.tokens() > budget:
                gone = entries.pop()
                self.dropped.append(f"{gone.kind}:{gone.label}")
        return self
