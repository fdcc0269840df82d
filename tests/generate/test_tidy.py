"""Generated shell scripts and requirement files lose the mistakes that have one sensible fix."""

from __future__ import annotations

import subprocess

from repowright.generate.tidy import tidy, tidy_shell

SCRIPT = """set -euo pipefail
cd "$(dirname "$0")"
python -m pytest -q
if [ "$1" == "--smoke" ]; then
    python -m pytest -q tests/test_x.py --smoke
    echo "smoke ${1}"
fi
"""


def test_positional_arguments_are_defaulted_and_pytest_gets_no_smoke_flag() -> None:
    fixed = tidy_shell(SCRIPT)
    assert fixed.startswith("#!/usr/bin/env bash\nset -euo pipefail\n")
    assert '[ "${1:-}" == "--smoke" ]' in fixed and 'echo "smoke ${1:-}"' in fixed
    assert "python -m pytest -q tests/test_x.py\n" in fixed
    assert 'cd "$(dirname "$0")"' in fixed  # $0 is always set
    runnable = fixed.replace("python -m pytest", "true")
    assert subprocess.run(["bash", "-c", runnable, "x"]).returncode == 0  # no argument: fine


def test_a_lenient_script_keeps_its_arguments() -> None:
    text = '#!/bin/sh\necho "$1"\n'
    assert tidy_shell(text) == text


def test_requirements_keep_only_what_pip_can_install() -> None:
    text = (
        "python>=3.8\nnumpy>=1.24  # arrays\njson\n-r base.txt\n"
        "This file lists the dependencies.\npytest\n"
    )
    assert tidy("requirements.txt", text) == "numpy>=1.24  # arrays\n-r base.txt\npytest\n"


def test_requirements_never_name_the_project_itself() -> None:
    own = frozenset({"lru", "my_pkg"})
    text = "lru\nmy-pkg>=1.0\nnumpy\n"
    assert tidy("requirements.txt", text, own) == "numpy\n"


def test_a_star_import_of_a_standard_module_names_what_the_file_uses() -> None:
    text = (
        "from typing import *\nfrom os.path import *\nfrom mylib import *\n\n"
        "def f(x: List[int]) -> Dict[str, int]:\n    return deque(x)\n"
    )
    fixed = tidy("graphs.py", text)
    assert fixed.startswith("from typing import Dict, List\nfrom mylib import *\n")
    assert tidy("broken.py", "from typing import *\ndef (") == "from typing import *\ndef ("


def test_module_level_tests_lose_a_self_parameter() -> None:
    text = (
        "def test_a(self, tmp_path):\n    pass\n\n\ndef test_b(self):\n    pass\n\n\n"
        "class TestC:\n    def test_c(self):\n        pass\n"
    )
    fixed = tidy("tests/test_x.py", text)
    assert "def test_a(tmp_path):" in fixed and "def test_b():" in fixed
    assert "def test_c(self):" in fixed  # a method keeps it
    assert tidy("pkg/mod.py", text) == text  # only test files


def test_other_files_are_left_alone() -> None:
    assert tidy("notes.txt", "python>=3.8\n") == "python>=3.8\n"
    assert tidy("run.sh", "") == ""
