"""Agent report schemas: bounded for constrained decoding, ids assigned by repowright."""

from __future__ import annotations

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.coverage import check_coverage
from repowright.blueprint.draft import BlueprintDraft
from repowright.blueprint.reports import AlgorithmCatalog, AlgorithmItem, AlgorithmReport
from tests.blueprint.helpers import ALGORITHMS, plan


def test_lists_carry_max_items_and_longer_lists_are_truncated() -> None:
    schema = AlgorithmReport.model_json_schema()
    assert schema["properties"]["items"]["maxItems"] == 40
    report = AlgorithmReport.model_validate({"items": [{"kind": "metric", "name": "x"}] * 99})
    assert len(report.items) == 40
    draft = BlueprintDraft.model_json_schema()
    assert draft["properties"]["files"]["maxItems"] == 30
    assert draft["$defs"]["FileDraft"]["properties"]["interface"]["maxItems"] == 8


def test_draft_becomes_a_plain_blueprint() -> None:
    bp = BlueprintDraft.model_validate(plan()).to_blueprint()
    assert type(bp) is Blueprint and bp == Blueprint.model_validate(plan())


def test_catalog_numbers_each_kind_and_drops_repeats_and_blanks() -> None:
    items = [
        AlgorithmItem(kind="equation", name="loss"),
        AlgorithmItem(kind="equation", name=" Loss "),
        AlgorithmItem(kind="hyperparameter", name="", detail="batch size 32"),
        AlgorithmItem(kind="equation", name="update"),
        AlgorithmItem(kind="metric", name="", detail=""),
    ]
    catalog = AlgorithmCatalog.from_items(items)
    assert [(i.id, i.name) for i in catalog.items] == [
        ("eq1", "loss"),
        ("hp1", "batch size 32"),
        ("eq2", "update"),
    ]


def test_coverage_lists_uncovered_equations_and_hyperparameters_only() -> None:
    catalog = AlgorithmCatalog.from_items(AlgorithmReport.model_validate(ALGORITHMS).items)
    data = plan()
    data["files"][1]["covers"] = ["eq1", "zz9"]
    coverage = check_coverage(Blueprint.model_validate(data), catalog)
    assert coverage.total == 2 and coverage.covered == ["eq1"]
    assert coverage.uncovered_lines() == ["hp1 (hyperparameter, s2): learning rate"]
    assert coverage.unknown == ["tiny_adam/optim.py: zz9"]
