"""Fixtures for grading tests: a tiny repository on disk (paper and rubric: tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "sort.py").write_text(
        "def bubble_sort(xs):\n    xs = list(xs)\n    for i in range(len(xs)):\n"
        "        for j in range(len(xs) - 1 - i):\n            if xs[j] > xs[j + 1]:\n"
        "                xs[j], xs[j + 1] = xs[j + 1], xs[j]\n    return xs\n"
    )
    (root / "main.py").write_text(
        "from sort import bubble_sort\n\nprint(bubble_sort([3, 1, 2, 5, 4]))\n"
        "open('result.txt', 'w').write(str(bubble_sort([3, 1, 2, 5, 4])))\n"
    )
    (root / "reproduce.sh").write_text("set -e\npython3 main.py\necho done >&2\n")
    return root
