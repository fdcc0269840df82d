"""The local sandbox: clean environment, no network, limits that really stop runaway code."""

from __future__ import annotations

import gc
import json
import os
import socket
import sys
import time
from pathlib import Path

import pytest

from repowright.sandbox.base import Limits, Sandbox
from repowright.sandbox.isolation import is_secret_name
from repowright.sandbox.local import LocalSandbox
from repowright.sandbox.probe import survivors


@pytest.fixture
def sandbox(tmp_path: Path) -> LocalSandbox:
    (tmp_path / "repo").mkdir()
    return LocalSandbox(
        tmp_path / "repo", state_dir=tmp_path / "sandbox", venv_cache=tmp_path / "venvs"
    )


def test_throwaway_state_dir_goes_with_the_sandbox(tmp_path: Path) -> None:
    (tmp_path / "repo").mkdir()
    sandbox = LocalSandbox(tmp_path / "repo", venv_cache=tmp_path / "venvs")
    state = sandbox.state
    assert state.name.startswith("repowright-sandbox-") and (state / "home").is_dir()
    del sandbox
    gc.collect()
    assert not state.exists()


async def run_py(sandbox: LocalSandbox, code: str, **limits: object):
    (sandbox.root / "script.py").write_text(code)
    return await sandbox.run(["python", "script.py"], limits=Limits(**limits))


async def test_is_a_sandbox_that_reports_only_what_it_probed(sandbox: LocalSandbox) -> None:
    assert isinstance(sandbox, Sandbox)
    assert sandbox.isolation_report().startswith("sandbox not probed yet")
    await sandbox.run(["true"])
    assert f"sandbox {sandbox.backend_name}; probed:" in sandbox.isolation_report()


async def test_generated_code_sees_no_api_keys(sandbox, monkeypatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-secret")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-secret")
    monkeypatch.setenv("MY_SECRET_THING", "hush")
    code = "import json, os\nprint(json.dumps(dict(os.environ)))\n"
    result = await run_py(sandbox, code)
    assert result.ok, result.stderr
    env = json.loads(result.stdout)
    assert not [k for k in env if is_secret_name(k)]
    assert "sk-test-secret" not in result.stdout and "ghp-secret" not in result.stdout
    assert env["HOME"].startswith(str(sandbox.state)) and env["TMPDIR"].startswith(
        str(sandbox.state)
    )
    explicit = await sandbox.run(
        ["python", "-c", "import os; print(os.environ.get('X_API_KEY'))"],
        env={"X_API_KEY": "leak"},
    )
    assert explicit.stdout.strip() == "None"


async def test_socket_fails_without_network(sandbox) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3)\n"
        blocked = await run_py(sandbox, code)
        allowed = await run_py(sandbox, code, network=True)  # control: the code itself works
    assert not blocked.ok and "Error" in blocked.stderr
    assert allowed.ok, allowed.stderr


async def test_sleep_forever_is_killed_with_its_children(sandbox) -> None:
    token = f"repowright-test-{os.getpid()}-sleeper"
    code = (
        "import subprocess, sys, time\n"
        f"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(1000)', {token!r}])\n"
        "time.sleep(1000)\n"
    )
    start = time.monotonic()
    result = await run_py(sandbox, code, wall_s=1.5)
    assert result.timed_out and not result.ok
    assert time.monotonic() - start < 10
    assert not await survivors(token)


async def test_unbounded_memory_is_stopped(sandbox) -> None:
    code = "blocks = []\nwhile True:\n    blocks.append(bytearray(50_000_000))\n"
    result = await run_py(sandbox, code, memory_mb=300, wall_s=30)
    assert not result.ok and not result.timed_out
    assert result.killed_for_memory
    assert result.duration_s < 20


async def test_cpu_limit_stops_a_busy_loop(sandbox) -> None:
    result = await run_py(sandbox, "while True:\n    pass\n", cpu_s=1, wall_s=30)
    assert result.killed_for_cpu and result.duration_s < 10


async def test_output_is_tail_limited(sandbox) -> None:
    code = "import sys\nfor i in range(200_000):\n    print('line', i)\nprint('END')\n"
    result = await run_py(sandbox, code, output_tail_chars=1000)
    assert result.ok and len(result.stdout) < 1200
    assert result.stdout.rstrip().endswith("END") and "bytes cut" in result.stdout


async def test_cwd_must_stay_in_repo(sandbox) -> None:
    with pytest.raises(ValueError, match="leaves the repository"):
        await sandbox.run(["true"], cwd="..")


async def test_python_is_a_throwaway_env_until_install(sandbox) -> None:
    result = await sandbox.run(["python", "-c", "import sys; print(sys.prefix)"])
    assert result.stdout.strip().startswith(str(sandbox.state))
    assert (await sandbox.install([])).ok
    assert sandbox.python.startswith(str(sandbox.state))
    assert sys.prefix not in result.stdout
