"""Cross-file consistency: every project import resolves to a module that defines the name,
and calls to project functions pass an argument count their signatures accept."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from repowright.artifacts.verdict import Finding
from repowright.code.python import ModuleInfo, ProjectIndex, Signature

IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def guarded_imports(tree: ast.Module) -> set[int]:
    """Ids of import nodes inside `try/except ImportError` or `if TYPE_CHECKING` (optional)."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        body: list[ast.stmt] = []
        if isinstance(node, ast.Try):
            caught = {
                n.id if isinstance(n, ast.Name) else getattr(n, "attr", "")
                for h in node.handlers
                for n in ([h.type] if h.type is not None else [])
                + (list(h.type.elts) if isinstance(h.type, ast.Tuple) else [])
            }
            if any(h.type is None for h in node.handlers) or caught & IMPORT_ERRORS:
                body = node.body
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            body = node.body
        guarded.update(id(n) for stmt in body for n in ast.walk(stmt))
    return guarded


def _bindings(info: ModuleInfo, index: ProjectIndex) -> dict[str, tuple[str, str | None]]:
    """Local name -> (project module, attribute or None for the module itself)."""
    out: dict[str, tuple[str, str | None]] = {}
    assert info.tree is not None
    for node in info.tree.body:
        if isinstance(node, ast.ImportFrom):
            target = index.resolve(info, node.module, node.level)
            if not target:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                ref = (sub, None) if sub in index.modules else (target, alias.name)
                out[alias.asname or alias.name] = ref
        elif isinstance(node, ast.Import):
            for alias in node.names:
                target = index.resolve(info, alias.name, 0)
                if target and alias.asname and target in index.modules:
                    out[alias.asname] = (target, None)
    return out


def import_findings(info: ModuleInfo, index: ProjectIndex) -> Iterator[Finding]:
    """Project imports that cannot succeed: missing modules, names a module does not define."""
    assert info.tree is not None
    guarded = guarded_imports(info.tree)
    for node in ast.walk(info.tree):
        if id(node) in guarded:
            continue
        if isinstance(node, ast.ImportFrom):
            target = index.resolve(info, node.module, node.level)
            if target is None:
                continue
            if not index.exists(target):
                yield _missing_module(info, node, target)
                continue
            module = index.modules.get(target)
            for alias in node.names:
                name = alias.name
                if name == "*" or index.exists(f"{target}.{name}"):
                    continue
                if module is None or module.tree is None or module.open_namespace:
                    continue  # namespace package or unparsable: reported elsewhere
                if name not in module.defined:
                    yield Finding(
                        file=info.path,
                        line=node.lineno,
                        message=f"cannot import name {name!r} from {target!r} ({module.path}); "
                        f"it defines: {_summary(module)}",
                        check="cross_imports",
                        code="ImportError",
                    )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                target = index.resolve(info, alias.name, 0)
                if target and not index.exists(target):
                    yield _missing_module(info, node, target)
    yield from _attribute_findings(info, index)


def _missing_module(info: ModuleInfo, node: ast.stmt, target: str) -> Finding:
    return Finding(
        file=info.path,
        line=node.lineno,
        message=f"no module named {target!r} in the repository",
        check="cross_imports",
        code="ModuleNotFoundError",
    )


def _summary(module: ModuleInfo, limit: int = 12) -> str:
    public = sorted(n for n in module.own if not n.startswith("_"))
    more = f", ... (+{len(public) - limit})" if len(public) > limit else ""
    return ", ".join(public[:limit]) + more if public else "(no public names)"


def _attribute_findings(info: ModuleInfo, index: ProjectIndex) -> Iterator[Finding]:
    """`mod.name` where `mod` is a project module imported under a name and lacks `name`."""
    assert info.tree is not None
    modules = {k: v[0] for k, v in _bindings(info, index).items() if v[1] is None}
    for node in ast.walk(info.tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        target = modules.get(node.value.id)
        module = index.modules.get(target or "")
        if module is None or module.tree is None or module.open_namespace:
            continue
        if node.attr not in module.defined and not index.exists(f"{target}.{node.attr}"):
            yield Finding(
                file=info.path,
                line=node.lineno,
                message=f"module {target!r} ({module.path}) has no attribute {node.attr!r}",
                check="cross_imports",
                code="AttributeError",
            )


def arity_findings(info: ModuleInfo, index: ProjectIndex) -> Iterator[Finding]:
    """Calls whose positional/keyword arguments the callee's signature cannot accept."""
    assert info.tree is not None
    signatures: dict[str, Signature] = dict(info.signatures)
    for local, (module, attr) in _bindings(info, index).items():
        target = index.modules.get(module)
        if target is None:
            continue
        if attr is None:
            for member, member_sig in target.signatures.items():
                signatures[f"{local}.{member}"] = member_sig
        elif attr in target.signatures:
            signatures[local] = target.signatures[attr]
    for node, shadowed in _calls(info.tree):
        name = _callee(node.func)
        sig = signatures.get(name or "")
        if sig is None or (name or "").split(".")[0] in shadowed:
            continue
        if problem := _check_call(node, sig):
            yield Finding(
                file=info.path,
                line=node.lineno,
                message=f"{name}() {problem}",
                check="call_arity",
                code="TypeError",
            )


def _callee(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return None


def _calls(tree: ast.Module) -> list[tuple[ast.Call, set[str]]]:
    """Every call with the names rebound in its enclosing functions (those are not checked)."""
    out: list[tuple[ast.Call, set[str]]] = []

    def visit(node: ast.AST, shadowed: set[str]) -> None:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            a = node.args
            local = {x.arg for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]}
            local |= {x.arg for x in (a.vararg, a.kwarg) if x}
            body = node.body if isinstance(node.body, list) else [node.body]
            local |= {
                n.id
                for stmt in body
                for n in ast.walk(stmt)
                if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
            }
            shadowed = shadowed | local
        elif isinstance(node, ast.Call):
            out.append((node, shadowed))
        for child in ast.iter_child_nodes(node):
            visit(child, shadowed)

    visit(tree, set())
    return out


def _check_call(call: ast.Call, sig: Signature) -> str | None:
    if any(isinstance(a, ast.Starred) for a in call.args) or any(
        k.arg is None for k in call.keywords
    ):
        return None  # *args / **kwargs at the call site: not knowable statically
    given = len(call.args)
    if not sig.varargs and given > len(sig.positional):
        return f"takes {len(sig.positional)} positional arguments but {given} were given"
    keywords = [k.arg for k in call.keywords if k.arg]
    allowed = set(sig.positional[given:]) | set(sig.kwonly)
    unexpected = [k for k in keywords if k not in allowed]
    if unexpected and not sig.varkw:
        return f"got an unexpected keyword argument {unexpected[0]!r}"
    missing = [p for p in sig.positional[given : sig.required_positional] if p not in keywords] + [
        k for k in sig.required_kwonly if k not in keywords
    ]
    if missing:
        return f"missing required arguments: {', '.join(repr(m) for m in missing)}"
    return None
