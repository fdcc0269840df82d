"""Functions a model declared but did not write: a body of only a docstring, `pass`, `...`
or `raise NotImplementedError` (the comment "# Implementation goes here" leaves no code).

Small models do this often; the module imports, its signature matches the plan, and the
function silently returns None. Abstract methods, overloads and Protocol members are meant to
have no body and are not counted, nor is a method that raises NotImplementedError (a base
class by convention) or an empty `__init__`.
"""

from __future__ import annotations

import ast

_MEANT_EMPTY = {"abstractmethod", "overload", "abstractproperty"}
_INTERFACE_BASES = {"Protocol", "ABC"}


def stub_functions(tree: ast.Module) -> list[tuple[str, int]]:
    """(qualified name, line) of each function or method without an implementation."""
    found: list[tuple[str, int]] = []

    def visit(body: list[ast.stmt], prefix: str, interface: bool) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                bases = {_name(b) for b in node.bases}
                visit(node.body, f"{prefix}{node.name}.", bool(bases & _INTERFACE_BASES))
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                meant = {_name(d) for d in node.decorator_list} & _MEANT_EMPTY
                method = bool(prefix)
                if (method and node.name == "__init__") or interface or meant:
                    continue
                if _is_stub(node.body, allow_not_implemented=method):
                    found.append((f"{prefix}{node.name}", node.lineno))

    visit(tree.body, "", False)
    return found


def _is_stub(body: list[ast.stmt], allow_not_implemented: bool) -> bool:
    statements = [
        s
        for s in body
        if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))  # docstring, ...
        and not isinstance(s, ast.Pass)
    ]
    if not statements:
        return True
    if len(statements) == 1 and isinstance(statements[0], ast.Raise) and not allow_not_implemented:
        exc = statements[0].exc
        target = exc.func if isinstance(exc, ast.Call) else exc
        return _name(target) == "NotImplementedError" if target is not None else False
    return False


def _name(node: ast.expr | None) -> str:
    if isinstance(node, ast.Call):
        node = node.func
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""
