"""The run directory: every artifact on disk, plus an fsync'd append-only event log."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from repowright.errors import InputError
from repowright.runs.events import RunEvent, StepCompleted, parse_event

EVENTS_FILE = "events.jsonl"
RUN_FILE = "run.json"
LOCK_FILE = ".lock"


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temp file + rename so a crash never leaves a half-written artifact."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, encoding=None if mode == "wb" else "utf-8") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class EventLog:
    """Append-only JSONL log; each line is fsync'd before `append` returns."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._mended = False

    def append(self, event: RunEvent) -> None:
        line = event.model_dump_json() + "\n"
        with self._lock:
            if not self._mended:
                mend_last_line(self.path)
                self._mended = True
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())

    def __iter__(self) -> Iterator[RunEvent]:
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8", errors="replace") as fh:
            for line in fh:
                line = line.strip()
                if not line:
                    continue
                try:
                    yield parse_event(json.loads(line))
                except ValueError:
                    # A line torn by kill -9 mid-write (or garbage): skip it.
                    continue


def mend_last_line(path: Path) -> None:
    """Before the first append of a process: a last line torn by kill -9 is cut off, and a
    complete last line missing only its newline gets one (else the next event joins it)."""
    if not path.exists():
        return
    with open(path, "r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return
        fh.seek(max(0, size - 65536))
        tail = fh.read()
        if tail.endswith(b"\n"):
            return
        start = tail.rfind(b"\n") + 1
        fragment = tail[start:]
        try:
            parse_event(json.loads(fragment))
        except (ValueError, UnicodeDecodeError):
            fh.truncate(size - len(fragment))
        else:
            fh.write(b"\n")
        fh.flush()
        os.fsync(fh.fileno())


def slugify(text: str, limit: int = 40) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].strip("-") or "run"


class RunDir:
    """Layout: input/, <phase artifacts>, repo/, events.jsonl, cache/."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.events = EventLog(root / EVENTS_FILE)

    @classmethod
    def create(cls, out: Path | None, name: str, base: Path = Path("runs")) -> RunDir:
        if out is None:
            out = base / f"{time.strftime('%Y%m%d-%H%M%S')}-{slugify(name)}"
        if out.exists() and not out.is_dir():
            raise InputError(f"--out {out} is a file; pick a directory")
        if out.exists() and any(out.iterdir()):
            if (out / EVENTS_FILE).exists() or (out / RUN_FILE).exists():
                raise InputError(
                    f"{out} already holds a run; continue it with `repowright resume {out}` "
                    "or pick another --out"
                )
            raise InputError(f"{out} exists and is not empty; pick another --out")
        out.mkdir(parents=True, exist_ok=True)
        run = cls(out)
        for sub in ("input", "repo", "cache"):
            (out / sub).mkdir(exist_ok=True)
        return run

    @classmethod
    def open(cls, root: Path) -> RunDir:
        """An existing run: it has its settings (`run.json`); events may not be logged yet."""
        if not (root / RUN_FILE).is_file():
            raise InputError(f"{root} is not a run directory (no {RUN_FILE})")
        try:
            saved = json.loads((root / RUN_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"{root / RUN_FILE} is unreadable ({exc}); start a new run") from None
        if not (
            isinstance(saved, dict)
            and isinstance(saved.get("settings"), dict)
            and isinstance(saved.get("input"), str)
        ):
            raise InputError(f"{root / RUN_FILE} is not a run's record; start a new run")
        return cls(root)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the run for this process: a second `run`/`resume` of it is refused (it would
        pay every call twice). The kernel drops the lock when the holder dies, even by kill -9."""
        with open(self.root / LOCK_FILE, "a+", encoding="utf-8") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                fh.seek(0)
                holder = fh.read().strip() or "another process"
                raise InputError(
                    f"{self.root} is in use by process {holder} (a run or resume of it); "
                    "wait for it to finish or stop it"
                ) from None
            fh.seek(0)
            fh.truncate()
            fh.write(str(os.getpid()))
            fh.flush()
            try:
                yield
            finally:
                fh.seek(0)
                fh.truncate()

    @property
    def repo(self) -> Path:
        return self.root / "repo"

    @property
    def cache_dir(self) -> Path:
        return self.root / "cache"

    def path(self, name: str) -> Path:
        return self.root / name

    def completed_steps(self) -> dict[str, StepCompleted]:
        return {e.step: e for e in self.events if isinstance(e, StepCompleted)}

    def is_done(self, step: str) -> bool:
        return step in self.completed_steps()

    def write_json(self, name: str, obj: BaseModel | Any) -> Path:
        text = (
            obj.model_dump_json(indent=2)
            if isinstance(obj, BaseModel)
            else json.dumps(obj, indent=2, ensure_ascii=False)
        )
        path = self.root / name
        atomic_write(path, text + "\n")
        return path

    def write_yaml(self, name: str, obj: BaseModel) -> Path:
        data = obj.model_dump(mode="json")
        path = self.root / name
        atomic_write(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return path

    def read_json(self, name: str) -> Any:
        return json.loads((self.root / name).read_text(encoding="utf-8"))

    def read_yaml(self, name: str) -> Any:
        return yaml.safe_load((self.root / name).read_text(encoding="utf-8"))
