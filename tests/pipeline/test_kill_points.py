"""kill -9 at every event boundary of a scripted run, then resume: the same verdict, the same
files, and no model call paid twice.

The run is killed by its own process (SIGKILL, so no `finally` and no `except` runs) at the
moment it is about to log its k-th event, for every k: after the run directory is made and
before the first event, between a model call and its record, between a file and its memory
entry, between a step's work and its `step_completed`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from repowright.artifacts.events import ModelCalled
from repowright.pipeline.session import drive, load_settings, run_state
from repowright.runs.store import RunDir

KILLER = """
import os, signal, sys
from repowright.runs import store
limit, seen = int(os.environ["KILL_AT_EVENT"]), [0]
append = store.EventLog.append
def killing_append(self, event):
    if seen[0] == limit:
        os.kill(os.getpid(), signal.SIGKILL)
    seen[0] += 1
    append(self, event)
store.EventLog.append = killing_append
from repowright.cli.app import main
sys.argv = ["repowright", *sys.argv[1:]]
main()
"""


def start(
    folder: Path, spec: Path, script: Path, kill_at: int | None
) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    if kill_at is not None:
        env["KILL_AT_EVENT"] = str(kill_at)
    code = KILLER if kill_at is not None else "from repowright.cli.app import main; main()"
    args = ["run", str(spec), "--out", str(folder), "--model", f"scripted:{script}", "--quiet"]
    return subprocess.run([sys.executable, "-c", code, *args], env=env, capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip


def repo_files(run: Path) -> dict[str, str]:
    repo = run / "repo"
    return {
        p.relative_to(repo).as_posix(): p.read_text(errors="replace")
        for p in sorted(repo.rglob("*"))
        if p.is_file() and "cache" not in p.parts[-2] and "__pycache__" not in p.parts
    }


async def test_kill_9_at_every_event_then_resume(tmp_path: Path, demo_spec, demo_script) -> None:
    whole = tmp_path / "whole"
    done = start(whole, demo_spec, demo_script, None)
    assert done.returncode == 0, done.stderr
    events = (whole / "events.jsonl").read_text().splitlines()
    expected = repo_files(whole)

    def killed_at(k: int) -> Path:
        folder = tmp_path / f"kill-{k:02d}"
        result = start(folder, demo_spec, demo_script, k)
        assert result.returncode == -9, (k, result.stderr[-500:])
        return folder

    with ThreadPoolExecutor(max_workers=2) as pool:
        folders = list(pool.map(killed_at, range(len(events))))
    for k, folder in enumerate(folders):
        run = RunDir.open(folder)
        outcome = await drive(run, load_settings(run, {}))
        where = f"killed before event {k} ({json.loads(events[k])['type']})"
        assert outcome.status == "verified", where
        assert run_state(run)["status"] == "verified", where
        assert repo_files(folder) == expected, where
        paid = [e.cache_key for e in run.events if isinstance(e, ModelCalled) and not e.cached]
        assert len(paid) == len(set(paid)), f"{where}: a model call was paid twice"
