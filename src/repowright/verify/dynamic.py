"""The dynamic stage: install requirements, import every module, run the generated tests,
run the smoke command; all inside the sandbox, each with its own time limit."""

from __future__ import annotations

import ast
import json
import os
import re
import shlex
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from repowright.artifacts.blueprint import Blueprint
from repowright.artifacts.verdict import Check, CheckStatus, Finding
from repowright.blueprint.deliverables import is_test_file
from repowright.code.python import ModuleInfo, ProjectIndex
from repowright.fsio import read_or_empty
from repowright.sandbox.base import ExecResult, Limits, Sandbox
from repowright.verify import import_probe
from repowright.verify.deps import declared_requirements
from repowright.verify.explain import explain
from repowright.verify.parse import (
    in_repo,
    pytest_findings,
    timeout_finding,
    traceback_finding,
)

PYTEST_CONFIGS = ("pytest.ini", "pyproject.toml", "tox.ini", "setup.cfg")


@dataclass
class DynamicConfig:
    import_timeout_s: float = 20.0  # per module
    test_timeout_s: float = 300.0
    test_item_timeout_s: int = 120  # per test function
    smoke_timeout_s: float = 600.0
    install_timeout_s: float = 1800.0
    memory_mb: int | None = 4096
    install: Literal["auto", "never"] = "auto"


def _limits(wall_s: float, cfg: DynamicConfig) -> Limits:
    """Wall time, memory, and CPU time no more than every core busy for the whole wall time."""
    return Limits(wall_s=wall_s, cpu_s=wall_s * (os.cpu_count() or 1), memory_mb=cfg.memory_mb)


def _importable(info: ModuleInfo, index: ProjectIndex) -> tuple[str, str | None] | None:
    """(module, extra sys.path entry) for modules the import check should load."""
    name = info.path.rsplit("/", 1)[-1]
    if info.tree is None or is_test_file(info.path) or name in ("setup.py", "__main__.py"):
        return None
    parts = info.module.split(".")
    if not info.module or not all(p.isidentifier() for p in parts):
        return None
    parent = info.module.rpartition(".")[0]
    relative = any(isinstance(n, ast.ImportFrom) and n.level for n in ast.walk(info.tree))
    if parent and parent not in index.modules and not relative:  # a directory of scripts
        return (parts[-1], str(index.repo / info.path.rsplit("/", 1)[0]))
    return (info.module, None)


def _dynamic(
    name: str, status: CheckStatus, detail: str, findings: list[Finding] | None = None
) -> Check:
    return Check(
        name=name,
        status=status,
        detail=detail,
        findings=findings or [],
        stage="dynamic",
    )


async def check_install(
    sandbox: Sandbox, repo: Path, blueprint: Blueprint | None, has_tests: bool, cfg: DynamicConfig
) -> Check:
    reqs = declared_requirements(repo, blueprint)
    if cfg.install == "never":
        return _dynamic("install", "skipped", "installs disabled: host interpreter's packages")
    need = list(reqs)
    if has_tests and (need or not await _has_module(sandbox, "pytest")):
        need.append("pytest")
    if not need:
        return _dynamic(
            "install",
            "skipped",
            "no third-party requirements declared (host interpreter's packages)",
        )
    limits = Limits(wall_s=cfg.install_timeout_s, memory_mb=None, network=True, file_size_mb=None)
    result = await sandbox.install(need, limits=limits)
    if result.ok:
        return _dynamic("install", "passed", f"{len(need)} requirements: {', '.join(need)}")
    errors = [ln.strip() for ln in result.output.splitlines() if ln.startswith("ERROR")]
    req_file = "requirements.txt" if (repo / "requirements.txt").is_file() else None
    message = " | ".join(errors[-3:]) or result.output.strip()[-500:] or "pip failed"
    if result.timed_out:
        message = f"install did not finish within {cfg.install_timeout_s:g}s"
    finding = Finding(file=req_file, message=message, check="install", code="InstallError")
    return _dynamic("install", "failed", f"pip install of {len(need)} requirements", [finding])


async def _has_module(sandbox: Sandbox, module: str) -> bool:
    probe = f"import importlib.util,sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
    result = await sandbox.run([sandbox.python, "-c", probe], limits=Limits(wall_s=30))
    return result.ok


async def check_import(sandbox: Sandbox, index: ProjectIndex, cfg: DynamicConfig) -> Check:
    found = {path: s for path, info in index.by_path.items() if (s := _importable(info, index))}
    # one per spec: `roman.py` beside `roman/__init__.py` is one module to Python
    specs = list(dict.fromkeys(found.values()))
    if not specs:
        return _dynamic("import", "skipped", "no importable modules (tests and entry points only)")
    by_module = {s[0]: index.by_path[path] for path, s in found.items()}
    # Its source, not its path: repowright's own files may be hidden from the sandbox.
    source = Path(import_probe.__file__).read_text(encoding="utf-8")
    cmd = [sandbox.python, "-c", source, str(cfg.import_timeout_s), json.dumps(specs)]
    wall = cfg.import_timeout_s * len(specs) + 30
    result = await sandbox.run(cmd, limits=Limits(wall_s=wall, memory_mb=cfg.memory_mb))
    records = [
        json.loads(line[len(import_probe.MARK) :])
        for line in result.stdout.splitlines()
        if line.startswith(import_probe.MARK)
    ]
    findings = _dedupe([_import_finding(r, by_module, index.repo) for r in records if not r["ok"]])
    done = {r["module"] for r in records}
    if not records and not result.ok and not result.timed_out:
        message = f"the import check could not run: {result.output.strip()[-400:]}"
        findings.append(Finding(message=message, check="import", code="ProbeError"))
    elif stuck := next((m for m, _ in specs if m not in done), None):
        # the probe itself died (memory, hard crash, wall time)
        reason = "killed at the time limit" if result.timed_out else result.stderr[-300:]
        findings.append(
            Finding(
                file=by_module[stuck].path,
                message=f"importing {stuck!r} crashed the interpreter: {reason.strip()}",
                check="import",
                code="ImportCrash",
            )
        )
    status: CheckStatus = "failed" if findings else "passed"
    return _dynamic("import", status, f"{len(done)}/{len(specs)} modules imported", findings)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """One finding per failing location: importing a package that imports a broken module
    fails at the same line; keep the report from the broken module itself."""
    best: dict[tuple[str | None, int | None, str], Finding] = {}
    for f in findings:
        key = (f.file, f.line, f.message.split(": ", 1)[-1])
        own = f.message.startswith(f"import {_module_of(f.file)}:")
        if key not in best or own:
            best[key] = f
    return list(best.values())


def _module_of(path: str | None) -> str:
    return (path or "").removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _import_finding(
    record: dict[str, Any], by_module: dict[str, ModuleInfo], repo: Path
) -> Finding:
    frames = [(rel, line) for f, line in record["frames"] if (rel := in_repo(f, repo))]
    own = by_module[record["module"]].path
    file, line = frames[-1] if frames else (own, None)
    message = f"{record['type']}: {record['message']}"
    if record["type"] == "SystemExit":
        message = f"exits while being imported ({message}): guard top-level code with __main__"
    return Finding(
        file=file,
        line=line,
        message=f"import {record['module']}: {message}",
        check="import",
        code=record["type"],
    )


OVER_TIME = "the test ran over"
"""How RUN_PYTEST's failure of a test that ran past its limit begins."""
RUN_PYTEST = f"""import signal, sys
import pytest

seconds = int(sys.argv[1])


class Deadline:
    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_call(self, item):
        def expired(signum, frame):
            raise TimeoutError(f"{OVER_TIME} {{seconds}} s (an endless loop, or too slow)")

        old = signal.signal(signal.SIGALRM, expired)
        signal.alarm(seconds)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, old)


sys.exit(pytest.main(sys.argv[2:], plugins=[Deadline()]))
"""
"""pytest with a time limit per test: a test stuck in an endless loop fails alone, with a
traceback at the looping line, and the others still report (graphs' Dijkstra looped forever
on one input: the whole run hit its limit with one location, and every candidate a repair
tried against those tests cost that limit again)."""


PROBE_ITEM_TIMEOUT_S = 20
PROBE_TIMEOUT_S = 120.0
"""Limits of a probe, which runs the tests a candidate fix must pass and is repeated for each
candidate: roman's candidates that looped forever cost the full test limits (120 s a test,
300 s in all) each; these tests take milliseconds, and one over 20 s fails for every candidate
alike."""


def _pytest(sandbox: Sandbox, repo: Path, item_timeout_s: int) -> list[str]:
    cmd = [sandbox.python, "-c", RUN_PYTEST, str(item_timeout_s)]
    cmd += ["-q", "--tb=short", "-rfE", "-p", "no:cacheprovider"]
    if not any((repo / name).is_file() for name in PYTEST_CONFIGS):
        cmd += ["-c", "/dev/null", "--rootdir", "."]  # never pick up a parent's config
    return cmd


async def probe_failures(
    sandbox: Sandbox, repo: Path, nodes: list[str], cfg: DynamicConfig
) -> list[Finding] | None:
    """The failures of the pytest node ids (`tests/test_x.py::test_y`, or files), run in the
    sandbox: [] when all pass, None when pytest could not run them (a collection error, a
    timeout), which is worse than any failure."""
    item = min(cfg.test_item_timeout_s, PROBE_ITEM_TIMEOUT_S)
    result = await sandbox.run(
        [*_pytest(sandbox, repo, item), *nodes],
        limits=_limits(min(cfg.test_timeout_s, PROBE_TIMEOUT_S), cfg),
    )
    if result.ok:
        return []
    if result.timed_out or result.returncode != 1:  # 1: some tests failed
        return None
    return pytest_findings(result.output, repo) or None


async def check_tests(
    sandbox: Sandbox, repo: Path, test_files: list[str], cfg: DynamicConfig
) -> Check:
    if not test_files:
        return _dynamic("tests", "skipped", "no tests generated")
    result = await sandbox.run(
        _pytest(sandbox, repo, cfg.test_item_timeout_s), limits=_limits(cfg.test_timeout_s, cfg)
    )
    if result.timed_out:
        finding = timeout_finding(result.output, repo, "tests", cfg.test_timeout_s, None)
        return _dynamic("tests", "failed", "pytest timed out", [finding])
    if result.returncode == 5 or (result.ok and not _PASSED.search(_last_line(result))):
        # test files that run nothing verify nothing: none collected, or every one skipped
        why = "pytest collected no tests" if result.returncode == 5 else _last_line(result)
        message = (
            f"{why}: no test ran, so nothing was verified; name test functions `test_*` and let "
            "them run (no skip or xfail markers)"
        )
        finding = Finding(file=test_files[0], message=message, check="tests", code="NoTestRan")
        return _dynamic("tests", "failed", why, [finding])
    if result.ok:
        return _dynamic("tests", "passed", _last_line(result))
    findings = pytest_findings(result.output, repo) or [
        traceback_finding(result.output, repo, "tests", None)
    ]
    return _dynamic("tests", "failed", _last_line(result), findings)


_PASSED = re.compile(r"\b[1-9]\d* passed\b")


def _last_line(result: ExecResult) -> str:
    lines = [ln for ln in result.stdout.splitlines() if ln.strip()]
    return lines[-1].strip("= ") if lines else f"exit code {result.returncode}"


async def check_smoke(sandbox: Sandbox, repo: Path, command: str, cfg: DynamicConfig) -> Check:
    if not command.strip():
        return _dynamic("smoke", "skipped", "the blueprint gives no smoke command")
    argv = shlex.split(command)
    script = next((a for a in argv[1:] if a.endswith((".sh", ".py"))), None)
    if script and not (repo / script).is_file():
        finding = Finding(
            file=script, message=f"{script} does not exist", check="smoke", code="missing-file"
        )
        return _dynamic("smoke", "failed", command, [finding])
    start = time.monotonic()
    result = await sandbox.run(argv, limits=_limits(cfg.smoke_timeout_s, cfg))
    took = f"{command} ({time.monotonic() - start:.1f}s)"
    if result.timed_out:
        finding = timeout_finding(result.output, repo, "smoke", cfg.smoke_timeout_s, script)
        return _dynamic("smoke", "failed", took, [finding])
    if result.ok:
        return _dynamic("smoke", "passed", took)
    if result.killed_for_memory:
        finding = Finding(
            file=script,
            message=f"ran out of memory (limit {cfg.memory_mb} MB)",
            check="smoke",
            code="MemoryError",
        )
    else:
        finding = traceback_finding(result.output, repo, "smoke", script)
    return _dynamic("smoke", "failed", f"{took}: exit code {result.returncode}", [finding])


def _runs_pytest(repo: Path, command: str) -> bool:
    """Whether the smoke command (or the script it runs) runs pytest: with a test that never
    ends, its own pytest, which has no per-test limit, would only run into the smoke's time
    limit (600 s a round) to report what the tests check reported already."""
    scripts = [a for a in command.split() if a.endswith(".sh")]
    texts = [command, *(read_or_empty(repo / s) for s in scripts)]
    return any("pytest" in text for text in texts)


async def run_dynamic(
    sandbox: Sandbox,
    repo: Path,
    index: ProjectIndex,
    blueprint: Blueprint | None,
    cfg: DynamicConfig,
) -> list[Check]:
    test_files = [p for p in index.by_path if is_test_file(p) and p.endswith(".py")]
    test_files = [p for p in test_files if p.rsplit("/", 1)[-1] != "conftest.py"]
    install = await check_install(sandbox, repo, blueprint, bool(test_files), cfg)
    if install.status == "failed":
        why = "requirements could not be installed"
        return [install, *(_dynamic(n, "skipped", why) for n in ("import", "tests", "smoke"))]
    imported = await check_import(sandbox, index, cfg)
    if imported.status == "failed":
        why = "modules fail to import (fix those first)"
        return [install, imported, *(_dynamic(n, "skipped", why) for n in ("tests", "smoke"))]
    smoke_cmd = blueprint.verification.smoke_command if blueprint else ""
    if not blueprint and (repo / "reproduce.sh").is_file():
        smoke_cmd = "bash reproduce.sh --smoke"
    tests = await check_tests(sandbox, repo, test_files, cfg)
    if any(OVER_TIME in f.message for f in tests.findings) and _runs_pytest(repo, smoke_cmd):
        why = "a test runs past its time limit, and the smoke command runs the tests (fix it first)"
        smoke = _dynamic("smoke", "skipped", why)
    else:
        smoke = await check_smoke(sandbox, repo, smoke_cmd, cfg)
    ran = [tests, smoke]
    ran = [c.model_copy(update={"findings": explain(c.findings, index)}) for c in ran]
    return [install, imported, *ran]
