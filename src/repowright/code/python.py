"""What each generated module really defines: an AST index of the repository, and CodeMem
entries (from the generator's memory.jsonl when fresh, else extracted from the AST)."""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from pydantic import ValidationError

from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.code.values import built_values, data_fields, enum_members, field_nodes

SKIP_DIRS = {
    ".git", ".venv", "venv", "__pycache__", "node_modules", ".mypy_cache", ".tox", ".pytest_cache",
    ".ruff_cache",
}  # fmt: skip


def repo_files(repo: Path, suffix: str = "") -> list[Path]:
    """Files of the generated repository, skipping VCS, caches and virtualenvs."""
    return sorted(
        p
        for p in repo.rglob(f"*{suffix}")
        if p.is_file() and not SKIP_DIRS.intersection(p.relative_to(repo).parts[:-1])
    )


def function_node(signature: str) -> ast.FunctionDef | None:
    """A planned or written signature as a function definition node: `def f(a, b=1) -> int`,
    the same without `def` (how plans and documents write them), a trailing colon allowed;
    None when it is not a function's signature."""
    text = signature.strip().removeprefix("async ").removeprefix("def ").rstrip(":").rstrip()
    try:
        node = ast.parse(f"def {text}:\n    pass").body[0]
    except SyntaxError:
        return None
    return node if isinstance(node, ast.FunctionDef) else None


@dataclass
class Signature:
    """Enough of a callable's parameters to check call arity statically."""

    name: str
    positional: list[str]
    required_positional: int
    varargs: bool
    kwonly: list[str]
    required_kwonly: list[str]
    varkw: bool

    @classmethod
    def of(cls, fn: ast.FunctionDef | ast.AsyncFunctionDef, drop_first: bool = False) -> Signature:
        a = fn.args
        pos = [x.arg for x in [*a.posonlyargs, *a.args]]
        required = len(pos) - len(a.defaults)
        if drop_first and pos:
            pos, required = pos[1:], max(0, required - 1)
        kwonly = [x.arg for x in a.kwonlyargs]
        req_kw = [x.arg for x, d in zip(a.kwonlyargs, a.kw_defaults, strict=True) if d is None]
        return cls(
            fn.name, pos, required, a.vararg is not None, kwonly, req_kw, a.kwarg is not None
        )


@dataclass
class ModuleInfo:
    path: str
    module: str
    is_package: bool
    source: str
    tree: ast.Module | None = None
    syntax_error: SyntaxError | None = None
    defined: set[str] = field(default_factory=set)
    own: set[str] = field(default_factory=set)  # defined here, not imported
    open_namespace: bool = False  # star import or module __getattr__: any name may exist
    signatures: dict[str, Signature] = field(default_factory=dict)

    @property
    def package(self) -> str:
        return self.module if self.is_package else self.module.rpartition(".")[0]


def module_name(rel: Path) -> str:
    parts = list(rel.with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _top_level_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Statements that bind module names, looking through if/try/with/for blocks."""
    out: list[ast.stmt] = []
    for node in body:
        out.append(node)
        for name in ("body", "orelse", "finalbody"):
            inner = getattr(node, name, None)
            scope = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            if isinstance(inner, list) and not scope:
                out.extend(_top_level_statements(inner))
        for handler in getattr(node, "handlers", []):
            out.extend(_top_level_statements(handler.body))
    return out


def bound_names(node: ast.stmt) -> set[str]:
    """The names one statement binds (a definition, an import, an assignment's targets)."""
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return {node.name}
    if isinstance(node, ast.Import | ast.ImportFrom):
        return {(a.asname or a.name).split(".")[0] for a in node.names if a.name != "*"}
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, ast.AnnAssign | ast.AugAssign | ast.For | ast.AsyncFor):
        targets = [node.target]
    elif isinstance(node, ast.With | ast.AsyncWith):
        targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
    return {n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)}


def defined_names(tree: ast.Module) -> set[str]:
    """Every name a module binds at top level (through if/try/with blocks, imports too)."""
    return {name for node in _top_level_statements(tree.body) for name in bound_names(node)}


def _index_module(info: ModuleInfo) -> None:
    assert info.tree is not None
    counts: dict[str, int] = {}
    for node in _top_level_statements(info.tree.body):
        for name in bound_names(node):
            counts[name] = counts.get(name, 0) + 1
            if not isinstance(node, ast.Import | ast.ImportFrom):
                info.own.add(name)
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            info.open_namespace = True
    info.defined = set(counts)
    info.open_namespace |= "__getattr__" in counts
    for node in info.tree.body:
        if counts.get(getattr(node, "name", ""), 0) != 1 or getattr(node, "decorator_list", []):
            continue  # redefined or decorated: the signature is not knowable statically
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            info.signatures[node.name] = Signature.of(node)
        elif isinstance(node, ast.ClassDef) and not node.keywords:
            init = [n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
            special = any(getattr(n, "name", "") == "__new__" for n in node.body)
            if len(init) == 1 and not init[0].decorator_list and not special:
                info.signatures[node.name] = Signature.of(init[0], drop_first=True)


@lru_cache(maxsize=4096)
def _parse_module(path: str, module: str, source: str) -> ModuleInfo:
    """Parse and index one module; cached because generation re-indexes after every file.

    Callers treat the result as read-only, so sharing it between indexes is safe.
    """
    info = ModuleInfo(
        path=path, module=module, is_package=path.endswith("__init__.py"), source=source
    )
    try:
        info.tree = ast.parse(source, filename=path)
        _index_module(info)
    except SyntaxError as exc:
        info.syntax_error = exc
    except ValueError as exc:  # e.g. null bytes
        info.syntax_error = SyntaxError(str(exc))
    return info


class ProjectIndex:
    """Every Python module of the repository, by dotted name, with what it defines."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.modules: dict[str, ModuleInfo] = {}
        self.by_path: dict[str, ModuleInfo] = {}
        self.namespaces: set[str] = set()
        src = repo / "src"
        for path in repo_files(repo, ".py"):
            base = src if src.is_dir() and path.is_relative_to(src) else repo
            info = _parse_module(
                path.relative_to(repo).as_posix(),
                module_name(path.relative_to(base)),
                path.read_text(encoding="utf-8", errors="replace"),
            )
            self.by_path[info.path] = info
            if info.module:
                self.modules.setdefault(info.module, info)
            parts = info.module.split(".")
            self.namespaces.update(".".join(parts[:i]) for i in range(1, len(parts)))
        self.tops = {m.split(".")[0] for m in [*self.modules, *self.namespaces] if m}

    @cached_property
    def data_fields(self) -> dict[str, list[str]]:
        """Field names of the project's data classes, by class name (`code/values.py`)."""
        return {k: v for m in self.by_path.values() for k, v in data_fields(m.tree).items()}

    def exists(self, module: str) -> bool:
        return module in self.modules or module in self.namespaces

    def resolve(self, info: ModuleInfo, module: str | None, level: int) -> str | None:
        """Absolute dotted name of an import seen in `info`; None if it is not the project's."""
        if level:
            base = info.package.split(".") if info.package else []
            if level - 1 > len(base):
                return None
            base = base[: len(base) - (level - 1)]
            return ".".join([*base, *([module] if module else [])])
        if not module:
            return None
        if module.split(".")[0] in self.tops:
            return module
        # A script outside any package imports its siblings by bare name (its directory is
        # sys.path[0]); inside a package, a bare name is always an absolute import.
        directory = info.module.rpartition(".")[0]
        first = module.split(".")[0]
        scripts_dir = directory and not info.is_package and directory not in self.modules
        if scripts_dir and self.exists(f"{directory}.{first}"):
            return f"{directory}.{module}"
        return None


def _item(node: ast.stmt) -> InterfaceItem | None:
    if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        ret = f" -> {ast.unparse(node.returns)}" if node.returns else ""
        sig = f"def {node.name}({ast.unparse(node.args)}){ret}"
        return InterfaceItem(
            name=node.name,
            kind="function",
            signature=sig,
            doc=(ast.get_docstring(node) or "").split("\n")[0],
        )
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(ast.unparse(b) for b in node.bases)
        methods = [
            f"def {n.name}({ast.unparse(n.args)})"
            for n in node.body
            if isinstance(n, ast.FunctionDef)
            and (not n.name.startswith("_") or n.name == "__init__")
        ]
        members = [*enum_members(node), *_fields(node), *methods]
        made = [d for d in map(ast.unparse, node.decorator_list) if "dataclass" in d]
        sig = "".join(f"@{d} " for d in made) + f"class {node.name}({bases})"
        sig += ": " + "; ".join(members) if members else ""
        return InterfaceItem(
            name=node.name,
            kind="class",
            signature=sig,
            doc=(ast.get_docstring(node) or "").split("\n")[0],
        )
    if isinstance(node, ast.Assign | ast.AnnAssign):
        names = bound_names(node)
        if len(names) == 1 and (name := names.pop()).isupper():
            return InterfaceItem(name=name, kind="constant", signature=ast.unparse(node)[:120])
    return None


def _fields(cls: ast.ClassDef) -> list[str]:
    """The class's fields as written, so the files using it construct it right (a lexer's
    `Token` was shown as `class Token()`, without its `kind` and `value`)."""
    return [ast.unparse(n) for n in field_nodes(cls)]


def entry_from_ast(info: ModuleInfo, index: ProjectIndex, purpose: str = "") -> MemoryEntry:
    """A CodeMem entry for a file, from its source (the fallback when memory is absent)."""
    items: list[InterfaceItem] = []
    depends: set[str] = set()
    if info.tree is not None:
        items = [i for n in info.tree.body if (i := _item(n)) and not i.name.startswith("_")]
        for node in ast.walk(info.tree):
            if isinstance(node, ast.ImportFrom):
                target = index.resolve(info, node.module, node.level)
                targets = [target] + [f"{target}.{a.name}" for a in node.names] if target else []
            elif isinstance(node, ast.Import):
                targets = [index.resolve(info, a.name, 0) or "" for a in node.names]
            else:
                continue
            depends.update(index.modules[t].path for t in targets if t in index.modules)
    depends.discard(info.path)
    return MemoryEntry(
        path=info.path,
        purpose=purpose,
        interface=items,
        exports=_exports(info.tree),
        depends_on=sorted(depends),
        builds=built_values(info.tree, index.data_fields),
        sha256=hashlib.sha256(info.source.encode()).hexdigest(),
    )


def _exports(tree: ast.Module | None) -> list[str]:
    """A literal `__all__`, if the module declares one."""
    for node in tree.body if tree else []:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            try:
                return [str(name) for name in ast.literal_eval(node.value)]
            except (ValueError, TypeError, SyntaxError):
                return []
    return []


def load_memory(path: Path) -> dict[str, MemoryEntry]:
    """The generator's memory.jsonl (last entry per file wins); absent or torn lines tolerated."""
    entries: dict[str, MemoryEntry] = {}
    if not path.is_file():
        return entries
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = MemoryEntry.model_validate(json.loads(line))
        except (json.JSONDecodeError, ValidationError):
            continue
        entries[entry.path] = entry
    return entries


def current_entries(
    index: ProjectIndex, memory: dict[str, MemoryEntry], purposes: dict[str, str]
) -> dict[str, MemoryEntry]:
    """CodeMem entries that describe the files as they are now (stale ones re-extracted)."""
    out: dict[str, MemoryEntry] = {}
    for path, info in index.by_path.items():
        fresh = entry_from_ast(info, index, purposes.get(path, ""))
        saved = memory.get(path)
        if saved and saved.sha256 == fresh.sha256:
            depends = sorted(set(saved.depends_on) | set(fresh.depends_on))
            out[path] = saved.model_copy(update={"depends_on": depends})
        else:
            if saved:
                fresh.purpose, fresh.summary = saved.purpose or fresh.purpose, saved.summary
            out[path] = fresh
    return out
