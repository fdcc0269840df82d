"""validate_blueprint: every rule, with precise messages; autofix: only unambiguous repairs."""

from __future__ import annotations

import pytest

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.validate import path_problem, validate_blueprint
from tests.blueprint.helpers import file, plan


def bp(**changes) -> Blueprint:
    return Blueprint.model_validate(plan(**changes))


def with_files(*extra: dict, **changes) -> Blueprint:
    return bp(files=[*plan()["files"], *extra], **changes)


def test_sample_plan_is_valid() -> None:
    assert validate_blueprint(bp()) == []


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("", "empty path"),
        ("/etc/passwd", "absolute"),
        ("~/x.py", "absolute"),
        ("../x.py", "'..'"),
        ("a/../../x.py", "'..'"),
        ("src\\x.py", "backslash"),
        ("C:/x.py", "drive letter"),
        ("a//b.py", "empty or '.' segment"),
        ("a/./b.py", "empty or '.' segment"),
        ("pkg/", "empty or '.' segment"),
        ("a\nb.py", "control character"),
        (" a.py", "spaces"),
        (".git/config", ".git"),
    ],
)
def test_unsafe_paths(path: str, problem: str) -> None:
    found = path_problem(path)
    assert found is not None and problem in found
    assert any(path_problem(path) in e for e in validate_blueprint(with_files(file(path))))


@pytest.mark.parametrize("path", ["a.py", "src/pkg/mod.py", ".github/workflows/ci.yml", "x..y.py"])
def test_safe_paths(path: str) -> None:
    assert path_problem(path) is None


def test_duplicates_and_file_folder_clash() -> None:
    errors = validate_blueprint(with_files(file("README.md", ["x"]), file("tiny_adam")))
    assert "files: 'README.md' is listed 2 times; list each file once" in errors
    assert "files: 'tiny_adam' is a file but also a folder of 'tiny_adam/optim.py'" in errors


def test_dependency_rules() -> None:
    errors = validate_blueprint(with_files(file("a.py", ["a.py", "missing.py", "numpy"])))
    assert "a.py: depends on itself" in errors
    assert any(
        e.startswith("a.py: dependency 'missing.py' is not a file in the tree") for e in errors
    )
    assert any("'numpy' is not a file" in e and "environment.packages" in e for e in errors)


def test_cycles_are_each_reported_with_their_path() -> None:
    errors = validate_blueprint(
        with_files(
            file("a.py", ["b.py"]),
            file("b.py", ["a.py"]),
            file("c.py", ["d.py"]),
            file("d.py", ["e.py"]),
            file("e.py", ["c.py"]),
        )
    )
    cycles = [e for e in errors if e.startswith("dependency cycle")]
    assert len(cycles) == 2
    assert any("a.py -> b.py -> a.py" in c or "b.py -> a.py -> b.py" in c for c in cycles)
    assert any("c.py" in c and "d.py" in c and "e.py" in c for c in cycles)


def test_references_must_name_files_of_the_tree() -> None:
    errors = validate_blueprint(
        bp(
            components=[{"name": "core", "files": ["nope.py"]}, {"name": "empty"}],
            entry_points=["main.py"],
            plan=[{"name": "first", "files": ["later.py"]}],
        )
    )
    assert errors == [
        "component 'core': 'nope.py' is not a file in the tree",
        "component 'empty': lists no files",
        "entry_points: 'main.py' is not a file in the tree",
        "plan stage 'first': 'later.py' is not a file in the tree",
    ]


def test_required_files_and_environment() -> None:
    data = plan(
        project_name=" ",
        environment={
            "python": "latest",
            "packages": [
                {"name": "numpy>=1", "version": ""},
                {"name": "torch", "version": "2.0"},
                {"name": "Torch", "version": ""},
            ],
        },
    )
    data["files"] = [f for f in data["files"] if f["path"] not in ("README.md", "reproduce.sh")]
    data["files"][2]["dependencies"] = []
    errors = validate_blueprint(Blueprint.model_validate(data))
    assert "project_name is empty" in errors
    assert "README.md is missing from the file tree" in errors
    assert "reproduce.sh is missing from the file tree" in errors
    assert "environment.python 'latest' is not a Python version such as '3.11'" in errors
    assert any("name 'numpy>=1' is not a plain package name" in e for e in errors)
    assert any("'torch' version '2.0' is not a pip specifier" in e for e in errors)
    assert "environment.packages: 'torch' is listed 2 times" in errors


def test_minimal_model_output_becomes_valid_after_autofix() -> None:
    fixed, notes = autofix_blueprint(Blueprint(project_name="", files=[]), "My Paper: A Study")
    assert validate_blueprint(fixed) == []
    assert fixed.project_name == "my-paper-a-study"
    assert [f.path for f in fixed.files] == ["README.md", "reproduce.sh"]
    assert any("added the missing README.md" in n for n in notes)
    assert autofix_blueprint(fixed) == (fixed, [])  # idempotent: resume never rewrites


def test_autofix_applies_only_unambiguous_repairs() -> None:
    data = plan(
        environment={
            "python": "python3.10",
            "packages": [
                {"name": "numpy 1.26"},
                {"name": "scipy>=1.11"},
                {"name": "json"},
                {"name": "torch", "version": "*"},
                {"name": "torch", "version": "*"},
            ],
        },
        entry_points=["./tiny_adam/train.py", "tiny_adam/train.py"],
    )
    data["files"][1]["path"] = "./tiny_adam/optim.py"
    data["files"][2]["dependencies"] = ["./tiny_adam/optim.py", "tiny_adam/optim.py", "gone.py"]
    data["files"][0]["dependencies"] = ["tiny_adam/__init__.py"]
    data["files"].append(dict(data["files"][4]))  # exact duplicate README.md
    data["files"].append(file("tiny_adam/train.py", ["tiny_adam/__init__.py"]))  # a second entry
    fixed, notes = autofix_blueprint(Blueprint.model_validate(data))
    assert fixed.file("tiny_adam/optim.py")
    assert fixed.file("tiny_adam/train.py").dependencies == [
        "tiny_adam/optim.py",
        "gone.py",
        "tiny_adam/__init__.py",
    ]
    assert [f.path for f in fixed.files].count("tiny_adam/train.py") == 1
    assert fixed.file("tiny_adam/__init__.py").dependencies == []
    assert [f.path for f in fixed.files].count("README.md") == 1
    assert fixed.entry_points == ["tiny_adam/train.py"]
    assert fixed.environment.python == "3.10"
    assert [(p.name, p.version) for p in fixed.environment.packages] == [
        ("numpy", "==1.26"),
        ("scipy", ">=1.11"),
        ("torch", ""),
    ]
    assert any("'json'" in n and "standard library" in n for n in notes)
    # A dependency on a file that does not exist needs a judgement: left for the planner.
    assert validate_blueprint(fixed) == [
        "tiny_adam/train.py: dependency 'gone.py' is not a file in the tree (dependencies name "
        "other files of this blueprint; packages go in environment.packages)"
    ]


def test_autofix_leaves_unsafe_paths_and_cycles_alone() -> None:
    original = with_files(file("/abs.py"), file("a.py", ["b.py"]), file("b.py", ["a.py"]))
    fixed, _ = autofix_blueprint(original)
    assert fixed.file("/abs.py") and fixed.file("a.py").dependencies == ["b.py"]
    assert validate_blueprint(fixed) == validate_blueprint(original)


def test_dependencies_written_as_modules_are_resolved_or_dropped() -> None:
    from repowright.artifacts.blueprint import Package

    deps = ["rpn.errors", "csv", "numpy", "pytest", "util"]
    draft = with_files(
        file("rpn/errors.py"), file("rpn/calc.py", deps), file("main.py", ["calc.py", "rpn/errors"])
    )
    draft.environment.packages = [Package(name="numpy", version=">=1.26")]
    fixed, notes = autofix_blueprint(draft)
    assert fixed.file("rpn/calc.py").dependencies == ["rpn/errors.py", "util"]
    assert fixed.file("main.py").dependencies == ["rpn/calc.py", "rpn/errors.py"]
    assert any("'csv' (a module, not a file)" in n for n in notes)
    assert any("'rpn.errors' -> 'rpn/errors.py'" in n for n in notes)
    assert [v.split(" (")[0] for v in validate_blueprint(fixed)] == [
        "rpn/calc.py: dependency 'util' is not a file in the tree"
    ]


def test_an_algorithm_item_named_as_a_dependency_moves_to_covers() -> None:
    draft = with_files(file("graphs.py", ["eq1", "alg1"], covers=["eq1"]))
    fixed, notes = autofix_blueprint(draft, item_ids=frozenset({"eq1", "alg1"}))
    assert fixed.file("graphs.py").dependencies == []
    assert fixed.file("graphs.py").covers == ["eq1", "alg1"]
    assert "graphs.py: 'alg1' moved from dependencies to covers" in notes


def test_python_listed_as_a_package_is_dropped() -> None:
    from repowright.artifacts.blueprint import Package

    draft = with_files()
    draft.environment.packages = [Package(name="python", version=">=2.0"), Package(name="numpy")]
    fixed, notes = autofix_blueprint(draft)
    assert [p.name for p in fixed.environment.packages] == ["numpy"]
    assert "dropped 'python' from packages: it is environment.python" in notes
