"""Pipeline step `generate` (thin foundation version): each file in order, one call each."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from repowright.blueprint.schema import Blueprint
from repowright.models.base import ModelRequest
from repowright.pipeline.context import RunContext
from repowright.prompts import chat
from repowright.runs.store import atomic_write


def _strip_fence(text: str) -> str:
    lines = text.strip().splitlines()
    if lines and lines[0].startswith("```"):
        lines = lines[1:]
        if lines and lines[-1].startswith("```"):
            lines = lines[:-1]
    return "\n".join(lines) + "\n"


async def run_generate(ctx: RunContext) -> dict[str, Any]:
    blueprint = Blueprint.model_validate(ctx.run.read_yaml("blueprint.yaml"))
    ctx.progress.phase("generate", len(blueprint.files))
    for spec in blueprint.files:
        path = PurePosixPath(spec.path)
        reply = await ctx.model.complete(
            ModelRequest(
                messages=chat("generate_system", "generate_user", blueprint=blueprint, spec=spec),
                tag=f"generate:{spec.path}",
            )
        )
        atomic_write(ctx.run.repo / path, _strip_fence(reply.text))
        ctx.progress.advance("generate", spec.path)
    return {"files": len(blueprint.files)}
