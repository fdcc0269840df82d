"""CodeMem on disk: `memory.jsonl` in the run directory, one entry per written file.

Appending (fsync'd) rather than rewriting keeps every entry ever made; readers take the last
entry per path (`repowright.code.python.load_memory`).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.code.languages import EXTENSIONS
from repowright.code.python import ProjectIndex, entry_from_ast
from repowright.code.symbols import extract
from repowright.fsio import append_line

MEMORY_FILE = "memory.jsonl"


def append_entry(path: Path, entry: MemoryEntry) -> None:
    append_line(path, entry.model_dump_json())


def entry_for(repo: Path, rel: str, purpose: str) -> MemoryEntry:
    """The file's real interface: Python via the AST, other languages via tree-sitter;
    files in no known language get purpose and hash only."""
    target = repo / rel
    if rel.endswith(".py"):
        index = ProjectIndex(repo)
        info = index.by_path.get(rel)
        if info is not None:
            return entry_from_ast(info, index, purpose)
    data = target.read_bytes() if target.is_file() else b""
    lang = EXTENSIONS.get(Path(rel).suffix.lower())
    items = []
    if lang and lang != "python":  # JS/TS/Go/Rust/Java/C/C++ through tree-sitter grammars
        items = [
            InterfaceItem(name=s.name, kind=s.kind, signature=s.signature, doc=s.doc)
            for s in extract(lang, data).symbols
            if not s.name.startswith("_")
        ]
    return MemoryEntry(
        path=rel, purpose=purpose, interface=items, sha256=hashlib.sha256(data).hexdigest()
    )
