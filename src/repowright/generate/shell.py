"""Mechanical fixes to a generated shell script, each with only one sensible reading.

Small models write `if [ "$1" == "--smoke" ]` under `set -u` (an error when the script runs
without arguments), pass the script's own `--smoke` on to pytest (which has no such option),
or forget the shebang. None of these needs a model round trip.
"""

from __future__ import annotations

import re

_STRICT = re.compile(r"^\s*set\s+-\w*u", re.M)
_POSITIONAL = re.compile(r"\$([1-9])\b|\$\{([1-9])\}")
_PYTEST = re.compile(r"\bpytest\b")


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
