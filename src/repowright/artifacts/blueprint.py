"""The Implementation Blueprint: the typed plan every later phase reads (blueprint.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Symbol(BaseModel):
    """A planned public function, class or constant of a file."""

    name: str
    kind: str = Field(default="function", description="function | class | constant | method")
    signature: str = Field(default="", description="e.g. `def train(cfg: Config) -> Metrics`")
    description: str = ""


class FileSpec(BaseModel):
    path: str = Field(description="Relative POSIX path inside the generated repository.")
    purpose: str
    interface: list[Symbol] = Field(default_factory=list)
    dependencies: list[str] = Field(
        default_factory=list, description="Paths of other files in the tree this file imports/uses."
    )
    sections: list[str] = Field(
        default_factory=list, description="Ids or titles of the document sections it implements."
    )
    covers: list[str] = Field(
        default_factory=list,
        description="Ids of the algorithm items (equations, hyperparameters...) it implements.",
    )


class Component(BaseModel):
    name: str
    description: str = ""
    files: list[str] = Field(default_factory=list)


class Package(BaseModel):
    name: str
    version: str = Field(default="", description="A pip specifier such as `>=2.0`, or empty.")


class Environment(BaseModel):
    python: str = "3.11"
    packages: list[Package] = Field(default_factory=list)


class Verification(BaseModel):
    reproduce_script: str = "reproduce.sh"
    smoke_command: str = Field(
        default="bash reproduce.sh --smoke",
        description="Runs the experiments at a small scale first; must finish in minutes on CPU.",
    )
    tests: list[str] = Field(default_factory=list, description="Test files/cases to write.")
    expected_outputs: list[str] = Field(default_factory=list)


class Stage(BaseModel):
    name: str
    files: list[str] = Field(default_factory=list)
    goal: str = ""


class Blueprint(BaseModel):
    project_name: str
    summary: str = ""
    files: list[FileSpec]
    components: list[Component] = Field(default_factory=list)
    environment: Environment = Field(default_factory=Environment)
    verification: Verification = Field(default_factory=Verification)
    plan: list[Stage] = Field(default_factory=list)
    entry_points: list[str] = Field(default_factory=list, description="Paths users run.")

    def file(self, path: str) -> FileSpec:
        for spec in self.files:
            if spec.path == path:
                return spec
        raise KeyError(path)
