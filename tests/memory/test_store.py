from pathlib import Path

from repowright.code.python import load_memory
from repowright.memory.store import append_entry, entry_for


def test_entries_for_python_javascript_and_other_files(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "a.py").write_text("X = 1\n\ndef f(a: int = 2) -> int:\n    return a\n")
    (tmp_path / "pkg" / "b.py").write_text("from pkg.a import f\n\nclass B:\n    pass\n")
    (tmp_path / "ui.js").write_text("export function render(el, props) { return el; }\n")
    (tmp_path / "README.md").write_text("# hi\n")
    a = entry_for(tmp_path, "pkg/a.py", "math")
    assert [(i.name, i.kind) for i in a.interface] == [("X", "constant"), ("f", "function")]
    assert a.interface[1].signature == "def f(a: int=2) -> int"
    assert entry_for(tmp_path, "pkg/b.py", "").depends_on == ["pkg/a.py"]
    js = entry_for(tmp_path, "ui.js", "ui")
    assert js.interface[0].name == "render" and "props" in js.interface[0].signature
    readme = entry_for(tmp_path, "README.md", "docs")
    assert readme.interface == [] and len(readme.sha256) == 64
    memory = tmp_path / "memory.jsonl"
    append_entry(memory, a)
    append_entry(memory, a.model_copy(update={"purpose": "newer"}))
    with open(memory, "a") as fh:
        fh.write('{"path": "torn"')
    assert load_memory(memory)["pkg/a.py"].purpose == "newer"


def test_a_class_entry_shows_the_fields_it_is_built_from(tmp_path: Path) -> None:
    """A lexer's `Token` dataclass was shown as `class Token()`: the files using it had to
    guess its `kind` and `value`."""
    (tmp_path / "lexer.py").write_text(
        "from dataclasses import dataclass\nfrom typing import ClassVar\n\n\n"
        "@dataclass(frozen=True)\nclass Token:\n    kind: str\n    value: float | None = None\n"
        "    KINDS: ClassVar[tuple] = ()\n\n    def show(self) -> str:\n        return self.kind\n"
    )
    (token,) = entry_for(tmp_path, "lexer.py", "").interface
    assert token.signature == (
        "@dataclass(frozen=True) class Token(): kind: str; value: float | None = None; "
        "def show(self)"
    )


def test_an_entry_shows_the_tags_a_file_builds_objects_with(tmp_path: Path) -> None:
    """infix's parser tested `tok.kind in ("*", "/")` where the lexer made `Token("op", "*")`:
    the kinds a file builds its tokens with, and an enum's members, are part of its entry."""
    (tmp_path / "calc").mkdir()
    (tmp_path / "calc" / "tokens.py").write_text(
        "import enum\nfrom dataclasses import dataclass\n\n\n"
        "class Mode(enum.Enum):\n    STRICT = 'strict'\n    LOOSE = 'loose'\n\n\n"
        "@dataclass\nclass Token:\n    kind: str\n    value: str\n"
    )
    (tmp_path / "calc" / "lexer.py").write_text(
        "from calc.tokens import Token\n\n\ndef tokenize(text: str) -> list[Token]:\n"
        "    out = []\n    for ch in text:\n"
        "        if ch in '+-*/':\n            out.append(Token('op', ch))\n"
        "        elif ch.isdigit():\n            out.append(Token(kind='number', value=ch))\n"
        "        elif ch != ' ':\n            raise ValueError('bad character')\n"
        "    out.append(Token('end', ''))\n    out.append(Token('op', '+'))\n    return out\n"
    )
    lexer = entry_for(tmp_path, "calc/lexer.py", "lexer")
    assert lexer.builds == ["Token(kind='op'|'number'|'end')"]  # value is computed: data
    mode = entry_for(tmp_path, "calc/tokens.py", "").interface[0]
    assert mode.signature == "class Mode(enum.Enum): STRICT = 'strict'; LOOSE = 'loose'"
    assert entry_for(tmp_path, "calc/tokens.py", "").builds == []
