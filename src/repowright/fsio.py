"""Crash-safe file writes shared by every layer: an artifact is either whole or absent, and
an appended line is on disk before the call returns (kill -9 loses nothing acknowledged)."""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path

_append_lock = threading.Lock()


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temp file + rename so a crash never leaves a half-written artifact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_or_empty(path: Path) -> str:
    """A text file's content, '' when it cannot be read: for prompts and probes that show
    what exists and go on without what does not."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def append_line(path: Path, line: str) -> None:
    """Append one line (a newline is added) and fsync it; threads of a process never
    interleave their lines."""
    with _append_lock, open(path, "a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def slugify(text: str, limit: int = 40) -> str:
    """A file-name-safe slug of `text` (`run` when nothing is left)."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].strip("-") or "run"
