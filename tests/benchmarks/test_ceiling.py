"""The ceiling benchmark scores what the model writes for one file, the rest the reference."""

from __future__ import annotations

from pathlib import Path

from benchmarks import ceiling, e2e
from repowright.models.base import ModelRequest
from repowright.models.scripted import ScriptedModel


def test_every_file_but_reexports_is_written_alone() -> None:
    assert ceiling.written_files("infix") == ["calc/errors.py", "calc/lexer.py", "calc/parser.py"]
    assert ceiling.written_files("rle") == ["rle.py"]


def test_the_prompt_holds_the_spec_and_the_other_files_only() -> None:
    system, user = ceiling.messages("infix", "calc/parser.py")
    assert system.role == "system" and "complete file content" in system.content
    assert "Infix expression evaluator" in user.content
    assert "### calc/lexer.py" in user.content and "### calc/parser.py" not in user.content
    assert "Write the file `calc/parser.py`" in user.content


async def test_the_reference_scores_every_test_and_a_wrong_reply_does_not(tmp_path: Path) -> None:
    spec, path = "rle", "rle.py"
    right = (e2e.SPECS_DIR / spec / "reference" / path).read_text(encoding="utf-8")

    def reply(request: ModelRequest) -> str:
        wrong = "def encode(text):\n    return text\n"
        return f"```python\n{right if request.temperature == 0 else wrong}```"

    model = ScriptedModel(reply)
    total = await e2e.expected_total(spec)
    row = await ceiling.ceiling(model, spec, path, 2, total, tmp_path)
    assert row.greedy == total == row.best
    assert row.scores[1].passed < total and row.perfect == 1
    assert [r.seed for r in model.requests] == [None, 0]
    assert (tmp_path / spec / f"{path}.0").read_text(encoding="utf-8") == right
