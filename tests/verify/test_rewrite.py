"""Whole-file repair: whom it blames, what the model is shown, which replies are used."""

from __future__ import annotations

from pathlib import Path

import pytest

from repowright.artifacts.blueprint import Symbol
from repowright.artifacts.verdict import Finding, Verdict
from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.documents.build import build_document
from repowright.models.scripted import ScriptedModel
from repowright.prompts import chat
from repowright.verify.candidates import (
    REPLY_FLOOR,
    SEARCH_SAMPLES,
    SEARCH_TEMPERATURE,
    candidates,
)
from repowright.verify.loop import repair_loop
from repowright.verify.repair import Repairer
from repowright.verify.retest import failing_functions, splice_functions
from repowright.verify.rewrite import (
    NO_BETTER,
    TRADES_VALUES,
    WHOLE_MAX_LINES,
    Rewriter,
)
from repowright.verify.rounds import failing_findings
from tests.verify.helpers import MINI, blueprint_for
from tests.verify.test_repair import UNDEFINED, edit, setup

SPEC = "# Mini\n\n## Adding\n\n`add(a, b)` returns the sum of a and b.\n"
FIXED = "def add(a: int, b: int = 0) -> int:\n    return a + b\n"


def fenced(code: str) -> str:
    return f"Here is the fixed file:\n```python\n{code}```\nThis fixes the bug."


async def test_the_failing_module_is_rewritten_whole(tmp_path: Path) -> None:
    files = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    repo, verifier = setup(tmp_path, files)
    model = ScriptedModel([fenced(FIXED)])
    doc = build_document(SPEC, source="spec.md", kind="markdown")
    repairer = Repairer(model, repo, blueprint_for(MINI), doc=doc)
    outcome = await repair_loop(verifier.verify, repairer, 3)
    assert outcome.stop_reason == "all checks passed", outcome
    assert Verdict.from_checks(outcome.checks).verified
    assert (repo / "mini/core.py").read_text() == FIXED  # prose and fence cut away
    assert [r.tag for r in model.requests] == ["verify_rewrite:mini/core.py"]
    prompt = model.requests[0].messages[-1].content
    assert "return a - b" in prompt  # the current file
    assert model.requests[0].max_tokens == REPLY_FLOOR  # a runaway reply is cut short
    assert "def test_add():" in prompt  # the failing test's code
    assert "returns the sum of a and b" in prompt  # the document
    assert "tests/test_core.py::test_add" in prompt


async def test_a_reply_that_does_not_parse_falls_back_to_edits(tmp_path: Path) -> None:
    files = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    repo, verifier = setup(tmp_path, files)
    broken = fenced("def add(a, b):\n    return a +* b\n\n\nX = 1\n")
    model = ScriptedModel([broken, broken, edit("mini/core.py", "a - b", "a + b")])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint_for(MINI)), 3)
    assert outcome.stop_reason == "all checks passed"
    edits = outcome.rounds[0].edits
    assert not edits[0].ok and "does not parse" in edits[0].error
    rewrite = "verify_rewrite:mini/core.py"
    assert [r.tag for r in model.requests] == [rewrite, rewrite, "verify_repair"]
    assert [r.temperature for r in model.requests[:2]] == [0.0, 0.7]  # the retry samples


async def test_the_next_round_rewrites_the_next_file_to_blame(tmp_path: Path) -> None:
    """The code's rewrite did not parse and no edit applied: the loop goes on, and the next
    round asks for the test that calls it, not for the code again."""
    files = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    repo, verifier = setup(tmp_path, files)
    broken = fenced("def add(a, b):\n    return a +* b\n")
    fixed_test = "from mini.core import add\n\n\ndef test_add():\n    assert add(3, 2) == 1\n"
    nothing = {"analysis": "unsure", "edits": []}
    model = ScriptedModel([broken, broken, nothing, fenced(fixed_test)])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint_for(MINI)), 3)
    rewrite = "verify_rewrite:"
    assert [r.tag for r in model.requests] == [
        *[f"{rewrite}mini/core.py"] * 2,
        "verify_repair",
        f"{rewrite}tests/test_core.py",
    ]
    assert [(r.round, r.applied) for r in outcome.rounds] == [(1, 0), (2, 1)]
    assert (repo / "tests/test_core.py").read_text() == fixed_test


async def test_an_unchanged_reply_is_sampled_again(tmp_path: Path) -> None:
    wrong = MINI["mini/core.py"].replace("a + b", "a - b")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": wrong})
    model = ScriptedModel([fenced(wrong), fenced(FIXED)])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint_for(MINI)), 3)
    assert outcome.stop_reason == "all checks passed"
    assert (repo / "mini/core.py").read_text() == FIXED


async def test_a_long_file_gets_edits(tmp_path: Path) -> None:
    long = MINI["mini/core.py"].replace("a + b", "a - b") + "\n" * WHOLE_MAX_LINES + "X = 1\n"
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": long})
    model = ScriptedModel([edit("mini/core.py", "return a - b", "return a + b")])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint_for(MINI)), 3)
    assert outcome.stop_reason == "all checks passed"
    assert [r.tag for r in model.requests] == ["verify_repair"]


async def test_a_rewrite_that_drops_a_planned_name_is_not_used(tmp_path: Path) -> None:
    # a module-level line, in no function: the file is rewritten whole
    files = {**MINI, "mini/core.py": MINI["mini/core.py"] + "\n\nTOTAL = add(1, 2) - total\n"}
    repo, verifier = setup(tmp_path, files)
    blueprint = blueprint_for(MINI)
    blueprint.file("mini/core.py").interface = [Symbol(name="add")]
    plus = fenced("def plus(a, b):\n    return a + b\n")
    model = ScriptedModel([plus, plus, {"edits": []}])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint), 1)
    assert "drops planned names: add" in outcome.rounds[0].edits[0].error
    assert (repo / "mini/core.py").read_text() == files["mini/core.py"]


async def test_a_finding_in_the_file_quotes_its_line(tmp_path: Path) -> None:
    repo, verifier = setup(tmp_path, UNDEFINED)
    model = ScriptedModel([fenced(FIXED)])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint_for(MINI)), 1)
    assert outcome.stop_reason == "all checks passed"
    assert "That line is: `return a + c`" in model.requests[0].messages[-1].content


async def test_when_the_code_comes_back_unchanged_the_test_is_rewritten_in_the_same_round(
    tmp_path: Path,
) -> None:
    """The code is right and the test expects what the document never said: the code's
    rewrite comes back unchanged, so the test gets its turn instead of ending the repair."""
    wrong_test = MINI["tests/test_core.py"].replace("== 3", "== 4")
    repo, verifier = setup(tmp_path, {**MINI, "tests/test_core.py": wrong_test})
    code = MINI["mini/core.py"]
    model = ScriptedModel([fenced(code), fenced(code), fenced(MINI["tests/test_core.py"])])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint_for(MINI)), 1)
    assert outcome.stop_reason == "all checks passed", outcome
    assert [r.tag for r in model.requests] == [
        "verify_rewrite:mini/core.py",
        "verify_rewrite:mini/core.py",
        "verify_rewrite:tests/test_core.py",
    ]
    assert outcome.rounds[0].analysis == "rewrote mini/core.py, tests/test_core.py"


async def test_failing_test_functions_are_rewritten_alone(tmp_path: Path) -> None:
    """A small model asked for a whole test file copies it back; asked for the failing
    function, it writes that one anew and every other line stays as it was."""
    tests = (
        "import pytest\n\nfrom mini.core import add\n\n\n@pytest.fixture\ndef two():\n"
        "    return 2\n\n\ndef test_add(two):\n    assert add(1, two) == 3\n\n\n"
        "def test_zero():\n    assert add(0) == 1\n"
    )
    repo, verifier = setup(tmp_path, {**MINI, "tests/test_core.py": tests})
    code = MINI["mini/core.py"]
    reply = fenced("import math\n\n\ndef test_zero():\n    assert add(0) == math.floor(0.5)\n")
    model = ScriptedModel([fenced(code), fenced(code), reply])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, blueprint_for(MINI)), 1)
    assert outcome.stop_reason == "all checks passed", outcome
    prompt = model.requests[2].messages[-1].content
    assert "Write the failing test function `test_zero` again" in prompt
    rest = prompt.split("The rest of `tests/test_core.py`")[1].split("```")[1]
    assert "def test_add(two):" in rest and "test_zero" not in rest
    assert "assert add(0) == 1" in prompt  # the failing function, beside its failure
    assert (repo / "tests/test_core.py").read_text() == tests.replace(
        "from mini.core import add\n", "from mini.core import add\nimport math\n"
    ).replace("assert add(0) == 1", "assert add(0) == math.floor(0.5)")


def test_splicing_keeps_decorators_and_refuses_a_reply_without_the_function() -> None:
    source = "import pytest\n\n\n@pytest.mark.slow\ndef test_a():\n    assert 1 == 2\n\n\nX = 1\n"
    reply = "@pytest.mark.parametrize('n', [1])\ndef test_a(n):\n    assert n == 1\n"
    assert splice_functions(source, ["test_a"], reply) == (
        "import pytest\n\n\n@pytest.mark.parametrize('n', [1])\ndef test_a(n):\n"
        "    assert n == 1\n\n\nX = 1\n"
    )
    assert splice_functions(source, ["test_a"], "def test_b():\n    pass\n") is None
    assert splice_functions(source, ["test_a"], "def test_a(:\n") is None
    plain = "def test_a():\n    assert 2 == 2\n"
    assert splice_functions(source, ["test_a"], plain) == source.replace("1 == 2", "2 == 2")


def test_splicing_keeps_the_helpers_the_reply_adds() -> None:
    """A parser rewritten right is `evaluate` plus its helpers; a function asked for and left
    out, and one the file already has, stay as they are; no new test comes in."""
    source = (
        "import re\n\n\ndef tokens(t):\n    return t.split()\n\n\n"
        "def evaluate(t):\n    return parse(tokens(t))\n\n\ndef parse(ts):\n    return ts[0]\n"
    )
    reply = (
        "import math\n\nPRECEDENCE = {'+': 1}\n\n\ndef tokens(t):\n    return []\n\n\n"
        "def _expr(ts):\n    return sum(map(float, ts[::2]))\n\n\n"
        "def evaluate(t):\n    return _expr(tokens(t))\n\n\ndef test_x():\n    assert 1\n"
    )
    spliced = splice_functions(source, ["evaluate", "parse"], reply)
    assert spliced is not None
    assert "def tokens(t):\n    return t.split()" in spliced and "return []" not in spliced
    assert "PRECEDENCE = {'+': 1}\n\n\ndef _expr(ts):" in spliced and "test_x" not in spliced
    assert spliced.index("def _expr") < spliced.index("def evaluate") < spliced.index("def parse")
    assert "import math" in spliced and "return _expr(tokens(t))" in spliced
    namespace: dict[str, object] = {}
    exec(spliced, namespace)
    assert namespace["evaluate"]("1 + 2") == 3.0  # type: ignore[operator]


@pytest.mark.parametrize("first", ["    assert add(1, 2) == 5", "    add(1, 2)"])
async def test_a_rewritten_test_is_run_and_the_first_passing_candidate_kept(
    tmp_path: Path, first: str
) -> None:
    """Candidates for a failing test function are run in the sandbox: one that still fails
    is not kept while a later sample passes, nor one that checks nothing (it would pass
    against any code)."""
    wrong = MINI["tests/test_core.py"].replace("== 3", "== 4")
    repo, verifier = setup(tmp_path, {**MINI, "tests/test_core.py": wrong})
    code = MINI["mini/core.py"]
    still = fenced(f"def test_add():\n{first}\n")
    right = fenced("def test_add():\n    assert add(1, 2) == 3\n")
    model = ScriptedModel([fenced(code)] * 5 + [still, right])
    repairer = Repairer(model, repo, blueprint_for(MINI), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 1)
    assert outcome.stop_reason == "all checks passed", outcome
    assert [r.temperature for r in model.requests[5:]] == [0.0, 0.0]
    fresh = model.requests[6].messages[-1].content  # written without the failing code
    assert "== 4" not in fresh and "These checks fail" not in fresh
    assert "Write the test function `test_add` for this file, from scratch" in fresh
    assert "add(1, 2) == 3" in (repo / "tests/test_core.py").read_text()


async def test_when_no_candidate_does_better_the_test_stays_as_it_was(tmp_path: Path) -> None:
    """Four test candidates that fail as the test does are all dropped: the file is kept as it
    was and the round goes on to edits."""
    wrong = MINI["tests/test_core.py"].replace("== 3", "== 4")
    repo, verifier = setup(tmp_path, {**MINI, "tests/test_core.py": wrong})
    code = MINI["mini/core.py"]
    five, six = (fenced(f"def test_add():\n    assert add(1, 2) == {n}\n") for n in (5, 6))
    fix = edit("tests/test_core.py", "== 4", "== 3")
    model = ScriptedModel([fenced(code)] * 5 + [five, six, six, six, fix])
    repairer = Repairer(model, repo, blueprint_for(MINI), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 1)
    assert len(model.requests) == 10  # five code candidates (unchanged), four test ones, edits
    test_edit = outcome.rounds[0].edits[1]
    assert (test_edit.file, test_edit.ok) == ("tests/test_core.py", False)
    assert test_edit.error == NO_BETTER
    assert outcome.stop_reason == "all checks passed", outcome


async def test_code_candidates_are_run_against_the_failing_tests(tmp_path: Path) -> None:
    """A rewrite of the code under test that still fails its tests is not kept while a later
    one passes; the focused candidate and the fresh ones (greedy, then sampled) are written
    without the current code, the focused one shown only the file's signatures."""
    wrong = MINI["mini/core.py"].replace("a + b", "a - b")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": wrong})
    still = fenced(MINI["mini/core.py"].replace("a + b", "a * b"))
    model = ScriptedModel([still, still, still, fenced(FIXED)])
    repairer = Repairer(model, repo, blueprint_for(MINI), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 1)
    assert outcome.stop_reason == "all checks passed", outcome
    assert [r.temperature for r in model.requests] == [0.0, 0.0, 0.0, 0.7]
    focused = model.requests[1].messages[-1].content
    assert "a - b" not in focused and "Current content" not in focused
    assert "def test_add():" in focused and "Write the function `add` so that" in focused
    fresh = model.requests[2].messages[-1].content
    assert "a - b" not in fresh and "Current content" not in fresh
    assert "def test_add():" in fresh and "Write the function `add` anew" in fresh
    assert (repo / "mini/core.py").read_text() == FIXED


async def test_a_failing_function_is_rewritten_alone(tmp_path: Path) -> None:
    """The failing test calls `add`: only `add` is asked for and replaced; `sub`, which the
    reply breaks, stays as it was."""
    sub = "\n\ndef sub(a: int, b: int) -> int:\n    return a - b\n"
    wrong = MINI["mini/core.py"].replace("a + b", "a - b") + sub
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": wrong})
    reply = fenced(FIXED + sub.replace("a - b", "a * b"))
    model = ScriptedModel([reply])
    repairer = Repairer(model, repo, blueprint_for(MINI), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 1)
    assert outcome.stop_reason == "all checks passed", outcome
    prompt = model.requests[0].messages[-1].content
    assert "Its current `add`" in prompt and "def sub(a: int, b: int)" in prompt
    assert "Write the function `add` again" in prompt
    assert (repo / "mini/core.py").read_text() == FIXED + sub


TWO_TESTS = {
    **MINI,
    "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b"),
    "tests/test_core.py": MINI["tests/test_core.py"]
    + "\n\ndef test_two():\n    assert add(2, 2) == 4\n",
}


async def rewrite_core(tmp_path: Path, replies: list[str]) -> str:
    """Rewrite mini/core.py (failing both tests of TWO_TESTS) with these candidates."""
    repo, verifier = setup(tmp_path, TWO_TESTS)
    found = failing_findings(await verifier.verify())
    replies += replies[-1:] * SEARCH_SAMPLES  # none passes: the search samples them all
    model = ScriptedModel([fenced(MINI["mini/core.py"].replace("a + b", r)) for r in replies])
    rewriter = Rewriter(model, repo, blueprint_for(MINI), None, 12_000)
    rewriter.probe = verifier.failures
    why = await rewriter.rewrite("mini/core.py", found, {})
    assert len(model.requests) == len(replies)  # each candidate tried
    return why or (repo / "mini/core.py").read_text()


async def test_the_code_candidate_with_fewer_failures_is_kept(tmp_path: Path) -> None:
    # a * b and a ** b each fail one test of two (the file fails both); a - b + 1 fails both
    kept = await rewrite_core(tmp_path, ["a - b + 1", "a * b", "a ** b", "a - b - 1", "b - a"])
    assert "return a * b" in kept


async def test_candidates_no_better_than_the_file_leave_it_as_it_was(tmp_path: Path) -> None:
    worse = ["a - b + 1", "a // 0", "b - a", "a - b - 1", "a - b - 2"]
    assert await rewrite_core(tmp_path, worse) == NO_BETTER
    assert "return a - b\n" in (tmp_path / "repo/mini/core.py").read_text()


async def test_a_test_rewrite_that_drops_the_documents_examples_is_refused(
    tmp_path: Path,
) -> None:
    """The document quotes `"12"`: a rewritten test that no longer checks it (and so passes
    against code that is wrong) is not used."""
    test = 'from mini.core import add\n\n\ndef test_add():\n    assert str(add(10, 2)) == "12"\n'
    wrong = MINI["mini/core.py"].replace("a + b", "a - b")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": wrong, "tests/test_core.py": test})
    found = failing_findings(await verifier.verify())
    weakened = fenced('def test_add():\n    assert str(add(10, 2)) == "8"\n')
    spec = '# Mini\n\n`add(10, 2)` printed is `"12"`.\n'
    doc = build_document(spec, source="spec.md", kind="markdown")
    rewriter = Rewriter(ScriptedModel([weakened] * 4), repo, blueprint_for(MINI), doc, 12_000)
    rewriter.probe = verifier.failures
    why = await rewriter.rewrite("tests/test_core.py", found, {})
    assert why == "the rewrite drops the document's examples: '12'"
    assert (repo / "tests/test_core.py").read_text() == test


@pytest.mark.parametrize(("spec", "shown"), [("A NumPy `add`.", True), ("An `add`.", False)])
def test_a_python_rewrite_for_a_document_about_array_code_gets_the_array_rules(
    tmp_path: Path, spec: str, shown: bool
) -> None:
    doc = build_document(f"# Mini\n\n{spec}\n", source="spec.md", kind="markdown")
    rewriter = Rewriter(ScriptedModel([]), tmp_path, blueprint_for(MINI), doc, 12_000)
    context = rewriter.context("mini/core.py", MINI["mini/core.py"], [], {})
    prompt = chat("verify_rewrite_system", "verify_rewrite_user", **context, fresh=False)
    assert ("`*` multiplies elementwise" in prompt[-1].content) is shown


async def test_a_code_candidate_that_breaks_a_document_example_loses(tmp_path: Path) -> None:
    """The model's test expects `add(1, 2) == 4`; the document's example says 3. A rewrite
    that pleases the model's test breaks the example: it is not kept, the test is rewritten."""
    example = (
        "from mini.core import add\n\n\ndef test_add_example_1():\n    assert add(1, 2) == 3\n"
    )
    wrong = MINI["tests/test_core.py"].replace("== 3", "== 4")
    files = {**MINI, "tests/test_core.py": wrong, EXAMPLES_PATH: example}
    repo, verifier = setup(tmp_path, files)
    pleasing = fenced(MINI["mini/core.py"].replace("a + b", "a + b + 1"))
    right = fenced("def test_add():\n    assert add(1, 2) == 3\n")
    model = ScriptedModel([pleasing] * (5 + SEARCH_SAMPLES) + [right])
    repairer = Repairer(model, repo, blueprint_for(files), probe=verifier.failures)
    outcome = await repair_loop(verifier.verify, repairer, 1)
    assert outcome.stop_reason == "all checks passed", outcome
    assert (repo / "mini/core.py").read_text() == MINI["mini/core.py"]
    assert "add(1, 2) == 3" in (repo / "tests/test_core.py").read_text()


RANGE_TESTS = {
    **MINI,
    "tests/test_core.py": (
        "import pytest\n\nfrom mini.core import add\n\n\ndef test_add():\n"
        "    assert add(1, 2) == 3\n\n\ndef test_negative():\n    with pytest.raises(ValueError):\n"
        "        add(-1, 2)\n\n\ndef test_big():\n    with pytest.raises(ValueError):\n"
        "        add(100, 1)\n"
    ),
}


async def test_a_candidate_that_raises_on_everything_is_refused(tmp_path: Path) -> None:
    """It passes the two tests of bad input and fails the one of a value that passed: fewer
    failures, and worse code."""
    repo, verifier = setup(tmp_path, RANGE_TESTS)
    found = failing_findings(await verifier.verify())
    everything = "def add(a: int, b: int = 0) -> int:\n    raise ValueError(a)\n"
    model = ScriptedModel([fenced(everything)] * (5 + SEARCH_SAMPLES))
    rewriter = Rewriter(model, repo, blueprint_for(MINI), None, 12_000)
    rewriter.probe = verifier.failures
    assert await rewriter.rewrite("mini/core.py", found, {}) == TRADES_VALUES
    assert (repo / "mini/core.py").read_text() == MINI["mini/core.py"]
    checks = "    if not 0 <= a < 100:\n        raise ValueError(a)\n"
    right = MINI["mini/core.py"].replace("    return", checks + "    return")
    rewriter.model = ScriptedModel([fenced(everything), fenced(right)])
    assert await rewriter.rewrite("mini/core.py", found, {}) == ""
    assert (repo / "mini/core.py").read_text() == right


def test_a_fresh_candidate_is_not_shown_the_failing_line_and_a_test_is_shown_once(
    tmp_path: Path,
) -> None:
    """A fresh function candidate copied `count = int(text[i:])` back from the failure's
    quoted line; a parametrized test failing for six inputs filled the prompt six times."""
    from repowright.artifacts.verdict import Finding

    code = "def add(a: int, b: int = 0) -> int:\n    return int(str(a) + str(b))\n"
    test = "import pytest\n\n\n@pytest.mark.parametrize('n', [1, 2])\ndef test_add(n):\n"
    test += "    assert add(n, 1) == n + 1\n"
    files = {"mini/__init__.py": "", "mini/core.py": code, "tests/test_core.py": test}
    repo = tmp_path / "repo"
    for path, text in files.items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text)
    found = [
        Finding(
            file="mini/core.py",
            line=2,
            message=f"tests/test_core.py::test_add[{n}]: assert 11 == 2",
            check="tests",
        )
        for n in (1, 2)
    ]
    rewriter = Rewriter(ScriptedModel([]), repo, blueprint_for(files), None, 12_000)
    context = rewriter.context("mini/core.py", code, found, {}, ["add"])

    def prompt(fresh: bool) -> str:
        return chat("verify_rewrite_system", "verify_rewrite_user", **context, fresh=fresh)[
            -1
        ].content

    assert prompt(False).count("def test_add(n):") == 1
    assert "That line is: `return int(str(a) + str(b))`" in prompt(False)
    assert "int(str(a)" not in prompt(True) and "test_add[2]" in prompt(True)


def test_a_code_rewrite_is_told_the_standard_parser_of_the_documents_format(
    tmp_path: Path,
) -> None:
    doc = build_document(
        "# Mini\n\nAdds numbers read from CSV.\n", source="spec.md", kind="markdown"
    )
    rewriter = Rewriter(ScriptedModel([]), tmp_path, blueprint_for(MINI), doc, 12_000)
    for path, told in (("mini/core.py", True), ("tests/test_core.py", False)):
        context = rewriter.context(path, MINI[path], [], {})
        prompt = chat("verify_rewrite_system", "verify_rewrite_user", **context, fresh=False)
        assert ("`csv.reader(io.StringIO(text))`" in prompt[-1].content) is told


async def test_a_candidate_right_on_the_documents_example_wins_over_the_models_tests(
    tmp_path: Path,
) -> None:
    """The file fails the document's example and passes one of the model's (wrong) tests; the
    candidate passes the example and fails that test: as many failures each, and the example
    is what the document says, so the candidate is kept."""
    example = (
        "from mini.core import add\n\n\ndef test_add_example_1():\n    assert add(1, 2) == 3\n"
    )
    model_test = "from mini.core import add\n\n\ndef test_add():\n    assert add(2, 2) == 0\n"
    model_test += "\n\ndef test_zero():\n    assert add(0, 0) == 1\n"  # fails with both
    files = {
        **MINI,
        "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b"),
        "tests/test_core.py": model_test,
        EXAMPLES_PATH: example,
    }
    repo, verifier = setup(tmp_path, files)
    found = failing_findings(await verifier.verify())
    model = ScriptedModel([fenced(MINI["mini/core.py"])] * 5)
    rewriter = Rewriter(model, repo, blueprint_for(files), None, 12_000)
    rewriter.probe = verifier.failures
    assert await rewriter.rewrite("mini/core.py", found, {}) == ""
    assert (repo / "mini/core.py").read_text() == MINI["mini/core.py"]


async def test_while_a_document_example_fails_focused_samples_are_searched(
    tmp_path: Path,
) -> None:
    """The five candidates all fail the document's example; sampled focused candidates follow,
    each with its own seed, until one passes it."""
    example = (
        "from mini.core import add\n\n\ndef test_add_example_1():\n    assert add(1, 2) == 3\n"
    )
    files = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    files[EXAMPLES_PATH] = example
    repo, verifier = setup(tmp_path, files)
    found = failing_findings(await verifier.verify())
    wrong = fenced(MINI["mini/core.py"].replace("a + b", "a * b"))
    model = ScriptedModel([wrong] * 7 + [fenced(MINI["mini/core.py"])])
    rewriter = Rewriter(model, repo, blueprint_for(files), None, 12_000)
    rewriter.probe = verifier.failures
    assert await rewriter.rewrite("mini/core.py", found, {}) == ""
    assert (repo / "mini/core.py").read_text() == MINI["mini/core.py"]
    searched = model.requests[len(candidates("mini/core.py", True)) :]
    assert [(r.temperature, r.seed) for r in searched] == [
        (SEARCH_TEMPERATURE, s) for s in (0, 1, 2)
    ]
    assert all("These tests fail" in r.messages[-1].content for r in searched)


async def test_a_failing_model_test_is_searched_too(tmp_path: Path) -> None:
    """Only the model's own test fails (no document example): focused samples follow the usual
    candidates until one passes it. The first, shown the code, gave it back unchanged: that is
    copying, not holding it right."""
    files = {**MINI, "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b")}
    repo, verifier = setup(tmp_path, files)
    found = failing_findings(await verifier.verify())
    wrong = fenced(MINI["mini/core.py"].replace("a + b", "a * b"))
    usual = len(candidates("mini/core.py", True))
    replies = [fenced(files["mini/core.py"]), *[wrong] * usual, fenced(MINI["mini/core.py"])]
    model = ScriptedModel(replies)
    rewriter = Rewriter(model, repo, blueprint_for(files), None, 12_000)
    rewriter.probe = verifier.failures
    assert await rewriter.rewrite("mini/core.py", found, {}) == ""
    assert (repo / "mini/core.py").read_text() == MINI["mini/core.py"]
    assert [r.seed for r in model.requests[usual:]] == [0, 1]


async def test_the_search_ends_once_the_document_examples_pass(tmp_path: Path) -> None:
    """A sample passes the failing document example and not the model's (wrong) test: it is
    kept, and no more are sampled for that test."""
    example = (
        "from mini.core import add\n\n\ndef test_add_example_1():\n    assert add(1, 2) == 3\n"
    )
    files = {
        **MINI,
        "mini/core.py": MINI["mini/core.py"].replace("a + b", "a - b"),
        "tests/test_core.py": MINI["tests/test_core.py"].replace("== 3", "== 4"),
        EXAMPLES_PATH: example,
    }
    repo, verifier = setup(tmp_path, files)
    found = failing_findings(await verifier.verify())
    wrong = fenced(MINI["mini/core.py"].replace("a + b", "a * b"))
    usual = len(candidates("mini/core.py", True))
    model = ScriptedModel([wrong] * usual + [fenced(MINI["mini/core.py"])] + [wrong] * 8)
    rewriter = Rewriter(model, repo, blueprint_for(files), None, 12_000)
    rewriter.probe = verifier.failures
    assert await rewriter.rewrite("mini/core.py", found, {}) == ""
    assert (repo / "mini/core.py").read_text() == MINI["mini/core.py"]
    assert model.calls == usual + 1 < usual + SEARCH_SAMPLES


async def test_a_finding_no_test_shows_does_not_stop_candidates_from_being_run(
    tmp_path: Path,
) -> None:
    """The code is blamed for a failing test and the smoke run: the candidates are still run
    against the test, and a later right one beats the first; with nothing better, the first
    candidate as good as the file is kept (it may fix what only the smoke run sees)."""
    wrong = MINI["mini/core.py"].replace("a + b", "a - b")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": wrong})
    smoke = Finding(file="mini/core.py", line=2, message="ZeroDivisionError", check="smoke")
    found = [*failing_findings(await verifier.verify()), smoke]
    still = fenced(MINI["mini/core.py"].replace("a + b", "a * b"))
    rewriter = Rewriter(
        ScriptedModel([still, fenced(FIXED)]), repo, blueprint_for(MINI), None, 9000
    )
    rewriter.probe = verifier.failures
    assert await rewriter.rewrite("mini/core.py", found, {}) == ""
    assert (repo / "mini/core.py").read_text() == FIXED
    (repo / "mini/core.py").write_text(wrong)
    rewriter.model = ScriptedModel([still] * (5 + SEARCH_SAMPLES))
    assert await rewriter.rewrite("mini/core.py", found, {}) == ""
    assert "a * b" in (repo / "mini/core.py").read_text()
    (repo / "mini/core.py").write_text(wrong)
    rewriter.model = ScriptedModel([still] * (5 + SEARCH_SAMPLES))
    assert await rewriter.rewrite("mini/core.py", found[:-1], {}) == NO_BETTER


async def test_a_smoke_finding_elsewhere_does_not_make_the_whole_file_rewritten(
    tmp_path: Path,
) -> None:
    """The failing test calls `add`; the smoke run of reproduce.sh points at no function: `add`
    is still the one to write again. A module-level line of the file still means all of it."""
    wrong = MINI["mini/core.py"].replace("a + b", "a - b")
    repo, verifier = setup(tmp_path, {**MINI, "mini/core.py": wrong})
    found = failing_findings(await verifier.verify())
    smoke = Finding(file="reproduce.sh", message="1 failed", check="smoke")
    assert failing_functions("mini/core.py", wrong, [*found, smoke], repo) == ["add"]
    top = Finding(file="mini/core.py", line=1, message="NameError", check="smoke")
    headed = "import math\n\n\n" + wrong
    assert failing_functions("mini/core.py", headed, [*found, top], repo) == []
