"""A real run whose local model server is killed mid-run: a final, explained exit, then resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import llama_server_pids

SPEC = "A Python module `adder.py` with a function add(a, b) that returns a + b."


def _cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_API_KEY")}
    return subprocess.Popen(
        [sys.executable, "-m", "repowright", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _model_calls(run: Path) -> int:
    events = run / "events.jsonl"
    if not events.exists():
        return 0
    lines = events.read_text().splitlines()
    return sum(1 for line in lines if '"model_called"' in line)


@pytest.mark.local_model
def test_server_killed_mid_run_exits_2_fast_then_resume_completes(tmp_path: Path) -> None:
    run = tmp_path / "run"
    before = llama_server_pids()
    proc = _cli(
        "run", "--spec", SPEC, "--model", "local:smollm2-135m", "--out", str(run), cwd=tmp_path
    )
    deadline = time.monotonic() + 300
    while _model_calls(run) < 1 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert proc.poll() is None, "the run ended before the server could be killed"
    (server,) = llama_server_pids() - before
    os.kill(server, signal.SIGSEGV)
    killed_at = time.monotonic()
    stdout, stderr = proc.communicate(timeout=60)
    took = time.monotonic() - killed_at

    assert proc.returncode == 2, stderr
    assert took < 30, f"exit came {took:.0f}s after the kill"
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "SIGSEGV" in errors[0], stderr
    assert "retry" not in (stdout + stderr).lower(), "a dead server was retried"
    assert "repowright resume" in stderr

    resumed = _cli("resume", str(run), "--json", cwd=tmp_path)
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode in (0, 1), err  # a verdict, whichever it is
    assert json.loads(out.strip().splitlines()[-1])["status"] in {"verified", "failed"}
    assert llama_server_pids() <= before, "a local model server was left running"
