"""Which verification failures point at the plan (re-planning) and which at a line of code."""

from __future__ import annotations

from repowright.artifacts.verdict import Check, Finding
from repowright.verify.plan_level import plan_findings, plan_level, plan_scope

OWN = frozenset({"calc"})


def why(message: str, check: str = "tests") -> str:
    return plan_level(Finding(message=message, check=check, file="x.py"), OWN)


def test_plan_level_failures_are_told_apart_from_code_bugs() -> None:
    assert "no planned file" in why("ModuleNotFoundError: No module named 'calc.parse'")
    assert "environment" in why("ModuleNotFoundError: No module named 'torch'")
    assert "cycle" in why("ImportError: cannot import name 'a' from partially initialized module")
    assert "entry point" in why("python: can't open file '/r/main.py': [Errno 2]", "smoke")
    assert why("TypeError: add() got an unexpected keyword argument 'command'") == ""
    assert "signature" in why("solve() takes 1 positional argument", check="call_arity")
    assert "interface" in why("AttributeError: module 'calc.ops' has no attribute 'add'")
    assert why("x", check="call_arity") and why("x", check="install")
    assert why("AssertionError: assert 3 == 4") == ""
    assert why("ZeroDivisionError: division by zero") == ""


def test_evidence_comes_from_failed_checks_only_without_repeats() -> None:
    gone = Finding(message="No module named 'calc.parse'", check="import", file="calc/cli.py")
    checks = [
        Check(name="import", status="failed", findings=[gone, gone]),
        Check(name="tests", status="failed", findings=[Finding(message="assert 1 == 2")]),
        Check(name="cross_imports", status="passed", findings=[gone]),
    ]
    [(finding, why)] = plan_findings(checks, OWN)
    assert finding == gone and why == "the code imports calc.parse, which no planned file provides"


def test_the_scope_of_a_revision_follows_what_the_findings_are_about() -> None:
    def found(message: str, check: str, file: str) -> tuple[Finding, str]:
        finding = Finding(message=message, check=check, file=file)
        return finding, plan_level(finding, OWN)

    gone = found("No module named 'calc.parse'", "import", "calc/cli.py")
    torch = found("No module named 'torch'", "import", "calc/net.py")
    script = found("python: can't open file '/r/main.py'", "smoke", "reproduce.sh")
    assert plan_scope([gone], OWN) == ({"calc/cli.py"}, set())
    assert plan_scope([gone, torch], OWN) == ({"calc/cli.py", "calc/net.py"}, {"environment"})
    assert plan_scope([script], OWN) == ({"reproduce.sh"}, {"verification", "entry_points"})
