"""Dynamic stage decisions, with a fake sandbox injected through the `Sandbox` protocol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import repowright
from repowright.code.python import ProjectIndex
from repowright.sandbox.base import ExecResult, Limits, Sandbox
from repowright.sandbox.local import LocalSandbox
from repowright.verify import dynamic
from repowright.verify.dynamic import DynamicConfig, check_tests, probe_failures, run_dynamic
from tests.verify.helpers import MINI, blueprint_for, write_repo


class FailingInstall:
    """Every install fails the way pip does for an unknown package."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.python = "python"
        self.installed: list[list[str]] = []

    async def run(
        self,
        command: Sequence[str],
        *,
        limits: Limits | None = None,
        env: Mapping[str, str] | None = None,
        cwd: str = ".",
    ) -> ExecResult:
        return ExecResult(command=list(command), returncode=0)

    async def install(self, requirements: Sequence[str], *, limits: Limits | None = None):
        self.installed.append(list(requirements))
        assert limits is not None and limits.network  # the only step allowed network
        stderr = "ERROR: No matching distribution found for nosuchpkg-xyz\n"
        return ExecResult(command=["pip"], returncode=1, stderr=stderr)

    def isolation_report(self) -> str:
        return "fake"


async def test_failed_install_fails_and_skips_the_rest_with_reasons(tmp_path: Path) -> None:
    files = {**MINI, "requirements.txt": "nosuchpkg-xyz\n"}
    repo = write_repo(tmp_path / "repo", files)
    sandbox = FailingInstall(repo)
    assert isinstance(sandbox, Sandbox)
    checks = await run_dynamic(
        sandbox, repo, ProjectIndex(repo), blueprint_for(files), DynamicConfig()
    )
    assert sandbox.installed == [["nosuchpkg-xyz", "pytest"]]
    status = {c.name: (c.status, c.detail) for c in checks}
    assert status["install"][0] == "failed"
    assert checks[0].findings[0].file == "requirements.txt"
    assert "No matching distribution" in checks[0].findings[0].message
    for name in ("import", "tests", "smoke"):
        assert status[name] == ("skipped", "requirements could not be installed")


async def test_no_tests_and_no_smoke_are_skipped_with_reasons(tmp_path: Path) -> None:
    files = {"mini/__init__.py": "", "mini/core.py": MINI["mini/core.py"]}
    repo = write_repo(tmp_path / "repo", files)
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    checks = await run_dynamic(
        sandbox, repo, ProjectIndex(repo), blueprint_for(files, smoke=""), DynamicConfig()
    )
    status = {c.name: (c.status, c.detail) for c in checks}
    assert status["import"][0] == "passed"
    assert status["tests"] == ("skipped", "no tests generated")
    assert status["smoke"] == ("skipped", "the blueprint gives no smoke command")
    assert status["install"][0] == "skipped" and "no third-party" in status["install"][1]


async def test_test_files_that_run_no_test_fail_the_tests_check(tmp_path: Path) -> None:
    """Every test skipped, or none collected, verifies nothing: it used to pass (or be
    skipped), so such a run could end VERIFIED without running a test."""
    base = {"mini/__init__.py": "", "mini/core.py": MINI["mini/core.py"]}
    for name, text, why in (
        (
            "skipped",
            "import pytest\n\n\n@pytest.mark.skip\ndef test_a():\n    assert 0\n",
            "skipped",
        ),
        ("none", "def check_a():\n    assert 0\n", "pytest collected no tests"),
    ):
        files = {**base, "tests/test_core.py": text}
        repo = write_repo(tmp_path / name, files)
        sandbox = LocalSandbox(repo, state_dir=tmp_path / "sb", venv_cache=tmp_path / "venvs")
        checks = await run_dynamic(
            sandbox, repo, ProjectIndex(repo), blueprint_for(files, smoke=""), DynamicConfig()
        )
        (tests,) = [c for c in checks if c.name == "tests"]
        assert tests.status == "failed" and why in tests.detail
        assert tests.findings[0].file == "tests/test_core.py"
        assert "no test ran" in tests.findings[0].message


async def test_checks_run_nothing_from_repowrights_own_files(tmp_path: Path) -> None:
    """Installed under /home, /root or /tmp, repowright is hidden from the sandbox: the import
    probe goes in as source, not as a path (a path made every import check fail)."""
    files = {"mini/__init__.py": "", "mini/core.py": MINI["mini/core.py"]}
    repo = write_repo(tmp_path / "repo", files)
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    commands: list[list[str]] = []
    run = sandbox.run

    async def recording(command: Sequence[str], **kwargs: object) -> ExecResult:
        commands.append(list(command))
        return await run(command, **kwargs)  # type: ignore[arg-type]

    sandbox.run = recording  # type: ignore[method-assign]
    checks = await run_dynamic(
        sandbox, repo, ProjectIndex(repo), blueprint_for(files, smoke=""), DynamicConfig()
    )
    assert {c.name: c.status for c in checks}["import"] == "passed"
    own = str(Path(repowright.__file__).parent)
    assert commands and not any(arg.startswith(own) for cmd in commands for arg in cmd)


async def test_a_module_beside_its_package_is_one_import(tmp_path: Path) -> None:
    """`roman.py` beside `roman/__init__.py` is one module to Python (the package): the import
    check counted two and crashed looking for the one it had not imported."""
    files = {"roman.py": "X = 1\n", "roman/__init__.py": "", "roman/core.py": "Y = 2\n"}
    repo = write_repo(tmp_path / "repo", files)
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    checks = await run_dynamic(
        sandbox, repo, ProjectIndex(repo), blueprint_for(files, smoke=""), DynamicConfig()
    )
    status = {c.name: (c.status, c.detail) for c in checks}
    assert status["import"] == ("passed", "2/2 modules imported")


async def test_failing_tests_are_located_and_a_file_that_cannot_run_is_none(
    tmp_path: Path,
) -> None:
    tests = "def test_a():\n    assert 1 == 2\n\n\ndef test_b():\n    pass\n\n\n"
    tests += "def test_c():\n    x\n"
    files = {"tests/test_x.py": tests, "tests/test_broken.py": "def test_(:\n"}
    repo = write_repo(tmp_path / "repo", files)
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    cfg = DynamicConfig()
    failed = await probe_failures(sandbox, repo, ["tests/test_x.py"], cfg)
    assert [(f.file, f.line) for f in failed or []] == [
        ("tests/test_x.py", 2),
        ("tests/test_x.py", 10),
    ]
    assert await probe_failures(sandbox, repo, ["tests/test_x.py::test_b"], cfg) == []
    assert await probe_failures(sandbox, repo, ["tests/test_broken.py"], cfg) is None


async def test_a_test_stuck_in_a_loop_fails_alone_at_the_looping_line(tmp_path: Path) -> None:
    code = "def spin(n):\n    while n:\n        n = n\n    return n\n"
    tests = "from loop import spin\n\n\ndef test_spin():\n    assert spin(1) == 1\n\n\n"
    tests += "def test_zero():\n    assert spin(0) == 0\n"
    repo = write_repo(tmp_path / "repo", {"loop.py": code, "tests/test_loop.py": tests})
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    cfg = DynamicConfig(test_item_timeout_s=1, test_timeout_s=60)
    check = await check_tests(sandbox, repo, ["tests/test_loop.py"], cfg)
    assert check.status == "failed" and "1 failed, 1 passed" in check.detail
    [found] = check.findings
    assert (found.file, found.line) in {("loop.py", 2), ("loop.py", 3)}
    assert "ran over 1 s" in found.message
    assert len(await probe_failures(sandbox, repo, ["tests/test_loop.py"], cfg) or []) == 1


async def test_a_probe_gives_a_looping_test_less_time_than_the_test_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A probe runs once per candidate fix: a candidate that loops costs its own short limit."""
    monkeypatch.setattr(dynamic, "PROBE_ITEM_TIMEOUT_S", 1)
    code = "def spin(n):\n    while n:\n        n = n\n    return n\n"
    tests = "from loop import spin\n\n\ndef test_spin():\n    assert spin(1) == 1\n"
    repo = write_repo(tmp_path / "repo", {"loop.py": code, "tests/test_loop.py": tests})
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    cfg = DynamicConfig(test_item_timeout_s=120, test_timeout_s=300)
    [found] = await probe_failures(sandbox, repo, ["tests/test_loop.py"], cfg) or []
    assert "ran over 1 s" in found.message


async def test_the_smoke_is_not_run_into_its_limit_when_a_test_never_ends(tmp_path: Path) -> None:
    code = "def spin(n):\n    while n:\n        n = n\n    return n\n"
    files = {
        "loop.py": code,
        "tests/test_loop.py": "from loop import spin\n\n\ndef test_spin():\n    spin(1)\n",
        "reproduce.sh": "#!/usr/bin/env bash\npython -m pytest -q\n",
    }
    repo = write_repo(tmp_path / "repo", files)
    sandbox = LocalSandbox(repo, state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs")
    cfg = DynamicConfig(test_item_timeout_s=1, test_timeout_s=60, smoke_timeout_s=600)
    checks = {c.name: c for c in await run_dynamic(sandbox, repo, ProjectIndex(repo), None, cfg)}
    assert checks["tests"].status == "failed"
    assert checks["smoke"].status == "skipped" and "time limit" in checks["smoke"].detail
