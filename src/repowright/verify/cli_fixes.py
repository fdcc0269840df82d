"""A deterministic repair for argparse dispatch through `set_defaults(func=...)`.

With `sub.set_defaults(func=add)` per subcommand, `args.func(**vars(args))` passes every
option (the subcommand's name too) to `add`, and `args.func(args.id)` passes an option only
`done` has. Small models write both, and their rewrites keep doing so. When every handler takes
its options by name, the call has one right shape: each handler gets the parsed options its
signature names. When every handler takes the namespace itself, it is `args.func(args)`. The
fix is made only when every handler can be read and each of its required parameters is an
option the parser defines, so the new call never drops something a handler needs.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.code.python import ModuleInfo, ProjectIndex
from repowright.verify.import_fixes import with_import
from repowright.verify.model_free import Fix, fix_each

DISPATCH_ERROR = re.compile(
    r"TypeError: .*\b(argument|arguments)\b|AttributeError: 'Namespace' object has no attribute"
)


def fix_dispatch(repo: Path, findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    """Rewrite the handler call the findings point at where its shape is certain; return the
    fixes made and the findings left for the model."""
    return fix_each(repo, findings, _fix_one, _call)


def _call(finding: Finding) -> tuple[str, int] | None:
    """Where a dispatch error was raised: the same call failing for another command is one."""
    if not DISPATCH_ERROR.search(finding.message):
        return None
    return finding.file or "", finding.line or 0


def _fix_one(repo: Path, index: ProjectIndex, finding: Finding) -> Fix | None:
    where = _call(finding)
    info = index.by_path.get(where[0]) if where else None
    if where is None or info is None or info.tree is None:
        return None
    return _fix(repo, index, info, where[1])


def _handlers(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """`set_defaults(key=handler)` values by key."""
    found: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "set_defaults"
        ):
            for keyword in node.keywords:
                if keyword.arg:
                    found.setdefault(keyword.arg, []).append(keyword.value)
    return found


def _dests(tree: ast.Module) -> set[str]:
    """The attribute names the parser's options and subparsers' `dest`s give the namespace."""
    dests: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        dest = next((k.value for k in node.keywords if k.arg == "dest"), None)
        if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
            dests.add(dest.value)
        elif node.func.attr == "add_argument":
            names = [
                a.value
                for a in node.args
                if isinstance(a, ast.Constant) and isinstance(a.value, str)
            ]
            longs = [n for n in names if n.startswith("--")]
            name = (longs or names or [""])[0].lstrip("-")
            if name:
                dests.add(name.replace("-", "_") if names[0].startswith("-") else name)
    return dests


def _function(index: ProjectIndex, info: ModuleInfo, name: str) -> ast.FunctionDef | None:
    """The module-level function `name` of this module or of the project module it is
    imported from."""
    assert info.tree is not None
    for node in info.tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
        if isinstance(node, ast.ImportFrom) and any(
            (a.asname or a.name) == name and a.name == name for a in node.names
        ):
            home = index.modules.get(index.resolve(info, node.module, node.level) or "")
            if home is not None and home.tree is not None and home is not info:
                return _function(index, home, name)
    return None


def _style(fn: ast.FunctionDef, dests: set[str]) -> str | None:
    """'named' when every required parameter is an option, 'namespace' when the handler
    takes one parameter that is not, else None."""
    args = fn.args
    if args.vararg or args.kwarg:
        return None
    params = [*args.posonlyargs, *args.args, *args.kwonlyargs]
    names = [p.arg for p in params]
    if len(names) == 1 and names[0] not in dests:
        return "namespace"
    required = [p.arg for p in [*args.posonlyargs, *args.args]][
        : len(args.posonlyargs) + len(args.args) - len(args.defaults)
    ]
    required += [p.arg for p, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is None]
    return "named" if set(required) <= dests else None


def _fix(repo: Path, index: ProjectIndex, info: ModuleInfo, line: int) -> Fix | None:
    assert info.tree is not None
    handlers = _handlers(info.tree)
    call = next(
        (
            n
            for n in ast.walk(info.tree)
            if isinstance(n, ast.Call)
            and isinstance(n.func, ast.Attribute)
            and n.func.attr in handlers
            and n.lineno <= line <= (n.end_lineno or n.lineno)
        ),
        None,
    )
    if call is None or not isinstance(call.func, ast.Attribute):
        return None
    dests = _dests(info.tree)
    styles = set()
    for value in handlers[call.func.attr]:
        fn = _function(index, info, value.id) if isinstance(value, ast.Name) else None
        styles.add(_style(fn, dests) if fn is not None else None)
    if len(styles) != 1 or None in styles:
        return None
    ns = ast.get_source_segment(info.source, call.func.value) or ""
    key = call.func.attr
    before = ast.get_source_segment(info.source, call) or ""
    if styles == {"namespace"}:
        after = f"{ns}.{key}({ns})"
    else:
        after = (
            f"{ns}.{key}(**{{name: value for name, value in vars({ns}).items()"
            f" if name in inspect.signature({ns}.{key}).parameters}})"
        )
    if not ns or after == before:
        return None
    lines = info.source.splitlines(keepends=True)
    first, last = call.lineno - 1, (call.end_lineno or call.lineno) - 1
    head = lines[first].encode()[: call.col_offset].decode()
    tail = lines[last].encode()[call.end_col_offset or 0 :].decode()
    lines[first : last + 1] = [head + after + tail]
    source = "".join(lines)
    if "inspect" in after and not _imports_inspect(info.tree):
        source, _ = with_import(source, ast.parse(source), "import inspect")
    (repo / info.path).write_text(source, encoding="utf-8")
    return Fix(info.path, line, before, after)


def _imports_inspect(tree: ast.Module) -> bool:
    return any(
        isinstance(n, ast.Import) and any(a.name == "inspect" and not a.asname for a in n.names)
        for n in tree.body
    )
