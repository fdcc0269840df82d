"""CodeMem entries: what later prompts know about a file already written, instead of its source."""

from __future__ import annotations

from pydantic import BaseModel, Field


class InterfaceItem(BaseModel):
    name: str
    kind: str = Field(description="function | class | constant | method | export")
    signature: str = ""
    doc: str = ""


class MemoryEntry(BaseModel):
    path: str
    purpose: str
    interface: list[InterfaceItem] = Field(default_factory=list)
    exports: list[str] = Field(default_factory=list, description="`__all__` or equivalent.")
    depends_on: list[str] = Field(default_factory=list, description="Project files it imports.")
    builds: list[str] = Field(
        default_factory=list,
        description="The project's data objects it builds, with the string literals it passes "
        "for each field (`Token(kind='number'|'op')`): the tags other files test for.",
    )
    summary: str = ""
    sha256: str = ""
