"""A method a class calls on itself but lacks is asked for alone and added to the class."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.models.scripted import ScriptedModel
from repowright.sandbox.local import LocalSandbox
from repowright.verify.loop import repair_loop
from repowright.verify.method_fix import write_missing_methods
from repowright.verify.phase import Verifier
from repowright.verify.repair import Repairer
from tests.verify.helpers import blueprint_for, write_repo
from tests.verify.test_repair import CONFIG

BUFFER = (
    "class RingBuffer:\n"
    "    def __init__(self, capacity: int):\n"
    "        self.items = []\n"
    "        self.capacity = capacity\n\n"
    "    def pop(self):\n"
    "        if self.is_empty():\n"
    "            raise IndexError('empty')\n"
    "        return self.items.pop(0)\n"
)
TESTS = (
    "import pytest\n\nfrom ringbuffer import RingBuffer\n\n\n"
    "def test_pop_empty():\n    with pytest.raises(IndexError):\n        RingBuffer(2).pop()\n"
)
FINDING = Finding(
    file="ringbuffer.py",
    line=7,
    message="self.is_empty() calls a method RingBuffer does not define: write it",
    check="stubs",
    code="AttributeError",
)
METHOD = "Here it is:\n```python\ndef is_empty(self):\n    return not self.items\n```\n"


async def test_the_method_is_asked_for_alone_and_added_to_the_class(tmp_path: Path) -> None:
    repo = write_repo(tmp_path, {"ringbuffer.py": BUFFER})
    model, asked = ScriptedModel([METHOD]), set[str]()
    written = await write_missing_methods(model, repo, [FINDING], asked)
    assert [(w.path, w.cls, w.name) for w in written] == [
        ("ringbuffer.py", "RingBuffer", "is_empty")
    ]
    text = (repo / "ringbuffer.py").read_text()
    assert text == BUFFER + "\n    def is_empty(self):\n        return not self.items\n"
    prompt = model.requests[0].messages[-1].content
    assert "class RingBuffer:" in prompt and "`if self.is_empty():`" in prompt
    assert await write_missing_methods(model, repo, [FINDING], asked) == []  # nothing missing


async def test_a_reply_without_the_method_changes_nothing_and_is_not_asked_again(
    tmp_path: Path,
) -> None:
    repo = write_repo(tmp_path, {"ringbuffer.py": BUFFER})
    model, asked = ScriptedModel(["```python\ndef is_empty():\n    return True\n```"]), set[str]()
    assert await write_missing_methods(model, repo, [FINDING], asked) == []
    assert (repo / "ringbuffer.py").read_text() == BUFFER  # no `self`: not a method
    assert await write_missing_methods(model, repo, [FINDING], asked) == [] and model.calls == 1


async def test_repair_writes_the_missing_method_first(tmp_path: Path) -> None:
    files = {"ringbuffer.py": BUFFER, "tests/test_ringbuffer.py": TESTS}
    repo = write_repo(tmp_path / "repo", files)
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    bp = blueprint_for(files, smoke="python -m pytest -q")
    verifier = Verifier(repo, bp, sandbox, CONFIG, None)
    model = ScriptedModel([METHOD])
    outcome = await repair_loop(verifier.verify, Repairer(model, repo, bp), 3)
    assert outcome.stop_reason == "all checks passed", outcome
    assert [r.tag for r in model.requests] == ["verify_method:ringbuffer.py"]
    assert outcome.rounds[0].analysis == "wrote RingBuffer.is_empty"
