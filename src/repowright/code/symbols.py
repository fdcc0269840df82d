"""Symbols, docstrings/comments and imports of one source file, via tree-sitter."""

from __future__ import annotations

import tree_sitter as ts
from pydantic import BaseModel, Field

from repowright.code.languages import LANGS, parser

MAX_SIGNATURE = 200


class SymbolRecord(BaseModel):
    name: str
    kind: str
    signature: str
    doc: str = ""
    start_line: int
    end_line: int


class FileSymbols(BaseModel):
    symbols: list[SymbolRecord] = Field(default_factory=list)
    imports: list[str] = Field(default_factory=list)
    doc: str = ""


def _name(node: ts.Node) -> str:
    named = node.child_by_field_name("name")
    if named is not None:
        return (named.text or b"").decode(errors="replace")
    declarator = node.child_by_field_name("declarator")  # C/C++ functions
    while declarator is not None:
        if declarator.type in ("identifier", "field_identifier", "qualified_identifier"):
            return (declarator.text or b"").decode(errors="replace")
        declarator = declarator.child_by_field_name("declarator") or next(
            (c for c in declarator.named_children if "identifier" in c.type), None
        )
    return ""


def _signature(node: ts.Node) -> str:
    text = (node.text or b"").decode(errors="replace")
    body = node.child_by_field_name("body")
    if body is not None:
        text = text[: body.start_byte - node.start_byte]
    return " ".join(text.split()).rstrip("{:").strip()[:MAX_SIGNATURE]


def _doc(node: ts.Node) -> str:
    body = node.child_by_field_name("body")
    if body is not None and body.named_children:
        first = body.named_children[0]
        if first.type == "expression_statement" and first.named_children:
            first = first.named_children[0]
        if first.type == "string":  # Python docstring
            return _clean_comment((first.text or b"").decode(errors="replace"))
    prev = node.prev_named_sibling
    if prev is not None and "comment" in prev.type and prev.end_point[0] >= node.start_point[0] - 1:
        return _clean_comment((prev.text or b"").decode(errors="replace"))
    return ""


def _clean_comment(text: str) -> str:
    for mark in ('"""', "'''", "/**", "*/", "/*", "///", "//", "#", '"', "'"):
        text = text.replace(mark, " ")
    lines = [ln.strip(" *") for ln in text.splitlines() if ln.strip(" *")]
    return " ".join(lines)[:300]


def extract(lang: str, source: bytes) -> FileSymbols:
    """Definitions (with nesting), imports and the leading file comment of `source`."""
    spec, p = LANGS[lang], parser(lang)
    if p is None:
        return FileSymbols()
    tree = p.parse(source)
    out = FileSymbols()
    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        kind = spec.defs.get(node.type)
        if kind:
            name = _name(node)
            if name:
                out.symbols.append(
                    SymbolRecord(
                        name=name,
                        kind=kind,
                        signature=_signature(node),
                        doc=_doc(node),
                        start_line=node.start_point[0] + 1,
                        end_line=node.end_point[0] + 1,
                    )
                )
        elif node.type in spec.imports:
            out.imports.append(" ".join((node.text or b"").decode(errors="replace").split())[:200])
        stack.extend(reversed(node.named_children))
    first = tree.root_node.named_children[0] if tree.root_node.named_children else None
    if first is not None and ("comment" in first.type or first.type == "expression_statement"):
        out.doc = _clean_comment((first.text or b"").decode(errors="replace"))
    out.symbols.sort(key=lambda s: s.start_line)
    return out
