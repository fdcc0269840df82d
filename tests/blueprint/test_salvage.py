from repowright.artifacts.blueprint import Blueprint, Component, FileSpec
from repowright.blueprint.salvage import safe_path, salvage_blueprint
from repowright.blueprint.validate import validate_blueprint


def test_safe_path() -> None:
    assert safe_path("../src/x.py") == "src/x.py"
    assert safe_path("/abs/./y.py") == "abs/y.py"
    assert safe_path("C:\\\\win\\\\z.py") == "win/z.py"
    assert safe_path("~/..") == ""


def test_salvage_makes_a_broken_plan_valid_and_notes_each_change() -> None:
    bp = Blueprint(
        project_name="p",
        files=[
            FileSpec(path="README.md", purpose="r"),
            FileSpec(path="reproduce.sh", purpose="r"),
            FileSpec(path="../a.py", purpose="a", dependencies=["b.py", "ghost.py"]),
            FileSpec(path="b.py", purpose="b", dependencies=["../a.py"]),
        ],
        components=[Component(name="c", files=["ghost.py"])],
        entry_points=["ghost.py", "b.py"],
    )
    assert validate_blueprint(bp)
    fixed, notes = salvage_blueprint(bp)
    assert validate_blueprint(fixed) == []
    assert fixed.entry_points == ["b.py"] and fixed.components == []
    assert any("rewrote unsafe path '../a.py'" in n for n in notes)
    assert any("broke dependency cycle" in n for n in notes)
    assert any("ghost.py" in n for n in notes)
