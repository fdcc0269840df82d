"""Small repositories for verify tests."""

from __future__ import annotations

from pathlib import Path

from repowright.artifacts.blueprint import Blueprint, FileSpec


def write_repo(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def blueprint_for(files: dict[str, str], smoke: str = "bash reproduce.sh --smoke") -> Blueprint:
    bp = Blueprint(
        project_name="mini",
        files=[FileSpec(path=p, purpose=f"{p} of mini") for p in files],
    )
    bp.verification.smoke_command = smoke
    return bp


MINI: dict[str, str] = {
    "mini/__init__.py": "",
    "mini/core.py": "def add(a: int, b: int = 0) -> int:\n    return a + b\n",
    "mini/cli.py": (
        "import sys\n\nfrom mini.core import add\n\n\n"
        "def main() -> int:\n    print(add(int(sys.argv[1]), 2))\n    return 0\n\n\n"
        'if __name__ == "__main__":\n    raise SystemExit(main())\n'
    ),
    "tests/test_core.py": (
        "from mini.core import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n"
    ),
    "reproduce.sh": "#!/usr/bin/env bash\nset -e\npython -m mini.cli 1\n",
}
