"""The static stage: cheap checks that need no execution of generated code."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.drift import Drift
from repowright.artifacts.verdict import Check, CheckStatus, Finding
from repowright.code.python import ProjectIndex, repo_files
from repowright.generate.drift import stated_changes
from repowright.memory.stubs import stub_functions
from repowright.verify.deps import (
    IMPLICIT,
    declared_requirements,
    is_stdlib,
    missing_distribution,
    requirement_name,
)
from repowright.verify.deps import normalize as normalize_dist
from repowright.verify.links import arity_findings, guarded_imports, import_findings
from repowright.verify.members import member_findings, project_bases
from repowright.verify.persistence import unread_state
from repowright.verify.vacuous import swallowed_findings

NO_MAIN = "no-main"
"""The code of a finding that a program has no command line."""
RUFF_FATAL = "E9,F63,F7,F82"
"""Syntax errors, invalid comparisons, misplaced statements, undefined names."""
MAY_BE_EMPTY = {"__init__.py", "py.typed", ".gitkeep", "conftest.py"}
TEXT_SUFFIXES = {".py", ".sh", ".md", ".txt", ".toml", ".yaml", ".yml", ".json", ".cfg", ".ini"}


def _check(name: str, findings: list[Finding], detail: str) -> Check:
    return Check(
        name=name,
        status="failed" if findings else "passed",
        detail=detail,
        findings=findings,
        stage="static",
    )


def check_files(repo: Path, blueprint: Blueprint | None) -> Check:
    """Files the blueprint planned but that were not written; files left empty."""
    findings: list[Finding] = []
    planned = [spec.path for spec in blueprint.files] if blueprint else []
    for wanted in planned:
        if not (repo / wanted).is_file():
            findings.append(
                Finding(
                    file=wanted,
                    message="planned in the blueprint but missing",
                    check="files",
                    code="missing-file",
                )
            )
    files = repo_files(repo)
    for path in files:
        if path.name in MAY_BE_EMPTY or path.suffix not in TEXT_SUFFIXES:
            continue
        if not path.read_bytes().strip():
            findings.append(
                Finding(
                    file=path.relative_to(repo).as_posix(),
                    message="file is empty",
                    check="files",
                    code="empty-file",
                )
            )
    return _check("files", findings, f"{len(files)} files, {len(planned)} planned")


def check_compile(repo: Path, index: ProjectIndex) -> Check:
    """Every Python file parses; every shell script passes `bash -n`."""
    findings = [
        Finding(
            file=info.path,
            line=info.syntax_error.lineno,
            message=f"SyntaxError: {info.syntax_error.msg}",
            check="compile",
            code="SyntaxError",
        )
        for info in index.by_path.values()
        if info.syntax_error is not None
    ]
    scripts = repo_files(repo, ".sh")
    bash = shutil.which("bash")
    if bash:
        for script in scripts:
            rel = script.relative_to(repo).as_posix()
            done = subprocess.run(
                [bash, "-n", rel], cwd=repo, capture_output=True, text=True, timeout=30, check=False
            )
            if done.returncode != 0:
                message = done.stderr.strip().splitlines()[0] if done.stderr.strip() else "bash -n"
                findings.append(
                    Finding(file=rel, message=message, check="compile", code="ShellSyntax")
                )
    if not index.by_path and not findings:
        return Check(name="compile", status="skipped", detail="no Python files generated")
    note = f"{len(index.by_path)} Python files, {len(scripts)} shell scripts"
    return _check("compile", findings, note + ("" if bash else " (bash missing: not checked)"))


def _ruff_command() -> list[str]:
    try:
        from ruff.__main__ import find_ruff_bin

        return [find_ruff_bin()]
    except (ImportError, FileNotFoundError):
        return [sys.executable, "-m", "ruff"]


def check_lint(repo: Path, index: ProjectIndex) -> Check:
    """Ruff's fatal rules (undefined names, misplaced statements) on files that parse."""
    files = [i.path for i in index.by_path.values() if i.syntax_error is None]
    if not files:
        return Check(name="lint", status="skipped", detail="no parsable Python files")
    cmd = [
        *_ruff_command(),
        "check",
        "--isolated",
        "--no-cache",
        "--output-format",
        "json",
        "--select",
        RUFF_FATAL,
        "--exit-zero",
        *files,
    ]
    try:
        done = subprocess.run(
            cmd, cwd=repo, capture_output=True, text=True, timeout=120, check=False
        )
        results = json.loads(done.stdout or "[]")
    except (OSError, subprocess.SubprocessError, json.JSONDecodeError) as exc:
        return Check(name="lint", status="skipped", detail=f"ruff could not run: {exc}")
    findings = [
        Finding(
            file=Path(r["filename"]).resolve().relative_to(repo.resolve()).as_posix(),
            line=(r.get("location") or {}).get("row"),
            message=r.get("message", ""),
            check="lint",
            code=r.get("code") or "SyntaxError",
        )
        for r in results
    ]
    return _check("lint", findings, f"ruff {RUFF_FATAL} on {len(files)} files")


def check_cross_imports(index: ProjectIndex) -> Check:
    findings = [
        f for info in index.by_path.values() if info.tree for f in import_findings(info, index)
    ]
    return _check("cross_imports", findings, f"project imports of {len(index.by_path)} files")


def check_stubs(index: ProjectIndex, blueprint: Blueprint | None = None) -> Check:
    """Code that is not there: functions declared without code (the module imports, the call
    returns None), methods a class calls on itself but never defines, state a class saves and
    never reads back, tests that swallow the errors they would fail on, and a module the plan
    runs as a program without a `__main__` block. Not gating: the rest of the code still runs,
    and the tests say what else fails."""
    findings = [
        Finding(
            file=info.path,
            line=line,
            check="stubs",
            code="stub",
            message=f"`{name}` has no implementation (only a docstring, a comment, `pass` or "
            "NotImplementedError): write its code",
        )
        for info in index.by_path.values()
        if info.tree
        for name, line in stub_functions(info.tree)
    ]
    bases = project_bases(index)
    findings += [
        f for info in index.by_path.values() if info.tree for f in member_findings(info, bases)
    ]
    findings += [unread.finding() for unread in unread_state(index)]
    findings += [f for info in index.by_path.values() for f in swallowed_findings(info)]
    findings += _programs_without_main(index, blueprint.entry_points if blueprint else [])
    return _check("stubs", findings, f"function bodies in {len(index.by_path)} files")


def _programs_without_main(index: ProjectIndex, entry_points: list[str]) -> list[Finding]:
    """Entry points (not a package's `__main__.py`, which runs whole) with no `if __name__ ==
    "__main__":` block: `python rle.py encode aab` printed nothing and exited 0, so a smoke
    that only ran it passed, and nothing told repair that rle.py had no command line."""
    out = []
    for path in entry_points:
        info = index.by_path.get(path)
        if info is None or info.tree is None or path.endswith(("__main__.py", "__init__.py")):
            continue
        if not any(_runs_something(node) for node in info.tree.body):
            message = (
                f'{path} is run as a program but has no `if __name__ == "__main__":` block, '
                "so running it does nothing: add the command line the document describes"
            )
            out.append(Finding(file=path, message=message, check="stubs", code=NO_MAIN))
    return out


def _runs_something(node: ast.stmt) -> bool:
    """`if __name__ == "__main__":` (either side of the comparison), or a call at module level
    (a script that runs `main()` unguarded)."""
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)) or is_main_guard(node)


def is_main_guard(node: ast.stmt) -> bool:
    """`if __name__ == "__main__":`, either side of the comparison."""
    if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
        return False
    sides = [node.test.left, *node.test.comparators]
    names = {n.id for n in sides if isinstance(n, ast.Name)}
    values = {n.value for n in sides if isinstance(n, ast.Constant)}
    return names == {"__name__"} and values == {"__main__"}


def check_call_arity(index: ProjectIndex) -> Check:
    findings = [
        f for info in index.by_path.values() if info.tree for f in arity_findings(info, index)
    ]
    return _check("call_arity", findings, "calls to project functions and classes")


def third_party_imports(index: ProjectIndex) -> dict[str, tuple[str, int]]:
    """Import name -> first (file, line) of each non-stdlib, non-project, unguarded import."""
    seen: dict[str, tuple[str, int]] = {}
    for info in index.by_path.values():
        if info.tree is None:
            continue
        guarded = guarded_imports(info.tree)
        for node in ast.walk(info.tree):
            if id(node) in guarded:
                continue
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names if not index.resolve(info, a.name, 0)]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [] if index.resolve(info, node.module, 0) else [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if not is_stdlib(top) and top not in IMPLICIT:
                    seen.setdefault(name, (info.path, node.lineno))
    return seen


def check_requirements(repo: Path, index: ProjectIndex, blueprint: Blueprint | None) -> Check:
    """Third-party imports that no requirements file, pyproject or blueprint declares."""
    declared_specs = declared_requirements(repo, blueprint)
    declared = {normalize_dist(n) for s in declared_specs if (n := requirement_name(s))}
    findings: list[Finding] = []
    reported: set[str] = set()
    for name, (path, line) in sorted(third_party_imports(index).items()):
        dist = missing_distribution(name, declared)
        if dist and dist not in reported:
            reported.add(dist)
            findings.append(
                Finding(
                    file=path,
                    line=line,
                    check="requirements",
                    code="missing-dependency",
                    message=f"imports {name!r} but no requirement declares it (add {dist!r} to "
                    "requirements.txt)",
                )
            )
    detail = f"{len(declared_specs)} declared: {', '.join(declared_specs) or 'none'}"
    return _check("requirements", findings, detail)


def check_drift(drift: list[Drift] | None) -> Check:
    """Interface drift the generator recorded: informative, does not block verification."""
    if drift is None:
        return Check(name="drift", status="skipped", detail="the generator recorded no drift.json")
    findings = [
        Finding(
            file=d.path,
            message="; ".join(
                [*([f"missing {', '.join(d.missing)}"] if d.missing else []), *d.changed]
            ),
            check="drift",
            code="drift",
        )
        for d in drift
        if d.any
    ]
    status: CheckStatus = "warning" if findings else "passed"
    return Check(
        name="drift",
        status=status,
        stage="static",
        findings=findings,
        detail=f"{len(findings)} interface drifts recorded by the generator",
    )


def check_signatures(index: ProjectIndex, blueprint: Blueprint | None, document: str) -> Check:
    """Functions a call written from the document's own signature may not fit. The tests a
    small model writes follow the code it wrote, so they pass; the document's users would
    not. Not gating: the tests still say what the code does."""
    findings = [
        Finding(
            file=spec.path,
            line=line,
            check="signatures",
            code="signature",
            message=f"{said}: give it the document's parameters (and its callers and tests)",
        )
        for spec in (blueprint.files if blueprint else [])
        if (info := index.by_path.get(spec.path)) is not None and info.tree is not None
        for line, said in stated_changes(spec, info.tree, document)
    ]
    return _check("signatures", findings, "planned functions against the document's signatures")


def run_static(
    repo: Path,
    index: ProjectIndex,
    blueprint: Blueprint | None,
    drift: list[Drift] | None,
    document: str = "",
) -> list[Check]:
    return [
        check_files(repo, blueprint),
        check_compile(repo, index),
        check_lint(repo, index),
        check_cross_imports(index),
        check_call_arity(index),
        check_stubs(index, blueprint),
        check_signatures(index, blueprint, document),
        check_requirements(repo, index, blueprint),
        check_drift(drift),
    ]
