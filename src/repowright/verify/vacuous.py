"""Tests that cannot fail, named by the static checks and made able to fail without the model.

A test whose assertions sit in `try: ... except Error: pass` passes whatever the code does, so
the tests passing says nothing (`generate/vacuous.py`). Generated and rewritten files are
tidied as they are written; this catches what other edits leave, so a run never says VERIFIED
on such a test.
"""

from __future__ import annotations

import ast
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.code.python import ModuleInfo, ProjectIndex
from repowright.fsio import atomic_write
from repowright.generate.vacuous import no_swallowed_errors, swallowing
from repowright.verify.model_free import Fix, fix_each

CODE = "swallowed-error"


def swallowed_findings(info: ModuleInfo) -> list[Finding]:
    """A `stubs` finding per test function of a test file that swallows an error."""
    if info.tree is None or not is_test_file(info.path):
        return []
    return [
        Finding(
            file=info.path,
            line=node.lineno,
            check="stubs",
            code=CODE,
            message=f"`{name}` catches {_caught(node)} and does nothing, so it passes whatever "
            "the code does: use `pytest.raises` where the error is expected, else let it fail "
            "the test",
        )
        for name, node in swallowing(info.tree)
    ]


def _caught(node: ast.Try) -> str:
    return " and ".join(
        f"`{ast.unparse(h.type)}`" if h.type else "every error" for h in node.handlers
    )


def fix_swallowed(repo: Path, findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    """Rewrite each file named by a swallowed-error finding where the reading is unique."""
    return fix_each(repo, findings, _fix_one, lambda f: f.file if f.code == CODE else None)


def _fix_one(repo: Path, index: ProjectIndex, finding: Finding) -> Fix | None:
    info = index.by_path.get(finding.file or "")
    if finding.code != CODE or info is None:
        return None
    fixed = no_swallowed_errors(info.source)
    if fixed == info.source:
        return None
    atomic_write(repo / info.path, fixed)
    return Fix(
        file=info.path,
        line=finding.line or 0,
        before="try ... except: pass",
        after="a test that can fail",
    )
