"""Turn raw failure output (tracebacks, pytest reports, shell and argparse errors) into
(file, line, message) findings pointing into the generated repository."""

from __future__ import annotations

import re
from pathlib import Path

from repowright.artifacts.verdict import Finding

FRAME = re.compile(r'File "(?P<file>[^"]+)", line (?P<line>\d+),? in (?P<func>\S+)')
SHORT_FRAME = re.compile(r"^(?P<file>[^\s:]+\.py):(?P<line>\d+): ", re.M)
BASH_ERROR = re.compile(r"^(?P<file>[^\s:]+): line (?P<line>\d+): (?P<msg>.+)$", re.M)
ARGPARSE_ERROR = re.compile(r"^(?P<prog>\S+): error: (?P<msg>.+)$", re.M)
SECTION = re.compile(r"^_{3,} (?P<name>.+?) _{3,}$", re.M)
WARNING = re.compile(r"\w+Warning\b|warnings\.warn\(")
"""Warning lines (a host pytest plugin's deprecation notice) are not why a command failed."""
NO_KEYBOARD = (
    "input() found no keyboard: programs run here without one, so take this value from the"
    " command-line arguments instead"
)
SUMMARY = re.compile(
    r"^(?P<kind>FAILED|ERROR) (?P<node>[^\s\[]+(?:\[.*?\])?)(?= - |$)(?: - (?P<msg>.*))?$", re.M
)
"""pytest's `FAILED <node id> - <message>` line. A parametrized id may hold spaces and ` - `
(`test_evaluate[(5 - 3) * 2-4]`): read as one word, most of infix's 23 failing tests were
missed and the others misnamed, so repair blamed the test file and never the parser."""


def in_repo(path: str, repo: Path) -> str | None:
    """The repo-relative POSIX path of `path`, or None when it lies outside the repository."""
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = repo / candidate
    try:
        return candidate.resolve().relative_to(repo.resolve()).as_posix()
    except (ValueError, OSError):
        return None


def repo_frame(text: str, repo: Path, newest_first: bool = False) -> tuple[str, int] | None:
    """The innermost stack frame inside the repository (tracebacks list it last)."""
    frames = [
        (rel, int(m["line"]))
        for m in FRAME.finditer(text)
        if (rel := in_repo(m["file"], repo)) is not None
    ]
    if not frames:
        return None
    return frames[0] if newest_first else frames[-1]


def exception_line(text: str) -> str | None:
    """The `Type: message` line that ends the last traceback in `text`."""
    start = text.rfind("Traceback (most recent call last):")
    if start < 0:
        return None
    for line in text[start:].splitlines()[1:]:
        if line and not line[0].isspace():
            return line.strip()
    return None


def traceback_finding(text: str, repo: Path, check: str, default_file: str | None) -> Finding:
    """One finding for a failed run: where in the repo it failed and why."""
    where = repo_frame(text, repo)
    if exc := exception_line(text):
        file, line = where or (default_file, None)
        if exc.startswith("EOFError: EOF when reading a line"):  # input() with no stdin
            exc += f" ({NO_KEYBOARD})"
        return Finding(file=file, line=line, message=exc, check=check, code=exc.split(":")[0])
    if m := ARGPARSE_ERROR.search(text):
        return Finding(
            file=default_file,
            message=f"{m['prog']}: error: {m['msg']}",
            check=check,
            code="UsageError",
        )
    for m in BASH_ERROR.finditer(text):
        if rel := in_repo(m["file"], repo):
            return Finding(
                file=rel, line=int(m["line"]), message=m["msg"], check=check, code="ShellError"
            )
    tail = [ln for ln in text.strip().splitlines() if ln.strip() and not WARNING.search(ln)][-3:]
    return Finding(
        file=default_file, message=" | ".join(tail) or "failed without output", check=check
    )


def timeout_finding(
    text: str, repo: Path, check: str, seconds: float, default: str | None
) -> Finding:
    """A timeout, located by the faulthandler dump taken just before the kill (if any)."""
    where = repo_frame(text, repo, newest_first=True)
    file, line = where or (default, None)
    return Finding(
        file=file,
        line=line,
        message=f"did not finish within {seconds:g}s (infinite loop, or too slow for this step)",
        check=check,
        code="Timeout",
    )


def _assert_detail(lines: list[str]) -> str:
    """pytest's explanation under a failed assertion (`At index 0 diff: {...} != {...}`,
    `Left contains one more item: ...`): the first line shortens both sides with `...`, these
    show what differs, which is what a repair needs to see."""
    useful = [ln for ln in lines if ln and not ln.startswith(("Use -v", "Full diff", "Omitting"))]
    return "; ".join(useful[:3])[:400]


def pytest_findings(output: str, repo: Path) -> list[Finding]:
    """One finding per failed or erroring test, located at its innermost repo frame."""
    bounds = [(m["name"], m.end()) for m in SECTION.finditer(output)]
    sections: dict[str, str] = {}
    for i, (name, start) in enumerate(bounds):
        end = output.rfind("\n", 0, bounds[i + 1][1]) if i + 1 < len(bounds) else len(output)
        sections[name] = output[start:end]
    findings: list[Finding] = []
    for m in SUMMARY.finditer(output):
        node = m["node"]
        file_part, _, test = node.partition("::")
        name = test.replace("::", ".")
        candidates = (
            name,
            f"ERROR at setup of {name}",
            f"ERROR at teardown of {name}",
            f"ERROR collecting {file_part}",
        )
        body = next((sections[c] for c in candidates if c in sections), "")
        frames = [
            (rel, int(f["line"]))
            for f in SHORT_FRAME.finditer(body)
            if (rel := in_repo(f["file"], repo)) is not None
        ]
        file, line = frames[-1] if frames else (in_repo(file_part, repo), None)
        errors = [ln[1:].strip() for ln in body.splitlines() if ln.startswith("E ")]
        message = (errors[0] if errors else "") or m["msg"] or m["kind"].lower()
        if detail := _assert_detail(errors[1:]):
            message += f" ({detail})"
        findings.append(
            Finding(
                file=file,
                line=line,
                message=f"{node}: {message}",
                check="tests",
                code="TestFailure" if m["kind"] == "FAILED" else "TestError",
            )
        )
    return findings
