"""Symbols the document assigns to files become interfaces and dependency edges."""

from __future__ import annotations

from repowright.artifacts.blueprint import Blueprint, FileSpec
from repowright.blueprint.fixes import autofix_blueprint

SPEC = """# Infix evaluator

- `calc/lexer.py`: `tokenize(text: str) -> list[Token]` where `Token` is a dataclass.
  Any other character raises `calc.errors.CalcError`.
- `calc/errors.py`: `class CalcError(Exception)`.
- `calc/parser.py`: `evaluate(text: str) -> float`; errors raise `CalcError`.
- `calc/cache.py`: `LRUCache(capacity)` with `get(key)` and `put(key, value)`.

Tests with pytest.
"""


def plan(*deps: tuple[str, list[str]]) -> Blueprint:
    files = [FileSpec(path=p, purpose=p, dependencies=d) for p, d in deps]
    return Blueprint(project_name="calc", files=files)


def test_interfaces_and_dependencies_follow_the_document() -> None:
    bp = plan(
        ("calc/errors.py", []),
        ("calc/lexer.py", []),
        ("calc/parser.py", ["calc/lexer.py"]),
        ("calc/cache.py", []),
    )
    fixed, notes = autofix_blueprint(bp, document_text=SPEC)
    interface = {f.path: [(s.name, s.kind) for s in f.interface] for f in fixed.files}
    assert interface["calc/errors.py"] == [("CalcError", "class")]
    assert interface["calc/lexer.py"] == [("tokenize", "function")]
    assert interface["calc/cache.py"] == [
        ("LRUCache", "class"),
        ("get", "method"),
        ("put", "method"),
    ]
    assert "calc/errors.py" in fixed.file("calc/parser.py").dependencies
    assert "calc/errors.py" in fixed.file("calc/lexer.py").dependencies  # a dotted mention
    assert any("depends on calc/errors.py" in n for n in notes)


def test_no_edge_closes_a_cycle() -> None:
    bp = plan(("calc/errors.py", ["calc/parser.py"]), ("calc/parser.py", []))
    fixed, _ = autofix_blueprint(bp, document_text=SPEC)
    assert fixed.file("calc/parser.py").dependencies == []


def test_tests_the_document_asks_for_a_module_test_that_module() -> None:
    bp = plan(("todo/cli.py", ["todo/storage.py"]), ("todo/storage.py", []))
    text = "# Todo\n\n- `python -m todo add x` adds.\n\nUnit tests for the storage module.\n"
    fixed, _ = autofix_blueprint(bp, document_text=text)
    tests = [f for f in fixed.files if f.path.startswith("tests/")]
    assert [(t.path, t.dependencies) for t in tests] == [
        ("tests/test_storage.py", ["todo/storage.py"])
    ]


MODULE_SPEC = """# Ring buffer

**Abstract.** A Python module `ring.py` with a buffer and a helper.

**Interface.**
- `class Full(ValueError)`.
- `clamp(x, lo, hi) -> int` bounds a value.
- `RingBuffer(capacity: int)`; a capacity below 1 raises `ValueError`.
- `push(item)` appends; `len(buf)` and `buf.is_full()`; `np.exp(x)` is not ours.
- Tests with pytest and a README.md; `helper.py` is written by hand.
- `other(x)` belongs to the helper.
"""


def test_a_module_named_once_gets_the_interface_listed_after_it() -> None:
    bp = plan(("ring.py", []), ("helper.py", []))
    fixed, _ = autofix_blueprint(bp, document_text=MODULE_SPEC)
    interface = [(s.name, s.kind) for s in fixed.file("ring.py").interface]
    assert interface == [
        ("Full", "class"),
        ("clamp", "function"),
        ("RingBuffer", "class"),
        ("push", "method"),
    ]
    assert [s.name for s in fixed.file("helper.py").interface] == ["other"]


def test_a_symbol_is_described_by_the_item_defining_it() -> None:
    bp = plan(("ring.py", []), ("helper.py", []))
    fixed, _ = autofix_blueprint(bp, document_text=MODULE_SPEC)
    said = {s.name: s.description for s in fixed.file("ring.py").interface}
    assert said["clamp"] == "`clamp(x, lo, hi) -> int` bounds a value."
    assert said["RingBuffer"].endswith("a capacity below 1 raises `ValueError`.")
    assert said["push"].startswith("`push(item)` appends;")
    multi = "- `Counter(n)` with `incr()` and `reset()`: counts.\n  Continues here.\n"
    fixed, _ = autofix_blueprint(plan(("c.py", [])), document_text=f"Module `c.py`.\n\n{multi}")
    said = {s.name: s.description for s in fixed.file("c.py").interface}
    assert said == {
        "Counter": "`Counter(n)` with `incr()` and `reset()`: counts. Continues here.",
        "incr": "",
        "reset": "",
    }


def test_a_dependency_written_as_a_symbol_becomes_the_file_defining_it() -> None:
    bp = plan(
        ("calc/errors.py", []),
        ("calc/lexer.py", []),
        ("calc/parser.py", ["CalcError", "Mystery", "evaluate"]),
    )
    fixed, notes = autofix_blueprint(bp, document_text=SPEC)
    deps = fixed.file("calc/parser.py").dependencies
    assert deps == ["calc/errors.py", "Mystery"]  # an unknown name is left for the planner
    assert any("'CalcError' -> 'calc/errors.py'" in n for n in notes)
