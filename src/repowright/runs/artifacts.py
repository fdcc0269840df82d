"""The typed artifacts of a run directory: every reader and writer goes through these, so a
file's name, format and schema are stated once and a bad file fails the same way everywhere."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.drift import Drift
from repowright.artifacts.verdict import Verdict
from repowright.documents import Document
from repowright.errors import BlueprintInvalid, InputError
from repowright.fsio import atomic_write

RUN_FILE = "run.json"
DOCUMENT_FILE = "document.json"
BLUEPRINT_FILE = "blueprint.yaml"
DRIFT_FILE = "drift.json"
VERDICT_FILE = "verdict.json"
_DRIFTS = TypeAdapter(list[Drift])


class RunArtifacts:
    """Typed reads and atomic writes of the files under a run's `root`."""

    root: Path

    def path(self, name: str) -> Path:
        return self.root / name

    def write_json(self, name: str, obj: BaseModel | Any) -> Path:
        text = (
            obj.model_dump_json(indent=2)
            if isinstance(obj, BaseModel)
            else json.dumps(obj, indent=2, ensure_ascii=False)
        )
        path = self.root / name
        atomic_write(path, text + "\n")
        return path

    def write_yaml(self, name: str, obj: BaseModel) -> Path:
        data = obj.model_dump(mode="json")
        path = self.root / name
        atomic_write(path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
        return path

    def read_json(self, name: str) -> Any:
        return json.loads((self.root / name).read_text(encoding="utf-8"))

    def read_yaml(self, name: str) -> Any:
        return yaml.safe_load((self.root / name).read_text(encoding="utf-8"))

    def record(self) -> dict[str, Any]:
        """`run.json`: the input's file name and the run's saved settings."""
        data: dict[str, Any] = self.read_json(RUN_FILE)
        return data

    def input_path(self) -> Path:
        return self.root / "input" / str(self.record()["input"])

    def document(self) -> Document | None:
        """The parsed document (None before ingestion)."""
        path = self.path(DOCUMENT_FILE)
        if not path.is_file():
            return None
        try:
            return Document.model_validate_json(path.read_text(encoding="utf-8"))
        except ValidationError as exc:
            raise InputError(
                f"{path} is not a parsed document ({exc.error_count()} schema errors); "
                "start a new run from the input"
            ) from None

    def write_document(self, doc: Document) -> Path:
        return self.write_json(DOCUMENT_FILE, doc)

    def blueprint(self) -> Blueprint:
        """`blueprint.yaml` parsed and schema-checked; problems name the file and the field."""
        path = self.path(BLUEPRINT_FILE)
        if not path.is_file():
            raise BlueprintInvalid(f"{path} is missing", ["rerun the blueprint step"])
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise BlueprintInvalid(
                f"{path} is not valid YAML", [" ".join(str(exc).split())]
            ) from None
        try:
            return Blueprint.model_validate(data)
        except ValidationError as exc:
            problems = [
                f"{'.'.join(map(str, e['loc'])) or 'top level'}: {e['msg']}" for e in exc.errors()
            ]
            raise BlueprintInvalid(
                f"{path} does not match the blueprint schema", problems
            ) from None

    def write_blueprint(self, bp: Blueprint) -> Path:
        return self.write_yaml(BLUEPRINT_FILE, bp)

    def drift(self) -> list[Drift] | None:
        """What generation recorded in `drift.json` (None: not recorded)."""
        path = self.path(DRIFT_FILE)
        if not path.is_file():
            return None
        return _DRIFTS.validate_json(path.read_bytes())

    def write_drift(self, drift: list[Drift]) -> Path:
        return self.write_json(DRIFT_FILE, [d.model_dump() for d in drift])

    def verdict(self) -> Verdict:
        return Verdict.model_validate(self.read_json(VERDICT_FILE))

    def write_verdict(self, verdict: Verdict) -> Path:
        return self.write_json(VERDICT_FILE, verdict)
