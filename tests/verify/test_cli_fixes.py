"""argparse dispatch through set_defaults(func=...): each handler gets the options it names."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from repowright.artifacts.verdict import Finding
from repowright.verify.cli_fixes import fix_dispatch

CLI = """\
import argparse
{imports}

def add(text, priority=1):
    print("added", text, priority)


def done(item_id):
    print("done", item_id)


def show():
    print("listed")


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    a = sub.add_parser("add")
    a.add_argument("text")
    a.add_argument("-p", "--priority", type=int, default=1)
    a.set_defaults(func=add)
    d = sub.add_parser("done")
    d.add_argument("item_id", type=int)
    d.set_defaults(func=done)
    s = sub.add_parser("list")
    s.set_defaults(func=show)
    args = parser.parse_args()
    {call}


if __name__ == "__main__":
    main()
"""
CALL_LINE = 29


def _write(tmp_path: Path, call: str, imports: str = "") -> Path:
    path = tmp_path / "cli.py"
    path.write_text(CLI.format(call=call, imports=imports))
    assert path.read_text().splitlines()[CALL_LINE - 1].strip() == call
    return path


def _run(path: Path, *argv: str) -> str:
    out = subprocess.run(
        [sys.executable, str(path), *argv], capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def _finding(message: str, check: str = "smoke") -> Finding:
    return Finding(file="cli.py", line=CALL_LINE, message=message, check=check)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "args.func(**vars(args))",
            "TypeError: add() got an unexpected keyword argument 'command'",
        ),
        (
            "args.func(args.item_id)",
            "AttributeError: 'Namespace' object has no attribute 'item_id'",
        ),
        ("args.func(args)", "TypeError: show() takes 0 positional arguments but 1 was given"),
    ],
)
def test_each_handler_gets_the_options_it_names(tmp_path: Path, call: str, message: str) -> None:
    path = _write(tmp_path, call)
    fixes, left = fix_dispatch(tmp_path, [_finding(message), _finding(message, "tests")])
    assert left == [] and len(fixes) == 1 and fixes[0].before == call
    assert "import inspect" in path.read_text()
    assert _run(path, "add", "milk", "-p", "2") == "added milk 2"
    assert _run(path, "done", "3") == "done 3"
    assert _run(path, "list") == "listed"
    fixes, left = fix_dispatch(tmp_path, [_finding(message)])
    assert fixes == [] and len(left) == 1  # the right shape is not rewritten again


def test_handlers_taking_the_namespace_get_it(tmp_path: Path) -> None:
    source = (
        CLI.replace("def add(text, priority=1):", "def add(args):")
        .replace('print("added", text, priority)', 'print("added", args.text)')
        .replace("def done(item_id):", "def done(args):")
        .replace('print("done", item_id)', 'print("done", args.item_id)')
        .replace("def show():", "def show(args):")
    )
    path = tmp_path / "cli.py"
    path.write_text(source.format(call="args.func(**vars(args))", imports=""))
    message = "TypeError: add() got an unexpected keyword argument 'text'"
    fixes, _ = fix_dispatch(tmp_path, [_finding(message)])
    assert [f.after for f in fixes] == ["args.func(args)"]
    assert "inspect" not in path.read_text()
    assert _run(path, "add", "milk") == "added milk"


def test_a_handler_needing_what_the_parser_never_defines_is_left_to_the_model(
    tmp_path: Path,
) -> None:
    source = CLI.replace("def done(item_id):", "def done(item_id, store):")
    path = tmp_path / "cli.py"
    path.write_text(source.format(call="args.func(**vars(args))", imports=""))
    message = "TypeError: add() got an unexpected keyword argument 'command'"
    fixes, left = fix_dispatch(tmp_path, [_finding(message)])
    assert fixes == [] and len(left) == 1
    other = _finding("ZeroDivisionError: division by zero")
    assert fix_dispatch(tmp_path, [other]) == ([], [other])
