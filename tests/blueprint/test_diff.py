"""What a revised blueprint changed, and which files are written again because of it."""

from __future__ import annotations

from repowright.artifacts.blueprint import Blueprint, Environment, FileSpec, Package, Symbol
from repowright.blueprint.diff import confine, diff_blueprints, to_regenerate


def plan(*files: FileSpec, **kw: object) -> Blueprint:
    return Blueprint(project_name="p", files=list(files), **kw)


def spec(path: str, *deps: str, symbols: tuple[str, ...] = ()) -> FileSpec:
    interface = [Symbol(name=s, signature=f"def {s}()") for s in symbols]
    return FileSpec(path=path, purpose=path, dependencies=list(deps), interface=interface)


def test_interface_changes_reach_direct_users_only() -> None:
    old = plan(
        spec("p/core.py", symbols=("solve",)),
        spec("p/cli.py", "p/core.py"),
        spec("run.sh", "p/cli.py"),
        spec("p/util.py"),
        spec("p/gone.py"),
        spec("p/uses_gone.py", "p/gone.py"),
    )
    new = plan(
        spec("p/core.py", symbols=("solve", "check")),
        spec("p/cli.py", "p/core.py"),
        spec("run.sh", "p/cli.py"),
        spec("p/util.py", "p/extra.py"),
        spec("p/extra.py"),
        spec("p/uses_gone.py"),
    )
    changes = diff_blueprints(old, new)
    assert [c.line() for c in changes] == [
        "changed p/core.py (+check)",
        "changed p/util.py (dependencies)",
        "added p/extra.py",
        "changed p/uses_gone.py (dependencies)",
        "removed p/gone.py",
    ]
    # cli uses core's new interface; run.sh only runs cli, whose interface did not change
    assert to_regenerate(new, changes) == [
        "p/core.py", "p/cli.py", "p/util.py", "p/extra.py", "p/uses_gone.py"
    ]  # fmt: skip


def test_a_changed_environment_rewrites_the_requirement_files() -> None:
    files = (spec("p/core.py"), spec("requirements.txt"), spec("README.md"))
    old = plan(*files)
    new = plan(*files, environment=Environment(packages=[Package(name="numpy")]))
    changes = diff_blueprints(old, new)
    assert [c.line() for c in changes] == ["changed environment"]
    assert to_regenerate(new, changes) == ["requirements.txt"]
    assert diff_blueprints(old, old) == []


def test_a_revision_is_confined_to_what_the_evidence_is_about() -> None:
    current = plan(
        spec("p/core.py", symbols=("solve",)),
        spec("p/cli.py", "p/core.py"),
        spec("p/other.py"),
        spec("README.md"),
    )
    revised = plan(
        spec("p/core.py", symbols=("solve", "parse")),
        spec("p/cli.py", "p/core.py", "p/new.py"),
        spec("p/new.py"),
        spec("p/other.py", symbols=("noise",)),
        spec("README.md", symbols=("readme",)),
        environment=Environment(packages=[Package(name="numpy")]),
    )
    confined, left_out = confine(current, revised, {"p/cli.py"}, set())
    assert [c.line() for c in diff_blueprints(current, confined)] == [
        "changed p/core.py (+parse)",  # cli's dependency
        "changed p/cli.py (dependencies)",
        "added p/new.py",
    ]
    assert [c.line() for c in left_out] == [
        "changed p/other.py (+noise)",
        "changed README.md (+readme)",
        "changed environment",
    ]
    allowed, _ = confine(current, revised, {"p/cli.py"}, {"environment"})
    assert allowed.environment.packages[0].name == "numpy"
