"""pytest options of plugins that are not installed, dropped without the model.

Small models write `pytest --cov=pkg` or `pytest -n auto` into reproduce.sh (or a config's
`addopts`) for plugins the project never declares, and pytest stops with `error: unrecognized
arguments: --cov=pkg` before running a test. pytest names the exact words it did not take,
so the fix is unique: delete those words from the lines that run pytest. An option given
without `=` loses the value after it too, unless that value is a path in the repository
(then it is a test path, and it stays one, even where pytest lists it among the words).
"""

from __future__ import annotations

import re
from pathlib import Path

from repowright.artifacts.verdict import Finding
from repowright.verify.dynamic import PYTEST_CONFIGS
from repowright.verify.model_free import Fix

UNRECOGNIZED = re.compile(r"error: unrecognized arguments: (?P<words>[^|]+)")
"""pytest's usage error, as the smoke and tests checks report it (lines joined by ` | `)."""
RUNS_PYTEST = re.compile(r"pytest|addopts")


def fix_plugin_options(repo: Path, findings: list[Finding]) -> tuple[list[Fix], list[Finding]]:
    """Drop the words pytest did not recognise from the file each finding names and from the
    pytest configs (whose `addopts` every pytest run reads); return the fixes made and the
    findings left for the model."""
    fixes: list[Fix] = []
    left: list[Finding] = []
    for finding in findings:
        match = UNRECOGNIZED.search(finding.message)
        if match is None:
            left.append(finding)
            continue
        words = match["words"].split()
        files = dict.fromkeys([*([finding.file] if finding.file else []), *PYTEST_CONFIGS])
        made = [fix for file in files for fix in _drop(repo, file, words)]
        if made:
            fixes += made
        else:
            left.append(finding)
    return fixes, left


def _drop(repo: Path, file: str, words: list[str]) -> list[Fix]:
    """Delete `words` from every line of `file` that runs pytest (the script's other branch
    passes the same options, untried)."""
    path = repo / file
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    fixes: list[Fix] = []
    for no, line in enumerate(lines):
        kept = _without(repo, line, words) if RUNS_PYTEST.search(line) else line
        if kept != line:
            lines[no] = kept
            fixes.append(Fix(file=file, line=no + 1, before=line.strip(), after=kept.strip()))
    if fixes:
        path.write_text("".join(lines), encoding="utf-8")
    return fixes


def _without(repo: Path, line: str, words: list[str]) -> str:
    """`line` without each of `words` (and the value after an option given without `=`)."""
    for word in words:
        if not word.startswith("-") and (repo / word).exists():
            continue  # argparse lists a path after an unknown option; pytest runs it once fixed
        takes = word.startswith("-") and "=" not in word
        value = r"(?:[ \t]+(?P<value>[^\s-]\S*))?" if takes else ""
        pattern = re.compile(rf"[ \t]+(?P<word>{re.escape(word)}){value}(?!\S)")
        match = pattern.search(line)
        if match is None:
            continue
        end = match.end()
        if match.groupdict().get("value") and (repo / match["value"]).exists():
            end = match.end("word")
        line = line[: match.start()] + line[end:]
    return line
