"""State a class saves and never reads back: named statically, loaded in __init__ when unique."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from repowright.code.python import ProjectIndex
from repowright.verify.persistence import CODE, fix_unread_state, unread_state
from repowright.verify.static import check_stubs

SAVES_ONLY = """\
import json


class Storage:
    def __init__(self, filename: str = "todos.json"):
        self.filename = filename
        self.todos: list = []

    def add(self, text: str) -> int:
        self.todos.append(text)
        with open(self.filename, "w") as fh:
            json.dump(self.todos, fh)
        return len(self.todos)
"""

LOADER = """\
    def load(self):
        try:
            with open(self.filename) as fh:
                self.todos = json.load(fh)
        except FileNotFoundError:
            pass
"""

UNGUARDED = """\
    def load(self):
        with open(self.filename) as fh:
            self.todos = json.load(fh)
"""


def _repo(tmp_path: Path, storage: str, cli: str = "") -> Path:
    (tmp_path / "storage.py").write_text(storage)
    if cli:
        (tmp_path / "cli.py").write_text(cli)
    return tmp_path


def _seen_by_next(repo: Path) -> str:
    """How many items a new instance holds after another one added one to a fresh file (what
    the next run of a program sees)."""
    (repo / "todos.json").unlink(missing_ok=True)
    script = "from storage import Storage; Storage().add('a'); print(len(Storage().todos))"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=repo, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_saved_state_never_read_is_a_stub_finding(tmp_path: Path) -> None:
    repo = _repo(tmp_path, SAVES_ONLY)
    check = check_stubs(ProjectIndex(repo))
    (finding,) = [f for f in check.findings if f.code == CODE]
    assert check.status == "failed"
    assert finding.file == "storage.py" and finding.line == 12
    assert "Storage.add saves self.todos" in finding.message and "__init__" in finding.message


def test_init_ends_by_loading_the_file_back(tmp_path: Path) -> None:
    repo = _repo(tmp_path, SAVES_ONLY)
    assert _seen_by_next(repo) == "0"
    findings = check_stubs(ProjectIndex(repo)).findings
    fixes, left = fix_unread_state(repo, findings)
    assert len(fixes) == 1 and not left
    assert _seen_by_next(repo) == "1"
    assert not unread_state(ProjectIndex(repo))


def test_a_guarded_loader_nothing_calls_is_called(tmp_path: Path) -> None:
    repo = _repo(tmp_path, SAVES_ONLY + "\n" + LOADER)
    (unread,) = unread_state(ProjectIndex(repo))
    assert unread.fix == "self.load()"
    fixes, _ = fix_unread_state(repo, [unread.finding()])
    assert fixes[0].after == "self.load()"
    assert (
        "        self.todos: list = []\n        self.load()\n" in (repo / "storage.py").read_text()
    )
    assert _seen_by_next(repo) == "1"


def test_an_unguarded_loader_is_called_when_the_file_exists(tmp_path: Path) -> None:
    """Called bare it would fail on the first run, before anything was saved."""
    repo = _repo(tmp_path, SAVES_ONLY + "\n" + UNGUARDED)
    (unread,) = unread_state(ProjectIndex(repo))
    assert unread.fix == "try:\n    self.load()\nexcept FileNotFoundError:\n    pass"
    fix_unread_state(repo, [unread.finding()])
    assert _seen_by_next(repo) == "1"


def test_other_shapes_are_left_to_the_model(tmp_path: Path) -> None:
    """Two methods load it: which one is meant is not unique."""
    two = SAVES_ONLY + "\n" + LOADER + "\n" + LOADER.replace("def load", "def reload")
    repo = _repo(tmp_path, two)
    (unread,) = unread_state(ProjectIndex(repo))
    assert unread.fix == ""
    fixes, left = fix_unread_state(repo, [unread.finding()])
    assert not fixes and left == [unread.finding()]


def test_loaded_by_another_file_or_on_init_is_fine(tmp_path: Path) -> None:
    cli = "from storage import Storage\n\ns = Storage()\ns.load()\n"
    assert not unread_state(ProjectIndex(_repo(tmp_path, SAVES_ONLY + "\n" + LOADER, cli)))
    on_init = SAVES_ONLY.replace(
        "self.todos: list = []\n", "self.todos: list = []\n        self.load()\n"
    )
    (tmp_path / "cli.py").unlink()
    assert not unread_state(ProjectIndex(_repo(tmp_path, on_init + "\n" + LOADER)))


def test_an_export_to_a_given_path_is_not_state(tmp_path: Path) -> None:
    export = SAVES_ONLY.replace("with open(self.filename,", "with open(path,").replace(
        "def add(self, text: str)", "def add(self, text: str, path: str)"
    )
    assert not unread_state(ProjectIndex(_repo(tmp_path, export)))


def test_json_load_elsewhere_is_no_call_of_a_load_method(tmp_path: Path) -> None:
    """`json.load` in the code is an attribute named `load`, not a use of `Storage.load`."""
    cli = "import json\n\nprint(json.load(open('x.json')))\n"
    (unread,) = unread_state(ProjectIndex(_repo(tmp_path, SAVES_ONLY + "\n" + LOADER, cli)))
    assert unread.fix == "self.load()"
