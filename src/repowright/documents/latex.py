"""LaTeX sources (a .tex file, a folder, or a .zip) -> the markdown-like intermediate.

`\\input`/`\\include` are inlined; sectioning becomes `#` headings, math environments `$$`
blocks, algorithm and table environments tagged fences, figures their captions, and the
bibliography a References section.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from repowright.errors import InputError

INPUT = re.compile(r"\\(?:input|include)\{([^}]+)\}")
COMMENT = re.compile(r"(?<!\\)%.*$", re.MULTILINE)
SECTION = re.compile(r"\\(section|subsection|subsubsection|paragraph)\*?\{")
LEVEL = {"section": "#", "subsection": "##", "subsubsection": "###", "paragraph": "####"}
MATH_ENVS = "equation|align|gather|multline|eqnarray|displaymath"
ENV = re.compile(
    r"\\begin\{(" + MATH_ENVS + r"|algorithm|algorithmic|table|figure|tabular|thebibliography)"
    r"(\*?)\}(.*?)\\end\{\1\2\}",
    re.DOTALL,
)
UNWRAP = re.compile(r"\\(?:textbf|textit|emph|texttt|textsc|mathrm|underline|url|href\{[^}]*\})\{")
DROP = re.compile(r"\\(?:label|vspace|hspace|centering|footnotemark)(\{[^}]*\})?")
MAX_DEPTH = 10


def read_sources(path: Path) -> tuple[dict[str, str], str]:
    """All .tex files by relative path, and the main file's name."""
    files: dict[str, str] = {}
    if path.suffix.lower() == ".zip":
        try:
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".tex"):
                        files[name] = archive.read(name).decode("utf-8", errors="replace")
        except zipfile.BadZipFile:
            raise InputError(f"{path}: not a valid zip archive") from None
    elif path.is_dir():
        for tex in sorted(path.rglob("*.tex")):
            files[tex.relative_to(path).as_posix()] = tex.read_text("utf-8", errors="replace")
    else:
        files[path.name] = path.read_text("utf-8", errors="replace")
    mains = [n for n, text in files.items() if "\\documentclass" in text]
    if not files:
        raise InputError(f"{path}: no .tex files found")
    return files, (mains or sorted(files))[0]


def _inline(name: str, files: dict[str, str], depth: int = 0) -> str:
    text = COMMENT.sub("", files.get(name, ""))
    if depth > MAX_DEPTH:
        return text
    base = PurePosixPath(name).parent

    def include(match: re.Match[str]) -> str:
        target = match.group(1).strip()
        for cand in (str(base / target), target):
            for option in (cand, cand + ".tex"):
                key = str(PurePosixPath(option))
                if key in files:
                    return _inline(key, files, depth + 1)
        return ""

    return INPUT.sub(include, text)


def braced(text: str, start: int) -> tuple[str, int]:
    """The `{...}` group opening at `start` (balanced), and the index after it."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == "{" and (i == 0 or text[i - 1] != "\\"):
            depth += 1
        elif text[i] == "}" and text[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                return text[start + 1 : i], i + 1
    return text[start + 1 :], len(text)


def _command_arg(text: str, command: str) -> str:
    match = re.search(r"\\" + command + r"\*?\{", text)
    return braced(text, match.end() - 1)[0].strip() if match else ""


def _environment(match: re.Match[str]) -> str:
    env, body = match.group(1), match.group(3).strip()
    if env in MATH_ENVS.split("|"):
        return f"\n\n$$\n{body}\n$$\n\n"
    if env in ("algorithm", "algorithmic"):
        return f"\n\n```algorithm\n{body}\n```\n\n"
    if env == "thebibliography":
        items = [i.strip() for i in re.split(r"\\bibitem(?:\[[^]]*\])?\{[^}]*\}", body)[1:]]
        return "\n\n# References\n\n" + "\n".join(f"- {' '.join(i.split())}" for i in items)
    caption = _command_arg(body, "caption")
    label = "Table" if env == "table" else "Figure"
    if env in ("table", "tabular") and "tabular" in body:
        return f"\n\n```table\n{caption}\n{body}\n```\n\n"
    return f"\n\n{label}: {caption}\n\n" if caption else "\n\n"


def _headings(text: str) -> str:
    out, pos = [], 0
    for match in SECTION.finditer(text):
        if match.start() < pos:
            continue
        title, end = braced(text, match.end() - 1)
        out.append(text[pos : match.start()])
        out.append(f"\n\n{LEVEL[match.group(1)]} {' '.join(title.split())}\n\n")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def latex_to_markdown(path: Path) -> tuple[str, str]:
    """The intermediate text and the paper title."""
    files, main = read_sources(path)
    text = _inline(main, files)
    title = " ".join(_command_arg(text, "title").split())
    abstract = _command_arg(text, "abstract") if "\\abstract{" in text else ""
    body = text.split("\\begin{document}", 1)[-1].split("\\end{document}", 1)[0]
    body = re.sub(r"\\maketitle|\\title\{.*?\}", "", body)
    body = re.sub(
        r"\\begin\{abstract\}(.*?)\\end\{abstract\}",
        lambda m: f"\n\n# Abstract\n\n{m.group(1).strip()}\n\n",
        body,
        flags=re.DOTALL,
    )
    if abstract:
        body = f"# Abstract\n\n{abstract}\n\n{body}"
    body = ENV.sub(_environment, body)
    body = _headings(body)
    body = re.sub(r"\\appendix\b", "\n\n\\\\appendix\n\n", body)
    body = DROP.sub("", body)
    body = UNWRAP.sub("{", body)
    body = re.sub(r"\\cite[pt]?\{[^}]*\}", "[cite]", body)
    return body, title
