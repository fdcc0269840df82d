import ast

from repowright.artifacts.blueprint import Blueprint, FileSpec, Symbol
from repowright.artifacts.memory import InterfaceItem, MemoryEntry
from repowright.generate.body import file_body, unusable
from repowright.generate.context import FileContext
from repowright.generate.drift import detect_drift, stated_changes, stated_signatures
from repowright.generate.prompt import MAX_DEPENDENTS, planned_dependents


def test_budget_drops_whole_entries_in_policy_order() -> None:
    ctx = FileContext()
    ctx.add("dependencies", "near.py", "n", "x" * 400)  # 100 tokens each
    ctx.add("dependencies", "far.py", "f", "x" * 400)
    ctx.add("dependents", "user.py", "u", "x" * 400)
    ctx.add("references", "rag", "r", "x" * 400)
    ctx.add("segments", "s1", "s", "x" * 400)
    ctx.add("segments", "s2", "s", "x" * 400)
    ctx.fit(150)
    assert ctx.dropped == [
        "segments:s2", "segments:s1", "references:rag", "dependents:user.py", "dependencies:far.py"
    ]  # fmt: skip
    assert ctx.tokens() == 100
    assert FileContext().fit(0).dropped == []


def test_file_body_and_unusable_replies() -> None:
    assert file_body("a.py", "```python\nx = 1\n```") == "x = 1\n"
    assert file_body("a.py", "x = 1") == "x = 1\n"
    assert unusable("a.py", "", "stop") == "the reply was empty"
    assert "token limit" in unusable("a.py", "x = 1\n", "length")
    assert "cut off" in unusable("a.py", "def f(:\n    return [1,\n", "stop")
    assert unusable("a.py", "x = 1\n", "stop") == ""
    assert unusable("README.md", "# hi\n", "stop") == ""


def test_drift_missing_and_changed() -> None:
    spec = FileSpec(
        path="m.py",
        purpose="p",
        interface=[
            Symbol(name="train", signature="def train(cfg: Config, steps: int = 3) -> Metrics"),
            Symbol(name="Model", kind="class"),
            Symbol(name="fit", kind="method", signature="fit(x)"),  # Model's, not the module's
        ],
    )
    entry = MemoryEntry(
        path="m.py",
        purpose="p",
        interface=[
            InterfaceItem(name="train", kind="function", signature="def train(cfg: Config) -> M")
        ],
    )
    drift = detect_drift(spec, entry)
    assert drift.missing == ["Model"]
    assert drift.changed == ["train: planned (cfg, steps) != actual (cfg)"]


def test_a_hub_lists_a_bounded_number_of_its_planned_users() -> None:
    hub = FileSpec(path="cfg.py", purpose="settings")
    users = [
        FileSpec(path=f"m{i:02d}.py", purpose="user", dependencies=["cfg.py"]) for i in range(30)
    ]
    bp = Blueprint(project_name="p", files=[hub, *users])
    listed = [f.path for f in planned_dependents(bp, hub)]
    assert listed == [f"m{i:02d}.py" for i in range(MAX_DEPENDENTS)]


def test_import_line_names_the_real_module_path() -> None:
    from repowright.generate.prompt import import_line

    def entry(path: str, *names: str, exports: tuple[str, ...] = ()) -> MemoryEntry:
        items = [
            InterfaceItem(name=n, kind="class" if n[0].isupper() else "function") for n in names
        ]
        return MemoryEntry(path=path, purpose="p", interface=items, exports=list(exports))

    assert import_line(entry("rpn/errors.py", "RPNError", "_hidden")) == (
        "from rpn.errors import RPNError"
    )
    assert import_line(entry("src/pkg/__init__.py", exports=("run", "Config"))) == (
        "from pkg import run, Config"
    )
    assert import_line(entry("wordfreq.py", "top_words", "main")) == (
        "from wordfreq import top_words, main"
    )
    assert import_line(entry("pkg/__main__.py", "main")) == ""
    assert import_line(entry("README.md")) == ""
    assert import_line(entry("empty.py")) == ""


def test_file_kinds_and_how_a_script_runs_each_file() -> None:
    from repowright.generate.prompt import file_kind, run_line

    kinds = {p: file_kind(p) for p in ("reproduce.sh", "README.md", "pkg/__main__.py",
                                        "tests/test_a.py", "pkg/a.py", "data.json")}  # fmt: skip
    assert list(kinds.values()) == ["shell", "markdown", "main", "test", "python", "other"]
    assert run_line("pkg/__main__.py") == "python -m pkg"
    assert run_line("src/pkg/cli.py") == "python -m pkg.cli"
    assert run_line("wordfreq.py") == "python wordfreq.py"
    assert run_line("tests/test_a.py") == "python -m pytest -q tests/test_a.py"


def test_a_description_becomes_one_requirement_per_sentence_or_clause() -> None:
    from repowright.generate.prompt import points

    text = (
        '`decode(text: str) -> str` reverses it (`"12a"` -> twelve `a`; counts); a zero count '
        "raises `ValueError`. Values e.g. 0.5 stay. `fit` returns `self.`"
    )
    assert points(text) == [
        '`decode(text: str) -> str` reverses it (`"12a"` -> twelve `a`; counts)',
        "a zero count raises `ValueError`.",
        "Values e.g. 0.5 stay.",
        "`fit` returns `self.`",
    ]
    assert points("") == []


def test_a_code_prompt_lists_each_requirement_under_its_symbol() -> None:
    from repowright.generate.prompt import PromptInputs, build_messages

    said = "`encode(s)` writes runs; a digit raises `ValueError`."
    code = FileSpec(
        path="rle.py",
        purpose="codec",
        interface=[Symbol(name="encode", signature="encode(s)", description=said)],
    )
    bp = Blueprint(project_name="rle", files=[code])
    text = build_messages(PromptInputs(bp, code, "codemem", {}, {}, {}, None, None, 4000))[0]
    expected = (
        "- function `encode(s)`\n  - `encode(s)` writes runs\n  - a digit raises `ValueError`."
    )
    assert expected in text[-1].content


def test_a_program_prompt_carries_the_document_commands_that_run_it() -> None:
    from repowright.generate.prompt import PromptInputs, build_messages
    from tests.blueprint.helpers import document

    spec = (
        "A Python module `rle.py`.\n\n- `encode(data)` writes runs.\n"
        "- `python rle.py encode TEXT` and `python rle.py decode TEXT` print the result.\n"
        "- `python -m other` is another program.\n"
    )
    doc = document("RLE", [("RLE", spec)])
    code = FileSpec(path="rle.py", purpose="codec")
    tests = FileSpec(path="tests/test_rle.py", purpose="tests")
    bp = Blueprint(project_name="rle", files=[code, tests])

    def prompt(file: FileSpec) -> str:
        inputs = PromptInputs(bp, file, "codemem", {}, {}, {}, doc, None, 4000)
        return build_messages(inputs)[0][-1].content

    wanted = "- `python rle.py encode TEXT` and `python rle.py decode TEXT` print the result."
    assert wanted in prompt(code) and "python -m other" not in prompt(code).split("program:")[1]
    assert "runs this file as a program" not in prompt(tests)


def test_python_files_of_a_document_about_array_code_get_the_array_rules() -> None:
    from repowright.generate.prompt import PromptInputs, build_messages
    from tests.blueprint.helpers import document

    code = FileSpec(path="logreg.py", purpose="model")
    tests = FileSpec(path="tests/test_logreg.py", purpose="tests")
    readme = FileSpec(path="README.md", purpose="docs")
    bp = Blueprint(project_name="logreg", files=[code, tests, readme])

    def prompt(file: FileSpec, text: str) -> str:
        doc = document("LR", [("Method", text)])
        inputs = PromptInputs(bp, file, "codemem", {}, {}, {}, doc, None, 4000)
        return build_messages(inputs)[0][-1].content

    numpy = "A minimal NumPy implementation: ∇w = Xᵀ(p − y)/n."
    rule = "`*` multiplies elementwise"
    assert rule in prompt(code, numpy) and rule in prompt(tests, numpy)
    assert rule not in prompt(readme, numpy)
    assert rule not in prompt(code, "A todo list stored in a JSON file.")


def test_drift_compares_a_planned_signature_written_without_def() -> None:
    spec = FileSpec(
        path="calc/parser.py",
        purpose="p",
        interface=[Symbol(name="evaluate", signature="evaluate(text: str) -> float")],
    )
    entry = MemoryEntry(
        path="calc/parser.py",
        purpose="p",
        interface=[
            InterfaceItem(
                name="evaluate", kind="function", signature="def evaluate(tokens: list) -> float"
            )
        ],
    )
    assert detect_drift(spec, entry).changed == ["evaluate: planned (text) != actual (tokens)"]


def test_only_a_stated_signature_that_a_call_may_not_fit_counts_as_changed() -> None:
    spec = FileSpec(
        path="m.py",
        purpose="p",
        interface=[
            Symbol(name="f", signature="f(text: str) -> float"),
            Symbol(name="g", signature="g(x)"),  # the planner's, not the document's
        ],
    )
    document = "`f(text: str) -> float` evaluates."

    def changes(source: str) -> list[tuple[int, str]]:
        return stated_changes(spec, ast.parse(source), document)

    assert changes(
        "import re\n\n\ndef f(tokens: list) -> float:\n    pass\n\n\ndef g(y, z):\n    pass\n"
    ) == [(4, "`f(tokens)` where the document states `f(text: str) -> float`")]
    assert changes("def f(text):\n    pass\n") == []
    assert changes("def f(s: str) -> float:\n    pass\n") == []  # renamed, called the same
    assert changes("def f(text, strict=False):\n    pass\n") != []
    wrapped = "`f(text: str)\n  -> float` evaluates."
    assert stated_changes(spec, ast.parse("def f(tokens: list):\n    pass\n"), wrapped) != []
    assert stated_signatures([spec], wrapped) == {"f": "f(text: str) -> float"}


def test_a_code_prompt_shows_the_tags_its_dependencies_build_objects_with() -> None:
    from repowright.generate.prompt import PromptInputs, build_messages

    lexer = FileSpec(path="calc/lexer.py", purpose="tokens")
    parser = FileSpec(path="calc/parser.py", purpose="parse", dependencies=[lexer.path])
    bp = Blueprint(project_name="calc", files=[lexer, parser])
    entry = MemoryEntry(path=lexer.path, purpose="tokens", builds=["Token(kind='op'|'number')"])
    inputs = PromptInputs(bp, parser, "codemem", {lexer.path: entry}, {}, {}, None, None, 4000)
    text = build_messages(inputs)[0][-1].content
    assert "compare with exactly these): `Token(kind='op'|'number')`" in text
