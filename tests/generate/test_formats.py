from repowright.artifacts.blueprint import Blueprint, FileSpec
from repowright.generate.formats import standard_parsers
from repowright.generate.prompt import PromptInputs, build_messages
from tests.blueprint.helpers import document


def test_each_named_format_gets_its_standard_parser_and_json_none() -> None:
    def parsers(text: str) -> list[str]:
        return standard_parsers(document("D", [("D", text)]))

    assert parsers("Quoted fields follow the CSV standard.")[0].startswith("CSV or TSV: `csv")
    assert [p.split(":")[0] for p in parsers("Reads a TOML file and ISO-8601 dates.")] == [
        "TOML",
        "ISO 8601 dates and times",
    ]
    assert parsers("Saves the todos to todos.json.") == []  # models use json unasked
    assert parsers("A minimal XOR of bits.") == [] and standard_parsers(None) == []


def test_only_code_files_are_told_to_use_the_standard_parser() -> None:
    doc = document("C", [("C", "A module `c.py` that converts CSV to JSON.")])
    code, main = FileSpec(path="c.py", purpose="x"), FileSpec(path="c/__main__.py", purpose="x")
    tests = FileSpec(path="tests/test_c.py", purpose="tests")
    bp = Blueprint(project_name="c", files=[code, main, tests])

    def told(file: FileSpec) -> bool:
        messages = build_messages(PromptInputs(bp, file, "codemem", {}, {}, {}, doc, None, 4000))
        return "never split\nor index the text by hand" in messages[0][-1].content

    assert told(code) and told(main) and not told(tests)
