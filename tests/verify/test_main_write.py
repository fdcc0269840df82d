"""A command line the document's commands do not fix the shape of is asked for alone."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.documents import load_text
from repowright.models.scripted import ScriptedModel
from repowright.verify.main_write import command_line, write_missing_main
from repowright.verify.repair import Repairer

CODE = (
    "from collections import Counter\n\n\n"
    "def top_words(text: str, n: int) -> list[tuple[str, int]]:\n"
    "    return Counter(text.lower().split()).most_common(n)\n"
)
DOC = (
    "# Words\n\nA module `wordfreq.py`.\n\n"
    "- `top_words(text: str, n: int)` returns the most frequent words.\n"
    "- `python wordfreq.py FILE [-n N]` prints one `word<TAB>count` line per word.\n"
)
NO_MAIN = Finding(file="wordfreq.py", message="no command line", check="stubs", code="no-main")
REPLY = (
    "```python\nimport argparse\nfrom collections import Counter\n"
    "from wordfreq import top_words\n\n\n"
    "def top_words(text, n):\n    return []\n\n\n"  # a copy of the file's function: dropped
    "def main() -> None:\n    parser = argparse.ArgumentParser()\n"
    "    parser.add_argument('file')\n    parser.add_argument('-n', type=int, default=10)\n"
    "    args = parser.parse_args()\n    with open(args.file) as f:\n"
    "        for word, count in top_words(f.read(), args.n):\n"
    "            print(f'{word}\\t{count}')\n\n\n"
    "if __name__ == '__main__':\n    main()\n```\n"
)


def _run(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "wordfreq.py", *args], cwd=repo, capture_output=True, text=True
    )


def test_the_command_line_is_asked_for_alone_and_added_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "wordfreq.py").write_text(CODE)
    (tmp_path / "words.txt").write_text("b a b")
    model, asked = ScriptedModel([REPLY]), set[str]()
    written = asyncio.run(write_missing_main(model, tmp_path, [NO_MAIN], DOC, asked))
    assert [(w.path, w.lines) for w in written] == [("wordfreq.py", 13)]
    text = (tmp_path / "wordfreq.py").read_text()
    assert text.startswith(CODE) and text.count("def top_words") == 1
    assert "from wordfreq import" not in text and text.count("from collections") == 1
    assert _run(tmp_path, "words.txt", "-n", "1").stdout == "b\t2\n"
    prompt = model.requests[0].messages[-1].content
    assert "`python wordfreq.py FILE [-n N]` prints" in prompt and "def top_words" in prompt
    again = asyncio.run(write_missing_main(model, tmp_path, [NO_MAIN], DOC, asked))
    assert again == [] and model.calls == 1  # it has a command line now


def test_a_reply_without_a_command_line_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "wordfreq.py").write_text(CODE)
    model, asked = (
        ScriptedModel(["```python\ndef top_words(text, n):\n    return []\n```"]),
        set[str](),
    )
    for _ in range(2):  # the same prompt is not asked twice
        assert asyncio.run(write_missing_main(model, tmp_path, [NO_MAIN], DOC, asked)) == []
    assert (tmp_path / "wordfreq.py").read_text() == CODE
    silent = "A module `wordfreq.py` with `top_words(text, n)`.\n"  # says nothing of running it
    assert asyncio.run(write_missing_main(model, tmp_path, [NO_MAIN], silent, set())) == []
    assert model.calls == 1


def test_a_variable_named_like_a_function_of_the_file_is_renamed(tmp_path: Path) -> None:
    reply = REPLY.replace(
        "for word, count in top_words(f.read(), args.n)",
        "top_words = top_words(f.read(), args.n)\n        for word, count in top_words",
    )
    added = command_line(reply.strip("`\npython"), "wordfreq", CODE)
    assert "top_words_result = top_words(f.read(), args.n)" in added
    assert "for word, count in top_words_result:" in added
    assert command_line(REPLY.strip("`\npython"), "wordfreq", CODE).count("top_words") == 1


def test_a_main_without_its_guard_gets_one() -> None:
    added = command_line("import sys\n\ndef main():\n    print(sys.argv)\n", "wordfreq")
    assert added.endswith('if __name__ == "__main__":\n    main()')
    assert command_line("def helper():\n    pass\n", "wordfreq") == ""
    assert command_line("def main(:\n", "wordfreq") == ""


def test_the_repairer_asks_for_it_when_no_fix_without_the_model_applies(tmp_path: Path) -> None:
    (tmp_path / "wordfreq.py").write_text(CODE)
    model = ScriptedModel([REPLY])
    record = asyncio.run(Repairer(model, tmp_path, doc=load_text(DOC)).repair([NO_MAIN], 1))
    assert record.fresh and record.applied and not record.model_free
    assert [r.tag for r in model.requests] == ["verify_main:wordfreq.py"]
    assert record.analysis == "wrote the command line of wordfreq.py"
