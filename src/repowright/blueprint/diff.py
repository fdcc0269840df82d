"""What a revised blueprint changed, and which files must therefore be written again.

Re-planning regenerates only the files whose plan changed and the files that use an interface
that changed (their prompts showed the old one); everything else, repairs included, is kept.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from repowright.artifacts.blueprint import Blueprint, FileSpec

REQUIREMENT_FILES = ("requirements.txt", "pyproject.toml", "setup.py", "setup.cfg")
"""Files written from `environment`: a changed environment rewrites them."""


class PlanChange(BaseModel):
    path: str = Field(description="A planned file, or a top-level field such as `environment`.")
    kind: Literal["added", "removed", "changed"]
    fields: list[str] = Field(default_factory=list, description="What changed in it.")

    def line(self) -> str:
        what = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.kind} {self.path}{what}"


def _file_fields(old: FileSpec, new: FileSpec) -> list[str]:
    fields = [
        name
        for name in ("purpose", "interface", "dependencies")
        if getattr(old, name) != getattr(new, name)
    ]
    if old.interface != new.interface:
        before = {s.name: s for s in old.interface}
        after = {s.name: s for s in new.interface}
        fields.remove("interface")
        fields += [f"+{n}" for n in after if n not in before]
        fields += [f"-{n}" for n in before if n not in after]
        fields += [f"~{n}" for n in after if n in before and after[n] != before[n]]
    return fields


def diff_blueprints(old: Blueprint, new: Blueprint) -> list[PlanChange]:
    """Files added, removed or changed (purpose, interface symbols, dependencies), then the
    top-level fields that changed."""
    before = {f.path: f for f in old.files}
    after = {f.path: f for f in new.files}
    changes = [PlanChange(path=p, kind="added") for p in after if p not in before]
    changes += [PlanChange(path=p, kind="removed") for p in before if p not in after]
    for path in after.keys() & before.keys():
        if fields := _file_fields(before[path], after[path]):
            changes.append(PlanChange(path=path, kind="changed", fields=fields))
    for name in ("environment", "verification", "entry_points"):
        if getattr(old, name) != getattr(new, name):
            changes.append(PlanChange(path=name, kind="changed"))
    order = {p: i for i, p in enumerate(dict.fromkeys([*after, *before]))}
    return sorted(changes, key=lambda c: order.get(c.path, len(order)))


def to_regenerate(new: Blueprint, changes: list[PlanChange]) -> list[str]:
    """The files of `new` to write again, in plan order: the added and changed ones, the
    requirement files or the reproduce script when the environment or verification changed,
    and the files depending on one whose interface changed or that was removed (their code
    was written against the old interface; a file whose interface stayed is not their
    concern, so this does not spread further)."""
    planned = [f.path for f in new.files]
    touched = {c.path for c in changes if c.kind != "removed" and c.path in planned}
    top = {c.path for c in changes if c.path not in planned}
    if "environment" in top:
        touched |= {p for p in planned if p.rsplit("/", 1)[-1] in REQUIREMENT_FILES}
    if "verification" in top or "entry_points" in top:
        touched |= {p for p in planned if p == new.verification.reproduce_script}
    reshaped = {
        c.path for c in changes if c.kind == "removed" or any(f[:1] in "+-~" for f in c.fields)
    }
    touched |= {f.path for f in new.files if set(f.dependencies) & reshaped}
    return [p for p in planned if p in touched]


def confine(
    current: Blueprint, revised: Blueprint, named: set[str], top: set[str]
) -> tuple[Blueprint, list[PlanChange]]:
    """`revised`, keeping only the changes the evidence is about: the files it names (`named`),
    their dependencies and dependents, files added; top-level fields only those in `top`.
    A small model asked to revise one thing often rewrites the interface of every file, and
    each such change would regenerate a file that was fine. Returns the confined blueprint
    and the changes left out."""
    before = {f.path: f for f in current.files}
    core = set(named) | {f.path for f in revised.files if f.path not in before}
    scope = core | {
        p
        for f in revised.files
        for p in ([f.path] if set(f.dependencies) & core else [])
        + (f.dependencies if f.path in core else [])
    }
    files = [
        f if f.path in scope or f.path not in before else before[f.path] for f in revised.files
    ]
    kept = {f.path for f in files}
    files += [f for f in current.files if f.path not in kept and f.path not in scope]
    tops = ("environment", "verification", "entry_points")
    fields = {name: getattr(current, name) for name in tops if name not in top}
    confined = revised.model_copy(update={"files": files, **fields})
    left_out = [
        c for c in diff_blueprints(current, revised) if c not in diff_blueprints(current, confined)
    ]
    return confined, left_out
