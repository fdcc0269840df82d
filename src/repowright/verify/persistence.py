"""State a class saves to a file and never reads back.

The demo's `TodoStorage.add` wrote `self.todos` to todos.json and nothing read the file: each
run of `python -m todo` started empty, so `list` printed nothing after `add` (2 of 5
acceptance tests), while the generated tests, one instance each, passed and the run said
VERIFIED. Another run wrote a `load()` that nothing called. Either way the class's saved state
is never read when an instance is made, which the static checks can name.

Where the answer is unique it is made without the model (`fix_unread_state`): the one method
that reads it and nothing calls is called at the end of `__init__` (when the file exists);
with no such method, for `json.dump(self.x, f)` inside `with open(path, "w") as f`,
`__init__` ends by loading `path` back when it exists. Other shapes (two loaders) are left to
the model with the finding.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.code.python import ModuleInfo, ProjectIndex, bound_names
from repowright.fsio import atomic_write
from repowright.verify.explain import assigns, is_self_attr
from repowright.verify.model_free import Fix, fix_each

CODE = "unread-state"
SERIALIZERS = {"json", "pickle"}
READS = {"load", "loads", "read_text", "read_bytes", "reader", "DictReader", "safe_load"}
"""Calls that read saved data back (`json.load`, `Path.read_text`, `csv.reader`, ...)."""
MISSING = {"FileNotFoundError", "OSError", "IOError", "Exception"}
EXISTS = {"exists", "isfile", "is_file"}


@dataclass(frozen=True)
class Unread:
    """`cls` saves `self.<attr>` in `writer` (at `line`) and nothing reads it when an instance
    is made; `fix` is what `__init__` could end with ('' when not unique)."""

    path: str
    cls: ast.ClassDef
    init: ast.FunctionDef
    writer: str
    attr: str
    line: int
    fix: str

    def finding(self) -> Finding:
        message = (
            f"{self.cls.name}.{self.writer} saves self.{self.attr} to a file that nothing reads "
            f"back: every new {self.cls.name} (each run of the program) starts empty; load the "
            "file in __init__ when it exists"
        )
        return Finding(file=self.path, line=self.line, message=message, check="stubs", code=CODE)


def _methods(cls: ast.ClassDef) -> dict[str, ast.FunctionDef]:
    return {n.name: n for n in cls.body if isinstance(n, ast.FunctionDef)}


def _call_name(node: ast.AST) -> str:
    if not isinstance(node, ast.Call):
        return ""
    func = node.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _empty_state(init: ast.FunctionDef) -> set[str]:
    """Attributes `__init__` starts empty: `self.x = []`, `{}`, `set()`, `list()`, `dict()`."""
    names = set()
    for node in ast.walk(init):
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        empty = (isinstance(value, ast.List | ast.Dict | ast.Set) and not _items(value)) or (
            isinstance(value, ast.Call)
            and _call_name(value) in {"list", "dict", "set"}
            and not value.args
        )
        if empty and target is not None and is_self_attr(target):
            assert isinstance(target, ast.Attribute)
            names.add(target.attr)
    return names


def _items(node: ast.List | ast.Dict | ast.Set) -> list[ast.expr | None]:
    return list(node.keys) if isinstance(node, ast.Dict) else list(node.elts)


@dataclass(frozen=True)
class Save:
    """`json.dump(self.<attr>, <handle>)` inside `with open(<path>, "w") as <handle>`."""

    attr: str
    line: int
    serializer: str
    path: str
    handle: str


def _saves(method: ast.FunctionDef, state: set[str]) -> Save | None:
    """The first save of state `x` to the class's own file (a constant path or
    `self.<name>`, opened for writing); a path passed in is an export, not the state."""
    for node in ast.walk(method):
        if not isinstance(node, ast.With):
            continue
        for item in node.items:
            opened, var = item.context_expr, item.optional_vars
            if not (isinstance(opened, ast.Call) and _call_name(opened) == "open"):
                continue
            if not (opened.args and _fixed(opened.args[0]) and "w" in _mode(opened)):
                continue
            if not isinstance(var, ast.Name):
                continue
            for call in ast.walk(node):
                if (
                    isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "dump"
                    and isinstance(call.func.value, ast.Name)
                    and call.func.value.id in SERIALIZERS
                    and len(call.args) >= 2
                    and isinstance(call.args[0], ast.Attribute)
                    and is_self_attr(call.args[0])
                    and call.args[0].attr in state
                    and isinstance(call.args[1], ast.Name)
                    and call.args[1].id == var.id
                ):
                    path = ast.unparse(opened.args[0])
                    attr = call.args[0].attr
                    return Save(attr, call.lineno, call.func.value.id, path, var.id)
    return None


def _mode(opened: ast.Call) -> str:
    """The literal mode `open` is called with ('r' when none is given or it is not literal)."""
    given = opened.args[1] if len(opened.args) > 1 else None
    given = next((k.value for k in opened.keywords if k.arg == "mode"), given)
    return given.value if isinstance(given, ast.Constant) and isinstance(given.value, str) else "r"


def _fixed(path: ast.expr) -> bool:
    """A path every method sees the same: a string constant or `self.<name>`."""
    return (isinstance(path, ast.Constant) and isinstance(path.value, str)) or is_self_attr(path)


def _reads(node: ast.AST) -> bool:
    return any(_call_name(n) in READS for n in ast.walk(node))


def _self_calls(node: ast.AST) -> set[str]:
    return {
        n.func.attr
        for n in ast.walk(node)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and is_self_attr(n.func)
    }


def _read_on_init(methods: dict[str, ast.FunctionDef]) -> bool:
    """Whether `__init__`, or a method it calls (transitively), reads something back."""
    todo, seen = ["__init__"], set()
    while todo:
        name = todo.pop()
        if name in seen or name not in methods:
            continue
        seen.add(name)
        if _reads(methods[name]):
            return True
        todo += _self_calls(methods[name])
    return False


def _referenced(index: ProjectIndex) -> set[str]:
    """Attribute and plain names the project's code (not its tests) uses; attributes of an
    imported module (`json.load`) are not a use of a method named `load`."""
    names: set[str] = set()
    for info in index.by_path.values():
        if info.tree is None or is_test_file(info.path):
            continue
        modules = _module_names(info.tree)
        for node in ast.walk(info.tree):
            if isinstance(node, ast.Attribute):
                value = node.value
                if not (isinstance(value, ast.Name) and value.id in modules):
                    names.add(node.attr)
            elif isinstance(node, ast.Name):
                names.add(node.id)
    return names


def _module_names(tree: ast.Module) -> set[str]:
    """Names `import x` / `import x as y` bind anywhere in a module."""
    return {n for node in ast.walk(tree) if isinstance(node, ast.Import) for n in bound_names(node)}


def unread_state(index: ProjectIndex) -> list[Unread]:
    """Each class of the project's code that saves state no instance reads back."""
    used = _referenced(index)
    out = []
    for info in index.by_path.values():
        if info.tree is None or is_test_file(info.path):
            continue
        for cls in (n for n in ast.walk(info.tree) if isinstance(n, ast.ClassDef)):
            if found := _unread(info, cls, used):
                out.append(found)
    return out


def _unread(info: ModuleInfo, cls: ast.ClassDef, used: set[str]) -> Unread | None:
    methods = _methods(cls)
    init = methods.get("__init__")
    if init is None or info.tree is None or _read_on_init(methods):
        return None
    state = _empty_state(init)
    for name, method in methods.items():
        save = _saves(method, state) if name != "__init__" else None
        if save is None:
            continue
        readers = [m for n, m in methods.items() if n != "__init__" and _reads(m)]
        if any(m.name in used for m in readers):
            return None  # another file (a command line) loads it
        fix = _call_loader(readers, save.attr)
        if not readers and save.serializer in _module_names(info.tree):
            mode = ', "rb"' if save.serializer == "pickle" else ""
            fix = _unless_missing(
                f"with open({save.path}{mode}) as {save.handle}:\n"
                f"    self.{save.attr} = {save.serializer}.load({save.handle})"
            )
        return Unread(info.path, cls, init, name, save.attr, save.line, fix)
    return None


def _call_loader(readers: list[ast.FunctionDef], attr: str) -> str:
    """A call of the one reader that takes no argument and sets `self.<attr>` (inside
    `try`/`except FileNotFoundError` unless it copes with a missing file itself); '' when
    there is none or several."""
    fit = [
        m
        for m in readers
        if len(m.args.args) - len(m.args.defaults) <= 1
        and not m.args.kwonlyargs
        and assigns(m, attr)
    ]
    if len(fit) != 1:
        return ""
    call = f"self.{fit[0].name}()"
    return call if _guards_missing(fit[0]) else _unless_missing(call)


def _unless_missing(code: str) -> str:
    """`code` run only when the file it reads exists."""
    body = "".join(f"    {line}\n" for line in code.splitlines())
    return f"try:\n{body}except FileNotFoundError:\n    pass"


def _guards_missing(method: ast.FunctionDef) -> bool:
    """Whether `method` catches a missing file or tests that it exists before reading."""
    for node in ast.walk(method):
        if isinstance(node, ast.Try):
            for handler in node.handlers:
                caught = ast.walk(handler.type) if handler.type else ()
                names = {n.id for n in caught if isinstance(n, ast.Name)} or {"Exception"}
                if names & MISSING:
                    return True
        if isinstance(node, ast.If) and any(_call_name(n) in EXISTS for n in ast.walk(node.test)):
            return True
    return False


def fix_unread_state(repo: Path, findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    """End `__init__` with the unique load of each unread state; return the fixes and the
    findings left for the model."""
    return fix_each(repo, findings, _fix_one, _key)


def _key(finding: Finding) -> tuple[str, int | None] | None:
    return (finding.file or "", finding.line) if finding.code == CODE else None


def _fix_one(repo: Path, index: ProjectIndex, finding: Finding) -> Fix | None:
    if finding.code != CODE:
        return None
    here = [u for u in unread_state(index) if (u.path, u.line) == (finding.file, finding.line)]
    if len(here) != 1 or not here[0].fix:
        return None
    unread = here[0]
    body = unread.init.body
    if body[0].lineno == unread.init.lineno:  # `def __init__(self): ...` on one line
        return None
    lines = index.by_path[unread.path].source.splitlines(keepends=True)
    end = body[-1].end_lineno or body[-1].lineno
    indent = " " * body[0].col_offset
    lines.insert(end, "".join(f"{indent}{line}\n" for line in unread.fix.splitlines()))
    atomic_write(repo / unread.path, "".join(lines))
    after = unread.fix if "\n" not in unread.fix else f"__init__ loads self.{unread.attr} back"
    return Fix(
        unread.path,
        end + 1,
        f"{unread.cls.name} never reads the self.{unread.attr} it saves",
        after,
    )
