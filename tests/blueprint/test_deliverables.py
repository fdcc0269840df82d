"""Deliverables the document names are planned even when the planner forgot them."""

from __future__ import annotations

from repowright.artifacts.blueprint import Blueprint, FileSpec, Package
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.graph import topological_order

SPEC = """A Python package `rpn`. `rpn/errors.py` defines RPNError; `rpn/calc.py` evaluate().
`python -m rpn "3 4 +"` prints 7.0. Run the unit tests with `python -m pytest`.
Tests with pytest, a README.md, and a reproduce.sh that runs the tests."""


def plan(*paths: str) -> Blueprint:
    return Blueprint(
        project_name="rpn-calculator",
        files=[FileSpec(path=p, purpose="x") for p in paths],
    )


def test_entry_point_and_tests_are_added_after_the_sources() -> None:
    bp, notes = autofix_blueprint(
        plan("rpn/calc.py", "rpn/errors.py", "rpn/__init__.py"), "x", SPEC
    )
    by_path = {f.path: f for f in bp.files}
    main = by_path["rpn/__main__.py"]
    assert set(main.dependencies) == {"rpn/calc.py", "rpn/errors.py", "rpn/__init__.py"}
    tests = by_path["tests/test_rpn_calculator.py"]
    assert set(tests.dependencies) == {"rpn/calc.py", "rpn/errors.py", "rpn/__init__.py"}
    level = {p: i for i, paths in enumerate(topological_order(bp)) for p in paths}
    assert level["rpn/__main__.py"] > level["rpn/calc.py"]
    assert any("rpn/__main__.py" in n for n in notes)
    assert "pytest/__main__.py" not in by_path  # `python -m pytest` is not ours


def test_nothing_added_when_the_plan_has_them() -> None:
    paths = ["src/rpn/__init__.py", "src/rpn/__main__.py", "src/rpn/calc.py", "src/rpn/errors.py",
             "tests/test_calc.py"]  # fmt: skip
    bp, notes = autofix_blueprint(plan(*paths), "x", SPEC)
    assert sorted(f.path for f in bp.files) == sorted([*paths, "README.md", "reproduce.sh"])
    assert not any("the document names it" in n for n in notes)


def test_a_named_script_is_planned_and_no_text_changes_nothing() -> None:
    bp, _ = autofix_blueprint(plan("wordfreq_lib.py"), "x", "Run `python wordfreq.py FILE -n 3`.")
    assert "wordfreq.py" in {f.path for f in bp.files}
    bp, _ = autofix_blueprint(plan("a.py"), "x")
    assert {f.path for f in bp.files} == {"a.py", "README.md", "reproduce.sh"}


def test_files_the_document_names_are_planned() -> None:
    text = "`calc/lexer.py`: tokenize. `calc/parser.py`: evaluate. `calc/__init__.py` re-exports."
    bp, _ = autofix_blueprint(plan("calc/lexer.py", "calc/parser.py"), "x", text)
    init = {f.path: f for f in bp.files}["calc/__init__.py"]
    assert set(init.dependencies) == {"calc/lexer.py", "calc/parser.py"}


def test_readme_and_reproduce_are_written_after_what_they_run() -> None:
    bp, _ = autofix_blueprint(plan("rpn/calc.py", "rpn/__init__.py"), "x", SPEC)
    by_path = {f.path: f for f in bp.files}
    assert set(by_path["reproduce.sh"].dependencies) == {
        "rpn/__main__.py", "tests/test_rpn_calculator.py"}  # fmt: skip
    assert by_path["README.md"].dependencies == ["rpn/__main__.py"]  # tests are not usage
    level = {p: i for i, paths in enumerate(topological_order(bp)) for p in paths}
    assert level["reproduce.sh"] > level["tests/test_rpn_calculator.py"]


def test_wiring_never_closes_a_cycle() -> None:
    bp = plan("cli.py", "tests/test_cli.py")
    bp.entry_points = ["cli.py"]
    bp.files[1].dependencies = ["cli.py", "reproduce.sh"]  # a test that runs the script
    bp.files.append(FileSpec(path="reproduce.sh", purpose="x"))
    bp, _ = autofix_blueprint(bp, "x")
    assert {f.path: f for f in bp.files}["reproduce.sh"].dependencies == ["cli.py"]
    assert topological_order(bp)


def test_a_package_gets_an_init_written_after_its_modules() -> None:
    bp, notes = autofix_blueprint(plan("inventory/errors.py", "inventory/store.py"), "x")
    init = {f.path: f for f in bp.files}["inventory/__init__.py"]
    assert init.dependencies == ["inventory/errors.py", "inventory/store.py"]
    assert any("inventory/__init__.py" in n for n in notes)
    bp, notes = autofix_blueprint(plan("a.py", "tests/test_a.py"), "x")
    assert not any(f.path.endswith("__init__.py") for f in bp.files)


def test_a_module_the_document_runs_but_the_plan_lacks_is_planned() -> None:
    text = "`python -m todo add x` adds an item. `python -m pytest`, `python -m http.server`."
    bp, _ = autofix_blueprint(plan("TodoManager.py", "TodoCLI.py"), "x", text)
    by_path = {f.path: f for f in bp.files}
    assert by_path["todo/__main__.py"].dependencies == ["TodoManager.py", "TodoCLI.py"]
    assert not any(p.startswith(("pytest/", "http/")) for p in by_path)


def test_entry_points_written_as_commands_become_the_files_they_run() -> None:
    draft = plan("src/todo/store.py", "train.py")
    draft.entry_points = ['python -m todo add "buy milk"', "python train.py --smoke", "serve"]
    bp, notes = autofix_blueprint(draft, "x", "`python -m todo list` lists items.")
    assert bp.entry_points == ["src/todo/__main__.py", "train.py", "serve"]
    assert any("-> 'train.py'" in n for n in notes)


def test_every_planned_file_the_document_runs_is_an_entry_point() -> None:
    text = "`python rle.py encode TEXT` prints it; `python -m pytest`; `python -m todo list`."
    bp, notes = autofix_blueprint(plan("rle.py", "src/todo/__main__.py", "util.py"), "x", text)
    assert bp.entry_points == ["rle.py", "src/todo/__main__.py"]
    assert "entry point 'rle.py' added: the document runs it" in notes


def test_a_package_named_like_the_project_is_dropped() -> None:
    draft = plan("lru/cache.py", "tests/test_cache.py")
    draft.environment.packages = [Package(name="lru"), Package(name="numpy")]
    bp, notes = autofix_blueprint(draft, "x")
    assert [p.name for p in bp.environment.packages] == ["numpy"]
    assert any("this project's own module" in n for n in notes)
