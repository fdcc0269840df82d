"""A package __init__ that only re-exports its modules is written from CodeMem, not the model."""

from __future__ import annotations

from repowright.artifacts.blueprint import FileSpec, Symbol
from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.generate.reexport import reexport_source


def entry(path: str, *names: str) -> MemoryEntry:
    return MemoryEntry(
        path=path, purpose="x", interface=[InterfaceItem(name=n, kind="function") for n in names]
    )


MEMORY = {
    "calc/parser.py": entry("calc/parser.py", "evaluate", "CalcError", "_helper").model_copy(
        update={"depends_on": ["calc/errors.py"]}
    ),
    "calc/errors.py": entry("calc/errors.py", "CalcError"),
}


def test_reexports_what_the_modules_define() -> None:
    spec = FileSpec(
        path="calc/__init__.py",
        purpose='Re-exports the """API""".',
        interface=[Symbol(name="evaluate"), Symbol(name="CalcError", kind="class")],
        dependencies=["calc/parser.py", "calc/errors.py", "README.md"],
    )
    source = reexport_source(spec, MEMORY)
    assert source is not None
    compile(source, "calc/__init__.py", "exec")
    assert "from calc.errors import CalcError\nfrom calc.parser import evaluate\n" in source
    assert '__all__ = ["CalcError", "evaluate"]' in source


def test_the_model_writes_an_init_with_code_of_its_own() -> None:
    planned = FileSpec(path="calc/__init__.py", purpose="x", interface=[Symbol(name="main")],
                       dependencies=list(MEMORY))  # fmt: skip
    assert reexport_source(planned, MEMORY) is None
    assert reexport_source(FileSpec(path="calc/util.py", purpose="x"), MEMORY) is None
    empty = reexport_source(FileSpec(path="pkg/__init__.py", purpose=""), MEMORY)
    assert empty == '"""Package exports."""\n\n'
