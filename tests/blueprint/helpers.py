"""Shared test helpers: a scripted model answering by tag, a run context, sample replies."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

from repowright.config import Settings
from repowright.documents import Document, Section, Segment
from repowright.models.base import ModelRequest
from repowright.models.scripted import Reply, ScriptedModel
from repowright.runs.context import RunContext
from repowright.runs.store import RunDir

PAPER = [
    ("Abstract", "We train a linear model with Adam."),
    ("Method", "The update is theta_t = theta_(t-1) - alpha * m_t / (sqrt(v_t) + eps)."),
    ("Experiments", "We use learning rate 0.001 on synthetic data and report MSE."),
]

CONCEPTS = {
    "problem": "Fit a linear model.",
    "method": "Gradient descent with Adam.",
    "components": [{"name": "optimizer", "description": "Adam update", "section": "s1"}],
    "experiments": [{"name": "fit", "description": "train on synthetic data", "expected": "MSE"}],
}
ALGORITHMS = {
    "items": [
        {"kind": "equation", "name": "Adam update", "detail": "theta_t = ...", "section": "s1"},
        {"kind": "hyperparameter", "name": "learning rate", "detail": "0.001", "section": "s2"},
        {"kind": "metric", "name": "MSE", "section": "s2"},
    ]
}


def file(path: str, deps: list[str] | None = None, covers: list[str] | None = None) -> dict:
    return {
        "path": path,
        "purpose": f"{path} purpose",
        "dependencies": deps or [],
        "covers": covers or [],
    }


PLAN: dict[str, Any] = {
    "project_name": "tiny-adam",
    "summary": "Adam on a linear model.",
    "files": [
        file("tiny_adam/__init__.py"),
        file("tiny_adam/optim.py", ["tiny_adam/__init__.py"], ["eq1", "hp1"]),
        file("tiny_adam/train.py", ["tiny_adam/optim.py"]),
        file("reproduce.sh", ["tiny_adam/train.py"]),
        file("README.md"),
    ],
    "components": [{"name": "optimizer", "files": ["tiny_adam/optim.py"]}],
    "environment": {"python": "3.11", "packages": [{"name": "numpy", "version": ">=1.26"}]},
    "entry_points": ["tiny_adam/train.py"],
}


def plan(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(PLAN)
    data.update(changes)
    return data


def by_tag(replies: dict[str, list[Reply]]) -> Callable[[ModelRequest], Reply]:
    """A script answering each request with the next reply queued for its tag."""
    queues = {tag: list(items) for tag, items in replies.items()}

    def answer(request: ModelRequest) -> Reply:
        queue = queues.get(request.tag)
        if not queue:
            raise AssertionError(f"unexpected call tagged {request.tag!r}")
        return queue.pop(0) if len(queue) > 1 else queue[0]

    return answer


def document(title: str, sections: list[tuple[str, str]]) -> Document:
    """A Document built from the shared contract only (titles and segments)."""
    return Document(
        title=title,
        sections=[Section(id=f"s{i}", title=name) for i, (name, _) in enumerate(sections)],
        segments=[
            Segment(id=f"s{i}", section_id=f"s{i}", title=name, text=text, tokens=len(text) // 4)
            for i, (name, text) in enumerate(sections)
        ],
    )


def make_ctx(
    tmp_path: Path, model: Any, doc: Document | None = None, **settings: Any
) -> RunContext:
    run = RunDir.create(tmp_path / "run", "test")
    run.write_json("document.json", doc or document("Tiny Adam", PAPER))
    return RunContext(run=run, model=model, settings=Settings(model="scripted:x", **settings))


def scripted(**replies: list[Reply]) -> ScriptedModel:
    return ScriptedModel(by_tag(replies))
