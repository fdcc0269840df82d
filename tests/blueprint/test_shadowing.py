"""A package with the name of the module the document asks for is folded into the module."""

from __future__ import annotations

from repowright.artifacts.blueprint import Blueprint, Component, FileSpec, Symbol
from repowright.blueprint.fixes import autofix_blueprint
from repowright.blueprint.validate import validate_blueprint

SPEC = "# Roman numerals\n\nA Python module `roman.py` with `to_roman(n)` and `from_roman(s)`.\n"


def plan() -> Blueprint:
    def fn(name: str) -> list[Symbol]:
        return [Symbol(name=name, kind="function", signature=f"{name}(x)")]

    files = [
        FileSpec(path="roman.py", purpose="module", dependencies=["roman/to_roman.py"]),
        FileSpec(path="roman/to_roman.py", purpose="to", interface=fn("to_roman")),
        FileSpec(
            path="roman/from_roman.py",
            purpose="from",
            interface=fn("from_roman"),
            dependencies=["roman/to_roman.py"],
        ),
        FileSpec(path="tests/test_roman.py", purpose="tests", dependencies=["roman/from_roman.py"]),
    ]
    return Blueprint(
        project_name="roman",
        files=files,
        components=[Component(name="core", files=["roman/to_roman.py", "roman.py"])],
    )


def test_the_package_is_folded_into_the_module_the_document_names() -> None:
    fixed, notes = autofix_blueprint(plan(), document_text=SPEC)
    paths = [f.path for f in fixed.files]
    assert not [p for p in paths if p.startswith("roman/")]
    module = next(f for f in fixed.files if f.path == "roman.py")
    assert [s.name for s in module.interface] == ["to_roman", "from_roman"]
    assert module.dependencies == []
    tests = next(f for f in fixed.files if f.path == "tests/test_roman.py")
    assert tests.dependencies == ["roman.py"]
    assert fixed.components[0].files == ["roman.py"]
    assert any(
        n.startswith("folded roman/from_roman.py, roman/to_roman.py into roman.py") for n in notes
    )
    assert validate_blueprint(fixed) == []


def test_without_the_document_naming_the_module_the_planner_is_told() -> None:
    fixed, _ = autofix_blueprint(plan(), document_text="# Roman numerals\n")
    errors = [e for e in validate_blueprint(fixed) if "same import name" in e]
    assert len(errors) == 1 and errors[0].startswith("files: 'roman.py' and the package 'roman/'")


LOGREG = (
    "# Logistic regression\n\nA NumPy implementation in a module `logreg.py`.\n\n"
    "**Interface.**\n- `sigmoid(z)` elementwise, stable.\n"
    "- `class LogisticRegression(lr=0.1)` with `fit(X, y) -> self`.\n"
)


def test_a_module_named_after_a_symbol_the_document_places_elsewhere_is_folded() -> None:
    files = [
        FileSpec(path="logreg.py", purpose="model"),
        FileSpec(
            path="sigmoid.py",
            purpose="stable sigmoid",
            interface=[Symbol(name="sigmoid", kind="function", signature="sigmoid(z)")],
            dependencies=["logreg.py"],
        ),
        FileSpec(path="tests/test_logreg.py", purpose="tests", dependencies=["sigmoid.py"]),
    ]
    bp = Blueprint(project_name="logreg", files=files)
    fixed, notes = autofix_blueprint(bp, document_text=LOGREG)
    assert "sigmoid.py" not in [f.path for f in fixed.files]
    module = fixed.file("logreg.py")
    assert "sigmoid" in [s.name for s in module.interface] and module.dependencies == []
    assert fixed.file("tests/test_logreg.py").dependencies == ["logreg.py"]
    assert "folded sigmoid.py into logreg.py: the document defines `sigmoid` there" in notes
    assert validate_blueprint(fixed) == []


def test_a_module_the_document_names_is_kept_whatever_its_name() -> None:
    text = LOGREG + "- `sigmoid.py` holds the stable logistic function.\n"
    files = [FileSpec(path="logreg.py", purpose="model"), FileSpec(path="sigmoid.py", purpose="s")]
    fixed, _ = autofix_blueprint(Blueprint(project_name="logreg", files=files), document_text=text)
    assert {"logreg.py", "sigmoid.py"} <= {f.path for f in fixed.files}
