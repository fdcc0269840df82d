"""A class defined again in a new file is imported from the module that already has it."""

from __future__ import annotations

from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.generate.shared import import_shared


def entry(path: str, *classes: str, depends_on: tuple[str, ...] = ()) -> MemoryEntry:
    items = [InterfaceItem(name=c, kind="class") for c in classes]
    return MemoryEntry(path=path, purpose="", interface=items, depends_on=list(depends_on))


PARSER = '''"""Parse."""

from __future__ import annotations

from calc.lexer import tokenize


@dataclass
class CalcError(Exception):
    pass


class Parser:
    pass


def evaluate(text):
    raise CalcError(text)
'''


def test_a_redefined_class_is_imported_from_its_home() -> None:
    memory = {"calc/errors.py": entry("calc/errors.py", "CalcError")}
    out = import_shared("calc/parser.py", PARSER, memory)
    assert "class CalcError" not in out and "@dataclass" not in out
    assert out.index("from calc.errors import CalcError") < out.index("from calc.lexer")
    assert out.index("from __future__") < out.index("from calc.errors import CalcError")
    assert "class Parser" in out and "raise CalcError(text)" in out
    compile(out, "parser.py", "exec")


def test_no_cycles_tests_or_unparsable_files() -> None:
    home = entry("calc/errors.py", "CalcError", depends_on=("calc/parser.py",))
    cyclic = {"calc/errors.py": home}
    assert import_shared("calc/parser.py", PARSER, cyclic) == PARSER
    memory = {"calc/errors.py": entry("calc/errors.py", "CalcError")}
    assert import_shared("tests/test_parser.py", PARSER, memory) == PARSER
    assert import_shared("calc/parser.py", "class CalcError(:\n", memory) == ("class CalcError(:\n")


def test_a_function_a_dependency_defines_with_the_same_parameters_is_imported() -> None:
    lexer = MemoryEntry(
        path="calc/lexer.py",
        purpose="",
        interface=[
            InterfaceItem(name="tokenize", kind="function", signature="def tokenize(text: str)"),
            InterfaceItem(name="peek", kind="function", signature="def peek(tokens, i)"),
        ],
    )
    source = (
        "from calc.lexer import Token\n\n\ndef tokenize(text: str) -> list:\n    return []\n\n\n"
        "def peek(tokens):\n    return tokens[0]\n\n\ndef evaluate(text):\n"
        "    return peek(tokenize(text))\n"
    )
    memory = {"calc/lexer.py": lexer}
    out = import_shared("calc/parser.py", source, memory, ["calc/lexer.py"])
    assert "def tokenize" not in out and "from calc.lexer import tokenize" in out
    assert "def peek(tokens):" in out  # other parameters: another function
    assert import_shared("calc/parser.py", source, memory) == source  # not a dependency
