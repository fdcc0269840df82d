"""A class defined again in a new file is imported from the module that already has it."""

from __future__ import annotations

from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.generate.shared import import_shared_classes


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
    out = import_shared_classes("calc/parser.py", PARSER, memory)
    assert "class CalcError" not in out and "@dataclass" not in out
    assert out.index("from calc.errors import CalcError") < out.index("from calc.lexer")
    assert out.index("from __future__") < out.index("from calc.errors import CalcError")
    assert "class Parser" in out and "raise CalcError(text)" in out
    compile(out, "parser.py", "exec")


def test_no_cycles_tests_or_unparsable_files() -> None:
    home = entry("calc/errors.py", "CalcError", depends_on=("calc/parser.py",))
    cyclic = {"calc/errors.py": home}
    assert import_shared_classes("calc/parser.py", PARSER, cyclic) == PARSER
    memory = {"calc/errors.py": entry("calc/errors.py", "CalcError")}
    assert import_shared_classes("tests/test_parser.py", PARSER, memory) == PARSER
    assert import_shared_classes("calc/parser.py", "class CalcError(:\n", memory) == (
        "class CalcError(:\n"
    )
