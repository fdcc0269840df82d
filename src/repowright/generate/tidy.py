"""Mechanical fixes to generated non-Python files, each with only one sensible reading.

Small models write `if [ "$1" == "--smoke" ]` under `set -u` (an error when the script runs
without arguments), pass the script's own `--smoke` on to pytest (which has no such option),
or forget the shebang; they list `python>=3.8`, `json` or a sentence in requirements.txt,
which makes `pip install -r` fail. None of these needs a model round trip.
"""

from __future__ import annotations

import re
import sys

from packaging.requirements import InvalidRequirement, Requirement

from repowright.blueprint.fixes import INTERPRETER

_STRICT = re.compile(r"^\s*set\s+-\w*u", re.M)
_POSITIONAL = re.compile(r"\$([1-9])\b|\$\{([1-9])\}")
_PYTEST = re.compile(r"\bpytest\b")


def tidy(path: str, text: str) -> str:
    """`text` as it should be written to `path` (unchanged for kinds with no mechanical fix)."""
    if not text.strip():
        return text
    name = path.rsplit("/", 1)[-1]
    if name.endswith(".sh"):
        return tidy_shell(text)
    if name.startswith("requirements") and name.endswith(".txt"):
        return tidy_requirements(text)
    return text


def tidy_shell(text: str) -> str:
    """`text` with positional arguments defaulted under `set -u`, `--smoke` kept away from
    pytest and a bash shebang when none is there."""
    if _STRICT.search(text):
        text = _POSITIONAL.sub(lambda m: "${%s:-}" % (m[1] or m[2]), text)
    lines = [
        re.sub(r"\s+--smoke\b", "", line) if _PYTEST.search(line) else line
        for line in text.splitlines()
    ]
    if lines and not lines[0].startswith("#!"):
        lines.insert(0, "#!/usr/bin/env bash")
    return "\n".join(lines) + "\n" if lines else text


def tidy_requirements(text: str) -> str:
    """`text` without lines pip cannot install: the interpreter, standard-library modules and
    anything that is not a requirement (prose). Options (`-r`, `--index-url`) and comments stay."""
    kept = []
    for line in text.splitlines():
        spec = line.split("#", 1)[0].strip()
        if spec and not spec.startswith("-") and not _installable(spec):
            continue
        kept.append(line)
    return "\n".join(kept).strip("\n") + "\n"


def _installable(spec: str) -> bool:
    try:
        name = Requirement(spec).name.lower()
    except InvalidRequirement:
        return False
    return name not in INTERPRETER and name not in sys.stdlib_module_names
