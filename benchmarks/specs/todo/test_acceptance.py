import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path.cwd()


@pytest.fixture
def todo(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def run(*args, ok=True):
        done = subprocess.run(
            [sys.executable, "-m", "todo", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    run.dir = tmp_path
    return run


def printed_id(out):
    """The id `add` printed: all of its output, or the number in a sentence like `Added 3`."""
    words = out.split()
    numbers = [w.strip(".:,#()") for w in words if w.strip(".:,#()").isdigit()]
    return words[0] if len(words) == 1 else numbers[0] if numbers else out.strip()


def ids_in(text):
    return [line.split()[0] for line in text.splitlines() if line.strip()]


def test_add_prints_an_id(todo):
    assert todo("add", "buy milk").stdout.strip()


def test_ids_differ(todo):
    assert printed_id(todo("add", "a").stdout) != printed_id(todo("add", "b").stdout)


def test_items_are_stored_in_todos_json(todo):
    todo("add", "buy milk")
    stored = (todo.dir / "todos.json").read_text()
    json.loads(stored)
    assert "buy milk" in stored


def test_list_shows_id_and_text(todo):
    first = printed_id(todo("add", "buy milk").stdout)
    todo("add", "walk the dog")
    lines = todo("list").stdout.strip().splitlines()
    assert len(lines) == 2
    assert lines[0].split(maxsplit=1) == [first, "buy milk"]
    assert lines[1].split(maxsplit=1)[1] == "walk the dog"


def test_done_hides_the_item(todo):
    first = printed_id(todo("add", "buy milk").stdout)
    todo("add", "walk the dog")
    todo("done", first)
    listed = todo("list").stdout
    assert "buy milk" not in listed and "walk the dog" in listed
    assert first not in ids_in(listed)
