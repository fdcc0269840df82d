"""A deterministic command line for a program whose document gives one command per function.

rle.py was written with `encode` and `decode` and no `__main__` block, though the document
says `python rle.py encode TEXT` and `python rle.py decode TEXT` print the result; the static
check names it (`no-main`), and three repair rounds went to the failing functions instead.
When every command the document gives for the file is `python <file> <name> <PLACEHOLDER>...`
with `<name>` a function of the file taking exactly those arguments, the command line has one
shape: a subcommand per function, its arguments in order, the result printed. Anything else
(options, a program without subcommands) is left to the model.
"""

from __future__ import annotations

import ast
import json
import re
import shlex
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.named import SPAN, commands
from repowright.code.python import ProjectIndex
from repowright.fsio import atomic_write
from repowright.generate.prompt import module_name
from repowright.verify.model_free import Fix, fix_each
from repowright.verify.static import NO_MAIN

PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_]*|<\w+>)$")
"""`TEXT`, `N`, `INPUT_FILE`, `<id>`: a value the user gives."""
CONVERT = {"int": "int", "float": "float"}


def fix_missing_main(
    repo: Path, findings: list[Finding], document: str
) -> tuple[list[Fix], list[Finding]]:
    """Write the command line each `no-main` finding asks for where the document's commands
    make it certain; return the fixes made and the findings left for the model."""

    def fix_one(repo: Path, index: ProjectIndex, finding: Finding) -> Fix | None:
        return _fix(repo, index, finding, document)

    return fix_each(repo, findings, fix_one, lambda f: None)


def _fix(repo: Path, index: ProjectIndex, finding: Finding, document: str) -> Fix | None:
    info = index.by_path.get(finding.file or "")
    if finding.code != NO_MAIN or info is None or info.tree is None:
        return None
    functions = {n.name: n for n in info.tree.body if isinstance(n, ast.FunctionDef)}
    wanted = subcommands(document, info.path, functions)
    if not wanted:
        return None
    block = main_block(info.path, {name: (functions[name], n) for name, n in wanted.items()})
    atomic_write(repo / info.path, info.source.rstrip("\n") + "\n\n\n" + block)
    lines = len(info.source.splitlines())
    return Fix(info.path, lines + 3, "no command line", f"subcommands {', '.join(wanted)}")


def subcommands(document: str, path: str, functions: dict[str, ast.FunctionDef]) -> dict[str, int]:
    """The functions the document runs as `python <path> <name> <PLACEHOLDER>...`, in its
    order, with how many arguments each is given; {} unless every command it gives for `path`
    has that shape and each function can take exactly those arguments."""
    found: dict[str, int] = {}
    for block in commands(document, path, module_name(path)):
        for span in SPAN.findall(block):
            try:
                words = shlex.split(span)
            except ValueError:
                return {}
            if path not in words or not words[0].startswith("python"):
                continue
            rest = words[words.index(path) + 1 :]
            if not rest or rest[0] not in functions:
                return {}
            if not all(PLACEHOLDER.match(w) for w in rest[1:]):
                return {}
            if found.setdefault(rest[0], len(rest) - 1) != len(rest) - 1:
                return {}
    for name, given in found.items():
        args = functions[name].args
        required = len(args.args) - len(args.defaults)
        if args.posonlyargs or args.vararg or args.kwonlyargs:
            return {}
        if not required <= given <= len(args.args):
            return {}
    return found


def main_block(path: str, chosen: dict[str, tuple[ast.FunctionDef, int]]) -> str:
    """`if __name__ == "__main__":` with one argparse subcommand per function, taking its
    first `n` parameters (converted to `int`/`float` where annotated so). Its own names start
    with `_`: a module-level `parser = ...` would hide a function named `parser`."""
    lines = [
        'if __name__ == "__main__":',
        "    import argparse",
        "",
        f"    _parser = argparse.ArgumentParser(prog={json.dumps(path)})",
        '    _commands = _parser.add_subparsers(dest="_subcommand", required=True)',
    ]
    for name, (fn, given) in chosen.items():
        lines.append(f"    _command = _commands.add_parser({json.dumps(name)})")
        for arg in fn.args.args[:given]:
            kind = ast.unparse(arg.annotation) if arg.annotation else ""
            typed = f", type={CONVERT[kind]}" if kind in CONVERT else ""
            lines.append(f"    _command.add_argument({json.dumps(arg.arg)}{typed})")
    calls = ", ".join(f"{json.dumps(name)}: {name}" for name in chosen)
    lines += [
        "    _args = vars(_parser.parse_args())",
        "    _run = {" + calls + '}[_args.pop("_subcommand")]',
        "    try:",
        "        _result = _run(**_args)",
        "    except ValueError as exc:",
        '        raise SystemExit(f"error: {exc}") from None',
        "    if _result is not None:",
        "        print(_result)",
    ]
    return "\n".join(lines) + "\n"
