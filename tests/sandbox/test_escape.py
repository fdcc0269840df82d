"""The escape suite: every attempt of the sandbox audit must fail, under each backend that runs
on this machine (bubblewrap and namespaces; the strongest one is what `auto` picks).

A backend this machine cannot run is skipped with the reason; so is a limit the OS gives no
way to enforce here (the probe says which). Nothing passes by not being tried.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

import repowright
from repowright.errors import SandboxError
from repowright.grading.reproduce import run_reproduce
from repowright.sandbox.backends import AUTO_ORDER, Unsandboxed, choose_backend, make_backend
from repowright.sandbox.base import Limits
from repowright.sandbox.local import LocalSandbox, SandboxRefused
from repowright.sandbox.probe import find_processes, survivors

ISOLATING = ["bwrap", "namespaces"]


@pytest.fixture(params=ISOLATING)
def backend(request: pytest.FixtureRequest) -> str:
    why = make_backend(request.param).unavailable()
    if why:
        pytest.skip(f"sandbox {request.param} cannot run here: {why}")
    return request.param


@pytest.fixture
def sandbox(tmp_path: Path, backend: str) -> LocalSandbox:
    (tmp_path / "repo").mkdir()
    return LocalSandbox(tmp_path / "repo", state_dir=tmp_path / "state", backend=backend)


async def run_py(sandbox: LocalSandbox, code: str, **limits: object):
    (sandbox.root / "attempt.py").write_text(textwrap.dedent(code))
    return await sandbox.run([sandbox.python, "attempt.py"], limits=Limits(**limits))


async def test_the_parents_environment_with_a_key_stays_unreadable(tmp_path: Path, backend) -> None:
    """/proc/<parent>/environ gave the key away: run repowright with a key, scan every environ."""
    canary = f"sk-canary-{uuid.uuid4().hex}"
    (tmp_path / "repo").mkdir()
    attempt = (
        "import os\n"
        "found = []\n"
        "for pid in [p for p in os.listdir('/proc') if p.isdigit()] + [str(os.getppid())]:\n"
        "    try:\n"
        f"        found += [pid] if {canary!r}.encode() in open(f'/proc/{{pid}}/environ', 'rb').read() else []\n"  # noqa: E501
        "    except OSError:\n"
        "        pass\n"
        "print('LEAKED' if found else 'CLEAN', found)\n"
    )
    (tmp_path / "repo" / "attempt.py").write_text(attempt)
    driver = (
        "import asyncio, sys\nfrom pathlib import Path\n"
        "from repowright.sandbox.local import LocalSandbox\n"
        f"sb = LocalSandbox(Path({str(tmp_path / 'repo')!r}), backend={backend!r})\n"
        "r = asyncio.run(sb.run([sb.python, 'attempt.py']))\n"
        "print(r.stdout, r.stderr)\n"
    )
    env = {**os.environ, "OPENAI_API_KEY": canary}
    done = subprocess.run(
        [sys.executable, "-c", driver],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert "CLEAN" in done.stdout, done.stdout + done.stderr


async def test_no_network_and_no_way_back_into_the_parents(sandbox) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        result = await run_py(
            sandbox,
            f"""
            import socket, subprocess, os
            out = []
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=3); out.append("tcp")
            except OSError:
                pass
            try:
                r = subprocess.run(["nsenter", "-t", "{os.getpid()}", "-n", "true"],
                                   capture_output=True)
                out += ["nsenter"] if r.returncode == 0 else []
            except OSError:
                pass
            print("ESCAPED" if out else "HELD", out)
        """,
        )
    assert "HELD" in result.stdout, result.output


async def test_host_unix_sockets_are_unreachable(sandbox, tmp_path: Path) -> None:
    path, abstract = str(tmp_path / "host.sock"), f"repowright-test-{uuid.uuid4().hex}"
    servers = [socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)]
    servers[0].bind(path)
    servers[1].bind("\0" + abstract)
    try:
        for server in servers:
            server.listen()
        result = await run_py(
            sandbox,
            f"""
            import socket
            reached = []
            for address in ({path!r}, "\\0" + {abstract!r}):
                s = socket.socket(socket.AF_UNIX)
                try:
                    s.connect(address); reached.append(address)
                except OSError:
                    pass
            print("ESCAPED" if reached else "HELD", reached)
        """,
        )
    finally:
        for server in servers:
            server.close()
    assert "HELD" in result.stdout, result.output


async def test_writes_outside_the_repository_fail(sandbox, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    home_file = Path.home() / f".repowright-escape-{uuid.uuid4().hex}"  # not under /tmp
    install_file = Path(repowright.__file__).parent / f"escape-{uuid.uuid4().hex}"
    (sandbox.root / "link").symlink_to(outside)
    try:
        result = await run_py(
            sandbox,
            f"""
            written = []
            for target in ({str(outside / "direct")!r}, "link/through-symlink",
                           {str(home_file)!r}, {str(install_file)!r}):
                try:
                    open(target, "w").write("x"); written.append(target)
                except OSError:
                    pass
            open("inside.txt", "w").write("ok")
            print(written)  # a private home is writable: only what reached the host counts
        """,
        )
        assert result.ok, result.output
        assert not any(outside.iterdir()) and not home_file.exists()
        assert not install_file.exists()
        assert (sandbox.root / "inside.txt").read_text() == "ok"  # the repository is writable
    finally:
        home_file.unlink(missing_ok=True)
        install_file.unlink(missing_ok=True)


async def test_a_detached_daemon_dies_with_its_command(sandbox) -> None:
    token = f"repowright-daemon-{uuid.uuid4().hex}"
    result = await run_py(
        sandbox,
        f"""
        import os, subprocess, sys
        daemon = "import os, time\\nif os.fork() == 0:\\n    os.setsid()\\n    time.sleep(300)"
        subprocess.run([sys.executable, "-c", daemon, {token!r}],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        print("started")
    """,
    )
    assert result.ok, result.output
    assert not await survivors(token)


async def test_killing_repowright_kills_the_sandboxed_tree(tmp_path: Path, backend: str) -> None:
    token = f"repowright-orphan-{uuid.uuid4().hex}"
    (tmp_path / "repo").mkdir()
    driver = (
        "import asyncio, sys\nfrom pathlib import Path\n"
        "from repowright.sandbox.local import LocalSandbox\n"
        f"sb = LocalSandbox(Path({str(tmp_path / 'repo')!r}), backend={backend!r})\n"
        f"asyncio.run(sb.run([sb.python, '-c', 'import time; time.sleep(300)', {token!r}]))\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", driver])
    try:
        deadline = time.monotonic() + 60
        while not find_processes(token) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        assert find_processes(token), "the sandboxed command never started"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert not await survivors(token, wait_s=5)
    finally:
        proc.kill()


async def test_a_fork_bomb_hits_the_process_limit(sandbox) -> None:
    isolation = await sandbox.check_isolation()
    if not isolation.process_limit:
        pytest.skip("no process limit can be enforced here (no pids cgroup, running as root)")
    result = await run_py(
        sandbox,
        """
        import subprocess
        started = []
        for _ in range(2000):
            try:
                started.append(subprocess.Popen(["sleep", "30"]))
            except OSError:
                break
        print(len(started))
        for p in started:
            p.kill()
    """,
        processes=64,
        wall_s=60,
    )
    assert int(result.stdout.split()[-1]) < 64, result.output


async def test_reproduce_has_a_memory_limit_by_default(sandbox) -> None:
    script = "python -c 'b = bytearray(20 * 1024**3); print(\"allocated\")'\n"
    (sandbox.root / "reproduce.sh").write_text(script)
    record = await run_reproduce(sandbox, timeout_s=60)
    log = (sandbox.root / "reproduce.log").read_text()
    assert record.returncode != 0 and "MemoryError" in log and "allocated" not in log


async def test_huge_output_and_a_hang_are_cut(sandbox) -> None:
    result = await run_py(
        sandbox,
        """
        import sys, time
        chunk = "x" * 1_000_000
        for _ in range(200):
            sys.stdout.write(chunk)
        sys.stdout.flush()
        time.sleep(1000)
    """,
        wall_s=3,
        output_tail_chars=10_000,
    )
    assert result.timed_out and len(result.stdout) < 20_000


async def test_the_probe_confirms_every_property(sandbox) -> None:
    isolation = await sandbox.check_isolation()
    missing = [name for name, held in isolation.properties().items() if not held]
    if missing == ["process_limit"]:
        pytest.skip("no process limit can be enforced here (no pids cgroup, running as root)")
    assert isolation.complete, isolation.describe()
    assert json.dumps(isolation.properties())


def test_auto_picks_the_first_backend_that_works() -> None:
    working = [name for name in AUTO_ORDER if not make_backend(name).unavailable()]
    if not working:
        with pytest.raises(SandboxError, match="--sandbox none"):
            choose_backend("auto")
        return
    assert choose_backend("auto").name == working[0]


async def test_without_isolation_a_key_in_the_environment_refuses_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    (tmp_path / "repo").mkdir()
    chosen_by_default = LocalSandbox(tmp_path / "repo", backend=Unsandboxed())
    with pytest.raises(SandboxRefused, match="apt install bubblewrap"):
        await chosen_by_default.run(["true"])
    explicit = LocalSandbox(tmp_path / "repo", backend="none")
    assert (await explicit.run(["true"])).ok
    report = explicit.isolation_report()
    assert report.startswith("NO SANDBOX") and "NOT isolated: secrets" in report


FAKE_DOCKER = r'''#!/usr/bin/env python3
"""A stand-in `docker` client: records its arguments and runs the command on the host."""
import json, os, sys
args = sys.argv[1:]
with open(os.environ["DOCKER_FAKE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
if args[0] != "run":
    sys.exit(0)
env, cwd, i = {}, "/", 1
takes_value = {"--name", "--tmpfs", "--user", "--network", "--memory", "--memory-swap",
               "--pids-limit", "-v", "-e", "-w", "--security-opt", "--cap-drop"}
while args[i].startswith("-"):
    if args[i] == "-e":
        key, _, value = args[i + 1].partition("=")
        env[key] = value
    if args[i] == "-w":
        cwd = args[i + 1]
    i += 2 if args[i] in takes_value else 1
os.chdir(cwd)
command = args[i + 1:]
os.execvpe(command[0], command, {**env, "PATH": os.environ["PATH"]})
'''


async def test_docker_runs_each_command_in_a_fresh_limited_container(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No daemon here: a fake client checks what repowright asks docker for."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "docker").write_text(FAKE_DOCKER)
    (bin_dir / "docker").chmod(0o755)
    (bin_dir / "python3").symlink_to(sys.executable)  # the image's interpreter, here
    log = tmp_path / "docker.log"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("DOCKER_FAKE_LOG", str(log))
    (tmp_path / "repo").mkdir()
    sandbox = LocalSandbox(tmp_path / "repo", state_dir=tmp_path / "state", backend="docker")
    assert sandbox.python == "python3"
    result = await sandbox.run(["python3", "-c", "print('in the image')"], limits=Limits())
    assert result.ok and "in the image" in result.stdout, result.output
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    run = next(c for c in reversed(calls) if c[0] == "run")
    name = run[run.index("--name") + 1]
    assert ["rm", "-f", name] in calls  # removed even though `--rm` should do it
    assert run[run.index("--network") + 1] == "none" and "--read-only" in run
    assert run[run.index("--memory") + 1] == "4096m" and run[run.index("--pids-limit") + 1]
    assert f"{sandbox.root}:{sandbox.root}:rw" in run
    assert not any(arg.startswith("PATH=") for arg in run)  # the image's own PATH
