"""What the MCP tools do, apart from the protocol: ingest, plan, run, resume, status, cancel,
grade and reproduce inside one workspace. The server (`mcp/server.py`) only wires these to
MCP tools and forwards progress."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.verdict import Verdict
from repowright.config import Settings
from repowright.documents import load_document
from repowright.errors import InputError
from repowright.fsio import slugify
from repowright.grading.judge import JudgeConfig
from repowright.grading.reproduce import Reproduction, run_reproduce
from repowright.grading.session import GradeRequest, grade_repo, prepare
from repowright.mcp.jobs import Job, Jobs, ProgressFanout
from repowright.mcp.schema import GradeResult, Outline, RunStatus, SectionInfo
from repowright.mcp.workspace import Workspace
from repowright.models.metered import Budget
from repowright.models.registry import default_spec, open_model, spec_file
from repowright.pipeline.session import create_run, drive, load_settings, run_state
from repowright.runs.artifacts import BLUEPRINT_FILE, VERDICT_FILE
from repowright.runs.progress import Progress
from repowright.runs.store import RunDir

RUN_RESOURCES = ("report.md", BLUEPRINT_FILE, VERDICT_FILE)
SAFE_SANDBOXES = ("auto", "bwrap", "namespaces", "docker")
"""A tool argument never turns isolation off: the agent calling it may be prompt-injected by
the very paper it is reproducing. `--sandbox none` stays a decision made at the CLI."""


def resource_uri(workspace: Workspace, run_dir: Path, name: str) -> str:
    return f"repowright://{workspace.relative(run_dir)}/{name}"


@dataclass
class Service:
    workspace: Workspace
    jobs: Jobs

    def ingest(self, path: str) -> Outline:
        doc = load_document(self.workspace.path(path))
        sections = [
            SectionInfo(id=s.id, title=s.title, parent=s.parent, tokens=s.tokens)
            for s in doc.sections
        ]
        return Outline(
            title=doc.title,
            kind=doc.kind,
            total_tokens=doc.total_tokens(),
            sections=sections,
            references=len(doc.references),
        )

    def settings(self, **overrides: Any) -> Settings:
        """Settings from tool arguments over the server's defaults (environment, config)."""
        _check_sandbox(overrides.get("sandbox"))
        if overrides.get("model"):
            overrides["model"] = self.model_arg(overrides["model"])
        return Settings.load(overrides)

    def model_arg(self, spec: str) -> str:
        """A model spec given as a tool argument: a file it names (`scripted:x.json`,
        `local:m.gguf`) must be in the workspace, and it may not name an endpoint URL, which
        would send the server's OPENAI_COMPAT_API_KEY wherever the caller likes (set such a
        model as the server's default with REPOWRIGHT_MODEL instead)."""
        provider = spec.partition(":")[0]
        if provider == "openai-compat":
            raise InputError(
                "openai-compat endpoints cannot be chosen by a tool argument; "
                "start the server with REPOWRIGHT_MODEL set to it"
            )
        if (file := spec_file(spec)) is not None:
            return f"{provider}:{self.workspace.path(file)}"
        return spec

    def start(self, input: str | None, spec: str | None, settings: Settings) -> Job:
        """Make a run directory under the workspace's runs/ and drive it in the background."""
        path = self.workspace.path(input) if input else None
        name = path.stem if path else (spec or "spec")[:40]
        out = self._new_run_dir(name)
        run = create_run(path, spec, settings, out)
        return self.jobs.start(run.root, lambda progress: self._drive(run, settings, progress))

    def resume(
        self, run_dir: str, blueprint: dict[str, Any] | None, overrides: dict[str, Any]
    ) -> Job:
        run = self.open(run_dir)
        if blueprint is not None:
            self._replace_blueprint(run, blueprint)
        _check_sandbox(overrides.get("sandbox"))
        settings = load_settings(run, overrides)
        return self.jobs.start(run.root, lambda progress: self._drive(run, settings, progress))

    async def _drive(self, run: RunDir, settings: Settings, progress: ProgressFanout) -> str:
        return (await drive(run, settings, progress)).status

    def open(self, run_dir: str) -> RunDir:
        return RunDir.open(self.workspace.path(run_dir))

    def status(self, run_dir: str | Path) -> RunStatus:
        run = self.open(str(run_dir))
        state = run_state(run)
        job = self.jobs.get(run.root)
        verdict = _verdict(run)
        return RunStatus(
            run_dir=self.workspace.relative(run.root),
            state=job.state if job else "stopped",
            status=state["status"],
            reason=state["reason"],
            error=job.error if job else "",
            phase=state["phase"],
            steps_done=state["steps_done"],
            last_progress=job.progress.last if job else "",
            files=state["files"],
            calls=state["calls"],
            prompt_tokens=state["prompt_tokens"],
            completion_tokens=state["completion_tokens"],
            cost_usd=state["cost_usd"],
            verified=verdict.verified if verdict else None,
            failed_checks=[c.name for c in verdict.checks if c.status == "failed"]
            if verdict
            else [],
            resources=[
                resource_uri(self.workspace, run.root, name)
                for name in RUN_RESOURCES
                if run.path(name).is_file()
            ],
        )

    def blueprint(self, run_dir: str | Path) -> dict[str, Any] | None:
        path = self.open(str(run_dir)).path(BLUEPRINT_FILE)
        if not path.is_file():
            return None
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else None

    def read(self, run: str, name: str) -> str:
        """A run's report, blueprint, verdict or generated file (`repo/...`), as text."""
        run_dir = self.open(run).root
        target = self.workspace.path(str(run_dir / name))
        if run_dir not in target.parents or not target.is_file():
            raise InputError(f"{name}: not a file of run {run}")
        rel = target.relative_to(run_dir)
        if rel.parts[0] != "repo" and rel.as_posix() not in RUN_RESOURCES:
            raise InputError(f"{name}: only {', '.join(RUN_RESOURCES)} and repo/... are served")
        return target.read_text(encoding="utf-8", errors="replace")

    async def grade(
        self,
        repo: str,
        paper: str,
        rubric: str,
        model: str | None,
        code_dev: bool,
        max_cost: float | None,
        progress: Progress,
    ) -> GradeResult:
        """Grade a repository of the workspace against a PaperBench rubric."""
        settings = self.settings(model=model)
        root = self.workspace.path(repo)
        request = GradeRequest(
            repo=root,
            paper=self.workspace.path(paper),
            rubric=self.workspace.path(rubric),
            out=self.workspace.root / "grades" / slugify(repo) / "graded.json",
            code_dev=code_dev,
            judge=JudgeConfig(),
            budget=Budget(max_cost=max_cost),
            cache=settings.cache,
            max_retries=settings.max_retries,
        )
        prepared = prepare(request)
        spec = settings.model or default_spec()[0]
        async with open_model(
            spec, timeout_s=settings.request_timeout_s, reasoning_effort=settings.reasoning_effort
        ) as raw:
            report = await grade_repo(raw, prepared, progress)
        return GradeResult(
            out=self.workspace.relative(request.out),
            model=report.model,
            summary=report.summary,
            cost=report.cost,
        )

    async def reproduce(self, repo: str, timeout_s: float, memory_mb: int) -> Reproduction:
        """Run a workspace repository's reproduce.sh in the sandbox (no network)."""
        from repowright.sandbox.local import LocalSandbox

        sandbox = LocalSandbox(self.workspace.path(repo))
        return await run_reproduce(sandbox, timeout_s=timeout_s, memory_mb=memory_mb)

    def _replace_blueprint(self, run: RunDir, data: dict[str, Any]) -> None:
        done = run.completed_steps()
        if "generate" in done or any(run.repo.iterdir()):
            raise InputError("generation has started: a changed plan needs a new run")
        if "blueprint" not in done:
            raise InputError("the run has no blueprint yet: plan it first")
        try:
            bp = Blueprint.model_validate(data)
        except ValidationError as exc:
            raise InputError(f"blueprint is not valid: {exc.errors()[0]['msg']}") from None
        run.write_blueprint(bp)

    def _new_run_dir(self, name: str) -> Path:
        base = self.workspace.runs() / f"{time.strftime('%Y%m%d-%H%M%S')}-{slugify(name)}"
        out, n = base, 1
        while out.exists():
            n += 1
            out = base.with_name(f"{base.name}-{n}")
        return out


def _check_sandbox(name: str | None) -> None:
    if name is not None and name not in SAFE_SANDBOXES:
        raise InputError(f"sandbox must be one of {', '.join(SAFE_SANDBOXES)}")


def _verdict(run: RunDir) -> Verdict | None:
    try:
        return run.verdict()
    except (OSError, ValueError):
        return None
