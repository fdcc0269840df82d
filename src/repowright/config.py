"""Settings: repowright.toml (user, then project) < environment variables < CLI flags.

API keys are never settings: providers read them from the environment at call time, so they
can never end up in a run directory or a log.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from repowright.errors import ConfigError

ENV_PREFIX = "REPOWRIGHT_"
USER_CONFIG = Path("~/.config/repowright/repowright.toml")
PROJECT_CONFIG = Path("repowright.toml")
SECRET_WORDS = ("key", "token", "secret", "password")


ROLES = ("planner", "coder", "repair", "judge")
"""Who calls a model: the blueprint agents, file generation, the repair loop, the grader."""


class Settings(BaseModel):
    model: str = Field(default="", description="Model spec; empty = choose automatically.")
    planner_model: str = Field(default="", description="Model of the blueprint agents.")
    coder_model: str = Field(default="", description="Model that writes the files.")
    repair_model: str = Field(default="", description="Model of the repair loop.")
    judge_model: str = Field(default="", description="Model that grades against a rubric.")
    max_cost: float | None = Field(
        default=None, ge=0, description="Never spend more than this many USD."
    )
    max_tokens: int | None = Field(default=None, ge=1, description="Never use more tokens.")
    max_calls: int | None = Field(default=None, ge=1, description="Never make more calls.")
    price: str | None = Field(
        default=None,
        pattern=r"^\s*\d+(\.\d+)?\s*,\s*\d+(\.\d+)?\s*$",
        description="USD per million prompt,completion tokens for a model with no known price.",
    )
    cache: bool = True
    jobs: int = Field(default=4, ge=1, le=64)
    context_budget: int = Field(default=12_000, ge=1_000)
    memory: Literal["codemem", "full", "none"] = "codemem"
    rag: Literal["off", "auto", "always"] = "auto"
    rag_indexes: list[str] = Field(
        default_factory=list, description="Reference indexes (names or folders) for CodeRAG."
    )
    rag_embeddings: bool = Field(
        default=False, description="Hybrid BM25 + embeddings retrieval (extra `embeddings`)."
    )
    reasoning_effort: Literal["low", "medium", "high"] | None = Field(
        default=None, description="How hard reasoning models (o-series, gpt-5) think."
    )
    fix_rounds: int = Field(default=3, ge=0, le=20)
    replan_rounds: int = Field(
        default=1,
        ge=0,
        le=5,
        description="Blueprint revisions from verification failures that point at the plan.",
    )
    repair: Literal["whole", "edits"] = Field(
        default="whole",
        description="How repair changes a short file: rewrite it whole, or SEARCH/REPLACE edits.",
    )
    smoke_timeout_s: float = Field(default=600.0, gt=0, description="Wall limit of the smoke run.")
    test_timeout_s: float = Field(default=300.0, gt=0, description="Wall limit of the test run.")
    test_item_timeout_s: int = Field(
        default=120, gt=0, description="Wall limit of one test function within the test run."
    )
    sandbox_memory_mb: int | None = Field(
        default=4096, ge=64, description="Address-space limit for generated code (none: off)."
    )
    sandbox: Literal["auto", "bwrap", "namespaces", "docker", "none"] = Field(
        default="auto", description="Isolation for generated code (auto: the strongest here)."
    )
    sandbox_install: Literal["auto", "never"] = Field(
        default="auto", description="Install declared requirements into an isolated venv."
    )
    review: bool = False
    request_timeout_s: float = 600.0
    max_retries: int = Field(default=5, ge=0, le=20)

    def model_for(self, role: str) -> str:
        """The model spec of one role (`ROLES`): its own setting, else `model`."""
        own: str = getattr(self, f"{role}_model")
        return own or self.model

    @classmethod
    def load(cls, overrides: dict[str, Any] | None = None, cwd: Path | None = None) -> Settings:
        """Merge config files, then `REPOWRIGHT_*` variables, then explicit overrides."""
        data: dict[str, Any] = {}
        for path in (USER_CONFIG.expanduser(), (cwd or Path.cwd()) / PROJECT_CONFIG):
            data.update(_read_toml(path))
        for name in cls.model_fields:
            value = os.environ.get(ENV_PREFIX + name.upper())
            if value is not None:
                is_list = cls.model_fields[name].annotation == list[str]
                data[name] = (
                    [v.strip() for v in value.split(",") if v.strip()] if is_list else value
                )
        data.update({k: v for k, v in (overrides or {}).items() if v is not None})
        # A setting of ours (max_tokens) is never a key, whatever its name contains.
        secret = [
            k
            for k in data
            if k not in cls.model_fields and any(w in k.lower() for w in SECRET_WORDS)
        ]
        if secret:
            raise ConfigError(
                f"{', '.join(secret)}: API keys are read from the environment only "
                "(e.g. OPENAI_API_KEY), never from config files"
            )
        return cls.checked(data)

    @classmethod
    def checked(cls, data: dict[str, Any], source: str = "") -> Settings:
        """Validated settings; the first problem as a `ConfigError` naming the setting."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            err = exc.errors()[0]
            where = ".".join(str(p) for p in err["loc"])
            prefix = f"{source}: " if source else ""
            raise ConfigError(f"{prefix}invalid setting {where}: {err['msg']}") from None


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc}") from None
    section = data.get("repowright", data)
    if not isinstance(section, dict):
        raise ConfigError(f"{path}: [repowright] must be a table of settings, not {section!r}")
    return {k.replace("-", "_"): v for k, v in section.items()}
