"""Crash-safe writes: whole or absent, appended lines never interleaved."""

from __future__ import annotations

import threading
from pathlib import Path

from repowright.fsio import append_line, atomic_write, read_or_empty


def test_atomic_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b.txt"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert [p.name for p in target.parent.iterdir()] == ["b.txt"]


def test_append_line_from_threads_keeps_lines_whole(tmp_path: Path) -> None:
    target = tmp_path / "log.jsonl"
    lines = [f"{n:03d}" * 200 for n in range(40)]
    threads = [threading.Thread(target=append_line, args=(target, line)) for line in lines]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(target.read_text().splitlines()) == sorted(lines)


def test_read_or_empty_gives_the_text_or_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"caf\xe9\n")
    assert read_or_empty(tmp_path / "a.txt") == "caf\ufffd\n"
    assert read_or_empty(tmp_path / "missing.txt") == ""
    assert read_or_empty(tmp_path) == ""
