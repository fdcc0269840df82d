"""A benchmark's papers, in PaperBench's layout as it is.

`PAPERS_DIR/<paper_id>/{paper.md|paper.pdf, rubric.json, addendum.md?, judge.addendum.md?,
blacklist.txt?, config.yaml?, assets/?}`; other folders (`judge_eval/`, `splits/`) are not
papers. A split file (`splits/dev.txt`: one id per line) or a list of ids selects papers. The
addendum clarifies the paper for generation and judge alike; the judge addendum is for the
judge only; the blacklist names resources (usually the authors' own code) that a reproduction
must not use: never fetched or indexed here, and flagged when a generated repository names one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from repowright.errors import InputError
from repowright.fsio import atomic_write
from repowright.grading.rubric import load_rubric

PAPER_NAMES = ("paper.md", "paper.pdf")
GENERATION_INPUT = "paper-with-addendum.md"


@dataclass(frozen=True)
class BenchPaper:
    id: str
    paper: Path
    rubric: Path
    addendum: Path | None = None
    judge_addendum: Path | None = None
    blacklist: tuple[str, ...] = ()
    title: str = ""

    def judge_notes(self) -> str:
        """What the judge reads beside the paper: the addendum, then the judge addendum."""
        parts = [_read(p) for p in (self.addendum, self.judge_addendum) if p is not None]
        return "\n\n".join(p for p in parts if p.strip())

    def generation_input(self, folder: Path) -> Path:
        """The document generation reads: the paper, with the addendum appended when there
        is one (a PDF paper is converted to Markdown for that)."""
        if self.addendum is None or not _read(self.addendum).strip():
            return self.paper
        from repowright.documents import load_document

        doc = load_document(self.paper)
        body = (
            _read(self.paper)
            if self.paper.suffix == ".md"
            else "\n\n".join(f"## {s.title}\n\n{s.text}" for s in doc.segments)
        )
        target = folder / GENERATION_INPUT
        title = f"# {doc.title}\n\n" if self.paper.suffix != ".md" else ""
        atomic_write(target, f"{title}{body}\n\n# Addendum\n\n{_read(self.addendum)}\n")
        return target

    def blacklisted_in(self, repo: Path) -> list[str]:
        """Blacklisted resources a generated repository names (in any text file)."""
        if not self.blacklist or not repo.is_dir():
            return []
        found: set[str] = set()
        for path in repo.rglob("*"):
            if not path.is_file() or path.stat().st_size > 2_000_000:
                continue
            text = path.read_text(encoding="utf-8", errors="ignore")
            found |= {entry for entry in self.blacklist if _bare(entry) in text}
        return sorted(found)


@dataclass
class Selection:
    split: Path | None = None
    ids: list[str] = field(default_factory=list)

    def wanted(self) -> list[str] | None:
        if self.split is not None:
            if not self.split.is_file():
                raise InputError(f"split file not found: {self.split}")
            return [ln.strip() for ln in _read(self.split).splitlines() if ln.strip()]
        return self.ids or None


def discover(papers_dir: Path, selection: Selection | None = None) -> list[BenchPaper]:
    """The papers of `papers_dir` (folders with a rubric.json), or those a split or id list
    selects; a selected paper without a paper file or with a bad rubric fails now, before
    any costly generation."""
    if not papers_dir.is_dir():
        raise InputError(f"papers folder not found: {papers_dir}")
    folders = {p.name: p for p in sorted(papers_dir.iterdir()) if (p / "rubric.json").is_file()}
    wanted = (selection or Selection()).wanted()
    if wanted is not None:
        unknown = [w for w in wanted if w not in folders]
        if unknown:
            raise InputError(f"no such paper in {papers_dir}: {', '.join(unknown)}")
        folders = {w: folders[w] for w in wanted}
    if not folders:
        raise InputError(f"{papers_dir} holds no <paper_id>/ folders with a rubric.json")
    papers = [_paper(folder) for folder in folders.values()]
    missing = [p.id for p in papers if not p.paper.is_file()]
    if missing:
        raise InputError(
            f"missing {' or '.join(PAPER_NAMES)} for: {', '.join(missing)} "
            "(select the papers that have one with --split or --papers)"
        )
    return papers


def _paper(folder: Path) -> BenchPaper:
    rubric = folder / "rubric.json"
    load_rubric(rubric)
    paper = next((folder / n for n in PAPER_NAMES if (folder / n).is_file()), folder / "paper.md")
    config = _config(folder / "config.yaml")
    blacklist = folder / "blacklist.txt"
    entries = _read(blacklist).splitlines() if blacklist.is_file() else []
    return BenchPaper(
        id=folder.name,
        paper=paper,
        rubric=rubric,
        addendum=_optional(folder / "addendum.md"),
        judge_addendum=_optional(folder / "judge.addendum.md"),
        blacklist=tuple(e.strip() for e in entries if e.strip() and e.strip().lower() != "none"),
        title=str(config.get("title", "")),
    )


def _config(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(_read(path))
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML ({exc})") from None
    return data if isinstance(data, dict) else {}


def _optional(path: Path) -> Path | None:
    return path if path.is_file() else None


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8", errors="replace")


def _bare(entry: str) -> str:
    """A blacklist URL as a repository would name it (no scheme, no trailing slash)."""
    return entry.split("://", 1)[-1].removeprefix("www.").rstrip("/")
