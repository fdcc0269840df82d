"""Markdown-like lines -> headings and whole blocks (the step before sections and segments).

Readers emit Markdown; Mathpix and MinerU emit Markdown with LaTeX inside: `\\title{...}` and
`\\author{...}` over several lines, `\\begin{abstract}`, every heading as `\\section*{C.1.
AntMaze}` (the level is in the numbering, not the command), `\\[ ... \\]` display math,
`\\begin{tabular}` tables whose `Table 2: ...` caption is a separate paragraph. Each becomes
what it is: a title, an Abstract section, a heading at the level its number says, an equation
block, a table block holding its caption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from repowright.documents.schema import Block, BlockKind

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
LATEX_HEADING = re.compile(r"^\\(section|subsection|subsubsection|paragraph)\*?\{(.+)\}\s*$")
LATEX_LEVEL = {"section": 1, "subsection": 2, "subsubsection": 3, "paragraph": 4}
NUMBERED = re.compile(r"^(?P<num>(?:\d+|[A-Z])(?:\s*\.\s*\d+)*)\.?\s+(?P<rest>\S.*)$")
"""`1. Introduction`, `C.1. AntMaze`, `E. 1 Meta-reasoning`, `I.2.1 k-NN`, `10 Ethics`."""
META = re.compile(r"^\\(title|author)\{")
BEGIN = re.compile(r"^\\begin\{(\w+)\*?\}")
ENVIRONMENTS: dict[str, BlockKind] = {
    **dict.fromkeys(("equation", "align", "gather", "multline", "eqnarray"), "equation"),
    **dict.fromkeys(("tabular", "table", "longtable"), "table"),
    **dict.fromkeys(("algorithm", "algorithmic"), "algorithm"),
}
IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
CAPTION = re.compile(r"^(Figure|Fig\.|Table)\s*\d*[.:]")
FRONT_MATTER_TITLE = re.compile(r"^title:\s*[\"']?(.+?)[\"']?\s*$")

Item = tuple[int, str] | Block
"""A heading `(level, title)` (level -1: an `\\appendix` marker) or a block."""


def heading_level(title: str, default: int) -> int:
    """The level a section number gives (`C.1` -> 2, `I.2.1` -> 3), else `default`."""
    m = NUMBERED.match(title)
    return 1 + m["num"].count(".") if m else default


@dataclass
class Scanner:
    lines: list[str]
    out: list[Item] = field(default_factory=list)
    title: str = ""
    para: list[str] = field(default_factory=list)
    i: int = 0

    def scan(self) -> tuple[list[Item], str]:
        self._front_matter()
        while self.i < len(self.lines):
            self._line(self.lines[self.i], self.lines[self.i].strip())
            self.i += 1
        self.flush()
        return _join_captions(self.out), self.title

    def flush(self) -> None:
        text = "\n".join(self.para).strip()
        if text:
            self.out.append(Block(kind="figure" if CAPTION.match(text) else "text", text=text))
        self.para.clear()

    def block(self, kind: BlockKind, end: int) -> None:
        """Lines i..end (inclusive) as one block of `kind`; continue after them."""
        self.flush()
        self.out.append(Block(kind=kind, text="\n".join(self.lines[self.i : end + 1])))
        self.i = end

    def until(self, done: re.Pattern[str] | str, start: int | None = None) -> int:
        """The first line index from `start` (default: this line) where `done` is found."""
        for j in range(self.i if start is None else start, len(self.lines)):
            line = self.lines[j]
            if done.search(line) if isinstance(done, re.Pattern) else done in line:
                return j
        return len(self.lines) - 1

    def _line(self, line: str, stripped: str) -> None:
        heading = HEADING.match(line)
        latex = LATEX_HEADING.match(stripped)
        if heading or latex:
            self.flush()
            if heading:
                self.out.append((len(heading[1]), heading[2].strip()))
            else:
                assert latex is not None
                name = latex[2].strip()
                self.out.append((heading_level(name, LATEX_LEVEL[latex[1]]), name))
        elif meta := META.match(stripped):
            self._meta(meta[1])
        elif stripped in ("\\appendix", "\\begin{appendix}"):
            self.flush()
            self.out.append((-1, "\\appendix"))
        elif stripped == "\\begin{abstract}":
            self.flush()
            self.out.append((1, "Abstract"))
        elif stripped in ("\\end{abstract}", "\\end{appendix}", "\\maketitle"):
            self.flush()
        elif stripped.startswith("```"):
            self._fence(stripped[3:].strip().lower())
        elif stripped.startswith("$$"):
            one_line = stripped.endswith("$$") and len(stripped) > 4
            self.block("equation", self.i if one_line else self.until("$$", self.i + 1))
        elif stripped.startswith("\\["):
            self.block("equation", self.i if stripped.endswith("\\]") else self.until("\\]"))
        elif (env := BEGIN.match(stripped)) and env[1] in ENVIRONMENTS:
            self.block(ENVIRONMENTS[env[1]], self._environment_end(env[1]))
        elif stripped.startswith("|"):
            end = self.i
            while end + 1 < len(self.lines) and self.lines[end + 1].strip().startswith("|"):
                end += 1
            self.block("table", end)
        elif IMAGE.search(stripped):
            self.flush()
            caption = IMAGE.sub(lambda m: m.group(1), stripped).strip()
            self.out.append(Block(kind="figure", text=caption or stripped))
        elif not stripped:
            self.flush()
        else:
            self.para.append(line)

    def _meta(self, kind: str) -> None:
        """`\\title{...}` / `\\author{...}`, on one line or several: the title is kept."""
        self.flush()
        depth, end, parts = 0, self.i, []
        for end in range(self.i, len(self.lines)):
            parts.append(self.lines[end])
            depth += self.lines[end].count("{") - self.lines[end].count("}")
            if depth <= 0:
                break
        text = " ".join(" ".join(parts).split())
        inner = text[text.index("{") + 1 : text.rindex("}") if "}" in text else len(text)]
        if kind == "title" and not self.title:
            self.title = inner.strip()
        self.i = end

    def _fence(self, tag: str) -> None:
        end = self.until(re.compile(r"^\s*```\s*$"), self.i + 1)
        self.flush()
        body = self.lines[self.i + 1 : end]
        kind: BlockKind = (
            "algorithm" if tag == "algorithm" else "table" if tag == "table" else "code"
        )
        self.out.append(Block(kind=kind, text="\n".join(body)))
        self.i = end

    def _environment_end(self, name: str) -> int:
        """The line closing this `\\begin{name}`, nested ones of the same name included."""
        depth = 0
        for j in range(self.i, len(self.lines)):
            depth += len(re.findall(rf"\\begin\{{{name}\*?\}}", self.lines[j]))
            depth -= len(re.findall(rf"\\end\{{{name}\*?\}}", self.lines[j]))
            if depth <= 0:
                return j
        return len(self.lines) - 1

    def _front_matter(self) -> None:
        """YAML front matter (`---` ... `---`) at the top: its `title:` is the title."""
        if not self.lines or self.lines[0].strip() != "---":
            return
        end = next((j for j in range(1, len(self.lines)) if self.lines[j].strip() == "---"), 0)
        for line in self.lines[1:end]:
            if m := FRONT_MATTER_TITLE.match(line.strip()):
                self.title = m[1]
        self.i = end + 1 if end else 0


def _join_captions(items: list[Item]) -> list[Item]:
    """A `Table N:` / `Figure N:` paragraph right before or after its table or figure block
    joins it (a table cut from its caption loses what its columns mean)."""
    out: list[Item] = []
    for item in items:
        prev = out[-1] if out else None
        if isinstance(item, Block) and isinstance(prev, Block):
            caption_then_body = prev.kind == "figure" and CAPTION.match(prev.text)
            if item.kind == "table" and caption_then_body and prev.text.startswith("Table"):
                out[-1] = Block(kind="table", text=f"{prev.text}\n{item.text}")
                continue
            image = prev.kind == "figure" and not CAPTION.match(prev.text)
            own = "Table" if prev.kind == "table" else "Fig" if image else None
            if (
                own
                and item.kind == "figure"
                and CAPTION.match(item.text)
                and item.text.startswith(own)
            ):
                out[-1] = Block(kind=prev.kind, text=f"{prev.text}\n{item.text}")
                continue
        out.append(item)
    return out


def scan(text: str) -> tuple[list[Item], str]:
    """Headings and blocks of `text`, and the title it declares (if any)."""
    return Scanner(text.splitlines()).scan()
