"""Pipeline step `blueprint` (thin foundation version): one structured planning call."""

from __future__ import annotations

from typing import Any

from repowright.blueprint.schema import Blueprint
from repowright.documents import Document
from repowright.models.structured import complete_structured
from repowright.pipeline.context import RunContext
from repowright.prompts import chat


async def run_blueprint(ctx: RunContext) -> dict[str, Any]:
    doc = Document.model_validate(ctx.run.read_json("document.json"))
    segments = doc.select("concept", ctx.settings.context_budget)
    blueprint = await complete_structured(
        ctx.model,
        chat("blueprint_system", "blueprint_user", doc=doc, segments=segments),
        Blueprint,
        tag="blueprint",
    )
    ctx.run.write_yaml("blueprint.yaml", blueprint)
    return {"project": blueprint.project_name, "files": len(blueprint.files)}
