import subprocess
import sys
from pathlib import Path

import pytest
from wordfreq import top_words

TEXT = "The cat and the hat. THE end; and it's the cat's hat!"


def test_counts_case_insensitive():
    assert top_words(TEXT, 2) == [("the", 4), ("and", 2)]


def test_ties_alphabetical():
    assert top_words("b a c b a c", 3) == [("a", 2), ("b", 2), ("c", 2)]


def test_apostrophes_kept():
    words = dict(top_words(TEXT, 20))
    assert words["it's"] == 1 and words["cat's"] == 1


def test_bad_n():
    with pytest.raises(ValueError):
        top_words("a", 0)


def test_cli(tmp_path: Path):
    f = tmp_path / "t.txt"
    f.write_text(TEXT)
    done = subprocess.run(
        [sys.executable, "wordfreq.py", str(f), "-n", "1"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert done.stdout.strip() == "the\t4"


def test_cli_missing_file(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "wordfreq.py", str(tmp_path / "nope.txt")], capture_output=True, text=True
    )
    assert done.returncode == 1 and done.stderr.strip()
