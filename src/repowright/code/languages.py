"""Per-language tree-sitter grammars (wheels from PyPI, nothing downloaded at run time) and
the node types that define symbols or imports in each."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import cache

import tree_sitter as ts


@dataclass(frozen=True)
class Lang:
    name: str
    module: str
    function: str
    defs: dict[str, str]  # node type -> symbol kind
    imports: tuple[str, ...]


LANGS = {
    "python": Lang(
        "python", "tree_sitter_python", "language",
        {"function_definition": "function", "class_definition": "class"},
        ("import_statement", "import_from_statement"),
    ),
    "javascript": Lang(
        "javascript", "tree_sitter_javascript", "language",
        {"function_declaration": "function", "class_declaration": "class",
         "method_definition": "method"},
        ("import_statement",),
    ),
    "typescript": Lang(
        "typescript", "tree_sitter_typescript", "language_typescript",
        {"function_declaration": "function", "class_declaration": "class",
         "method_definition": "method", "interface_declaration": "interface"},
        ("import_statement",),
    ),
    "go": Lang(
        "go", "tree_sitter_go", "language",
        {"function_declaration": "function", "method_declaration": "method",
         "type_spec": "type"},
        ("import_declaration",),
    ),
    "rust": Lang(
        "rust", "tree_sitter_rust", "language",
        {"function_item": "function", "struct_item": "struct", "enum_item": "enum",
         "trait_item": "trait"},
        ("use_declaration",),
    ),
    "java": Lang(
        "java", "tree_sitter_java", "language",
        {"class_declaration": "class", "interface_declaration": "interface",
         "method_declaration": "method"},
        ("import_declaration",),
    ),
    "c": Lang(
        "c", "tree_sitter_c", "language",
        {"function_definition": "function", "struct_specifier": "struct"},
        ("preproc_include",),
    ),
    "cpp": Lang(
        "cpp", "tree_sitter_cpp", "language",
        {"function_definition": "function", "class_specifier": "class",
         "struct_specifier": "struct"},
        ("preproc_include", "using_declaration"),
    ),
}  # fmt: skip

EXTENSIONS = {
    ".py": "python", ".js": "javascript", ".jsx": "javascript", ".mjs": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".go": "go", ".rs": "rust", ".java": "java",
    ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp",
}  # fmt: skip


@cache
def parser(lang: str) -> ts.Parser | None:
    """A parser for `lang`, or None when its grammar wheel is not installed."""
    spec = LANGS[lang]
    try:
        module = importlib.import_module(spec.module)
    except ImportError:
        return None
    return ts.Parser(ts.Language(getattr(module, spec.function)()))
