"""The document's examples: only what reads unambiguously becomes a test."""

from __future__ import annotations

from repowright.artifacts.blueprint import Blueprint, FileSpec
from repowright.blueprint.examples import EXAMPLES_PATH, Example, find_examples
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.named import wire_named_symbols

SPEC = """# Numerals

A Python module `numerals.py`.

- `to_numeral(n: int) -> str` for 1 <= n <= 9 (`4 -> "IV"`, `9` -> `"IX"`); `"4"` -> `"IV"`
  is not an example (a string is not an int), nor is `12` -> twelve `I`.
- `from_numeral(s: str) -> int` accepts only canonical numerals; anything else (`"IIII"`,
  `""`) raises `ValueError`.
- `scale(value: float, factor: float = 2.0) -> float` returns `value * factor`:
  `scale(1.5)` returns `3.0`, and `scale("x")` raises `TypeError`.
- `pair(a, b)` joins them (`1` -> `2` says nothing: two required parameters).

A module `errors.py` defines `class NumeralError(ValueError)`; `to_numeral(0)` raises
`NumeralError`. `reset()` raises `RuntimeError` when nothing was converted: a call without
arguments depends on state, so it is no example.
"""


def plan() -> Blueprint:
    files = [FileSpec(path=p, purpose="") for p in ("numerals.py", "errors.py")]
    bp = Blueprint(project_name="numerals", files=files)
    wire_named_symbols(bp, SPEC, [])
    return bp


def test_stated_results_and_rejected_inputs_of_planned_functions_are_examples() -> None:
    found = find_examples(plan(), SPEC)
    own = [e for e in found if e.home == "numerals.py" and not e.raises_home]
    assert own == [
        Example("to_numeral", "numerals.py", ("9",), "'IX'"),
        Example("to_numeral", "numerals.py", ("4",), "'IV'"),
        Example("from_numeral", "numerals.py", ("'IIII'",), raises="ValueError"),
        Example("from_numeral", "numerals.py", ("''",), raises="ValueError"),
        Example("scale", "numerals.py", ("1.5",), "3.0", approx=True),
        Example("scale", "numerals.py", ("'x'",), raises="TypeError"),
    ]


def test_an_exception_the_plan_defines_is_imported_from_its_file() -> None:
    bp = plan()
    found = find_examples(bp, SPEC)
    assert "reset" in [s.name for f in bp.files for s in f.interface]
    assert all(e.function != "reset" for e in found)  # no arguments: depends on state
    assert (
        Example("to_numeral", "numerals.py", ("0",), raises="NumeralError", raises_home="errors.py")
        in found
    )


def test_the_examples_file_is_planned_after_the_files_it_tests() -> None:
    bp = Blueprint(
        project_name="numerals",
        files=[FileSpec(path=p, purpose="") for p in ("numerals.py", "errors.py")],
    )
    fixed, notes = autofix_blueprint(bp, document_text=SPEC)
    spec = fixed.file(EXAMPLES_PATH)
    assert spec.dependencies == ["numerals.py", "errors.py"]
    assert any(EXAMPLES_PATH in n for n in notes)
    bare, _ = autofix_blueprint(bp, document_text="A Python module `numerals.py`.\n")
    assert all(f.path != EXAMPLES_PATH for f in bare.files)


def test_a_function_stated_as_the_inverse_of_another_gets_its_examples_turned_round() -> None:
    spec = """# Codec

A Python module `codec.py`.

- `encode(data: str) -> str` writes runs (`"aab"` -> `"2a1b"`); `7` -> `"x"` is no example.
- `decode(text: str) -> str` reverses it; `"2a"` -> `"aa"` too.
- `pack(n: int) -> str`: `pack(3)` returns `"iii"`.
- `unpack(s: str) -> int` is the inverse of `pack`.
- `unpick(s: str) -> str` undoes `pack(n)` (its return type does not fit `3`).
- `shout(s: str) -> str` takes a word and reverses it (`"ab"` -> `"BA"`).
- `read_pack(s: str) -> int` accepts only the exact strings `pack` produces.
- `describe(s: str) -> str` describes what `encode` gives: the types fit, no inverse is said.
"""
    bp = Blueprint(project_name="codec", files=[FileSpec(path="codec.py", purpose="")])
    wire_named_symbols(bp, spec, [])
    found = find_examples(bp, spec)
    decoded = [e for e in found if e.function == "decode"]
    assert decoded == [
        Example("decode", "codec.py", ("'2a'",), "'aa'"),
        Example("decode", "codec.py", ("'2a1b'",), "'aab'"),
    ]
    assert Example("unpack", "codec.py", ("'iii'",), "3") in found
    assert Example("read_pack", "codec.py", ("'iii'",), "3") in found
    assert all(e.function != "describe" for e in found)
    assert all(e.function != "unpick" for e in found)  # `3` is no `str`
    assert [e.function for e in found].count("shout") == 1  # "it" is its word, not encode
