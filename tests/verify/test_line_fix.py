"""The failing statement rewritten alone: which statement, how it is spliced, what is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.artifacts.verdict import Finding
from repowright.models.scripted import ScriptedModel
from repowright.verify.line_fix import LineFixer, raised_in_code
from repowright.verify.loop import repair_loop
from repowright.verify.repair import Repairer
from repowright.verify.retest import value_checking_tests
from repowright.verify.rounds import failing_findings
from tests.verify.helpers import MINI, blueprint_for
from tests.verify.test_repair import setup
from tests.verify.test_rewrite import fenced

CODE = (
    "def add(a: int, b: int = 0) -> int:\n"
    "    values = [a, b]\n"
    "    if (a, b) < 0:\n"
    '        raise ValueError("negative")\n'
    "    return sum(values){tail}\n"
)
RIGHT = "    if a < 0 or b < 0:\n"


def found(message: str, file: str = "mini/core.py", line: int | None = 3) -> Finding:
    return Finding(file=file, line=line, message=message, check="tests")


@pytest.mark.parametrize(
    ("finding", "raised"),
    [
        (found("tests/test_core.py::test_add: TypeError: '<' not supported"), True),
        (found("tests/test_core.py::test_add: assert 1 == 3"), False),
        (found("tests/test_core.py::test_add: TimeoutError: the test ran over 20 s"), False),
        (found("tests/test_core.py::test_add: NameError: x", file="tests/test_core.py"), False),
        (found("TypeError: '<' not supported"), False),  # not a failing test
    ],
)
def test_only_an_exception_raised_in_project_code_by_a_test_is_a_statement_to_fix(
    finding: Finding, raised: bool
) -> None:
    assert bool(raised_in_code(finding)) is raised


async def test_a_passing_candidate_is_kept_after_one_that_only_moved_the_error(
    tmp_path: Path,
) -> None:
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": CODE.format(tail="")})
    moved = fenced("if a > 0 or b > 0:\n")  # raises ValueError one line later
    model = ScriptedModel([moved, fenced(RIGHT.strip() + "\n")])
    repairer = Repairer(model, repo, blueprint_for(MINI), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 1)
    assert outcome.stop_reason == "all checks passed", outcome
    assert [r.tag for r in model.requests] == ["verify_line:mini/core.py"] * 2
    assert [r.temperature for r in model.requests] == [0.0, 0.7]
    prompt = model.requests[0].messages[-1].content
    assert "if (a, b) < 0:" in prompt and "TypeError" in prompt and "def add" in prompt
    assert RIGHT in (repo / "mini/core.py").read_text()


async def test_of_candidates_that_fail_the_one_that_runs_furthest_is_kept(
    tmp_path: Path,
) -> None:
    """The greedy candidate makes the code raise at the next line, a sample at the last one:
    the sample is kept (the next round sees the last line's error)."""
    source = CODE.format(tail=" + values[2]")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": source})
    findings = failing_findings(await verifier.verify())
    replies = ["if a > 0 or b > 0:\n", RIGHT.strip() + "\n", "if (a, b) < 0:\n"]
    model = ScriptedModel([fenced(r) for r in replies])
    fixed = await LineFixer(model, repo, verifier.failures).fix(findings)
    assert fixed is not None and (fixed.path, fixed.start) == ("mini/core.py", 3)
    assert (repo / "mini/core.py").read_text() == source.replace("    if (a, b) < 0:\n", RIGHT)


async def test_when_no_candidate_helps_the_file_stays_and_the_whole_file_is_rewritten(
    tmp_path: Path,
) -> None:
    source = CODE.format(tail="")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": source})
    still = fenced("if (a, b) < 0.0:\n")  # raises the same TypeError
    whole = fenced(CODE.format(tail="").replace("    if (a, b) < 0:\n", RIGHT))
    model = ScriptedModel([still, fenced("not python("), still, whole])
    repairer = Repairer(model, repo, blueprint_for(MINI), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 1)
    assert outcome.stop_reason == "all checks passed", outcome
    tags = [r.tag for r in model.requests]
    assert tags == ["verify_line:mini/core.py"] * 3 + ["verify_rewrite:mini/core.py"]
    assert RIGHT in (repo / "mini/core.py").read_text()


async def test_a_kept_statement_that_resolves_nothing_is_followed_by_a_rewrite(
    tmp_path: Path,
) -> None:
    """The statement is fixed and the same error comes from a later line: the errors are the
    same, yet the loop goes on, and the next round rewrites the function instead of asking for
    another statement."""
    source = CODE.format(tail=" if not (a, b) < 0 else 0")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": source})
    right = fenced(CODE.format(tail="").replace("    if (a, b) < 0:\n", RIGHT))
    model = ScriptedModel([fenced(RIGHT.strip() + "\n")] * 3 + [right])
    repairer = Repairer(model, repo, blueprint_for(MINI), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 2)
    assert outcome.stop_reason == "all checks passed", outcome
    tags = [r.tag for r in model.requests]
    assert tags == ["verify_line:mini/core.py"] * 3 + ["verify_rewrite:mini/core.py"]
    assert outcome.rounds[0].stepped and not outcome.rounds[0].resolved


async def test_a_statement_already_asked_for_the_same_way_is_not_asked_again(
    tmp_path: Path,
) -> None:
    """The same prompt would get the same (cached) replies and cost a probe each."""
    source = CODE.format(tail="")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": source})
    findings = failing_findings(await verifier.verify())
    still = fenced("if (a, b) < 0.0:\n")
    model = ScriptedModel([still, still, still])
    fixer = LineFixer(model, repo, verifier.failures)
    assert await fixer.fix(findings) is None
    assert await fixer.fix(findings) is None
    assert len(model.requests) == 3
    assert (repo / "mini/core.py").read_text() == source


LOOP = (
    "def add(a: int, b: int = 0) -> int:\n"
    '    weights = {"a": 1}\n'
    "    total = 0\n"
    '    for name, value in (("a", a), ("b", b)):\n'
    "        total += value * weights[name]\n"
    "    return total\n"
)


async def test_once_the_statement_was_asked_for_what_feeds_it_is(tmp_path: Path) -> None:
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": LOOP})
    findings = failing_findings(await verifier.verify())
    same = fenced("total += value * weights.get(name)\n")  # a TypeError at the same line
    right = fenced('weights = {"a": 1, "b": 1}\n')
    model = ScriptedModel([same, same, same, right])
    fixer = LineFixer(model, repo, verifier.failures)
    assert await fixer.fix(findings) is None
    fixed = await fixer.fix(findings)
    assert fixed is not None and (fixed.start, fixed.end, fixed.line) == (2, 2, 5)
    assert "The error is raised at line 5" in model.requests[3].messages[-1].content
    assert (repo / "mini/core.py").read_text() == LOOP.replace('{"a": 1}', '{"a": 1, "b": 1}')


async def test_a_statement_that_still_raises_must_make_a_value_check_pass(tmp_path: Path) -> None:
    """Raising the expected error on every input passes the test of bad input and no other:
    not kept. A fix that passes a value check, while bad input still raises there, is."""
    source = "def add(a: int, b: int = 0) -> int:\n    total = [a, b][2]\n    return total\n"
    reject = (
        "import pytest\n\nfrom mini.core import add\n\n\n"
        'def test_rejects_text():\n    with pytest.raises(ValueError):\n        add("x", 1)\n'
    )
    files = {**MINI, "mini/core.py": source, "tests/test_reject.py": reject}
    repo, verifier = setup(tmp_path, files)
    findings = failing_findings(await verifier.verify())
    hack, right = (fenced(f"total = {code}\n") for code in ('int("v") + a + b', "a + b"))
    model = ScriptedModel([hack, right, hack])
    fixed = await LineFixer(model, repo, verifier.failures).fix(findings)
    assert fixed is not None
    assert "total = a + b" in (repo / "mini/core.py").read_text()


def test_only_an_assert_checks_a_value() -> None:
    assert value_checking_tests(
        "def test_a():\n    with pytest.raises(ValueError):\n        f()\n\n"
        "def test_b():\n    assert f() == 1\n\n"
        "def test_c():\n    np.testing.assert_allclose(f(), 1)\n"
    ) == {"test_a": False, "test_b": True, "test_c": True}
