"""Escape attempts run through a sandbox backend: what it isolates is what a probe confirmed.

A child started exactly as generated code is started tries each escape the audit of this
project found (read the parent's environment through /proc, reach the network or a host
socket, enter the parent's namespaces, write outside the repository or through a symlink or
into repowright itself, leave a daemon behind, exceed the process and memory limits, keep
capabilities). The host then checks what happened; only attempts that failed count.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path

import repowright
from repowright.sandbox.base import Limits, Sandbox

PROBE_PROCESSES = 24
PROBE_MEMORY_MB = 256

_PROBE = r"""
import json, os, socket, subprocess, sys, time
outside, parent, unix_path, abstract, install, token, allowed = sys.argv[1:8]
facts = {}
def leaked_environ():
    names = set(allowed.split(",")) | {"PWD", "OLDPWD", "SHLVL", "_", "LINES", "COLUMNS"}
    for pid in [p for p in os.listdir("/proc") if p.isdigit()] + [parent]:
        try:
            raw = open(f"/proc/{pid}/environ", "rb").read()
        except OSError:
            continue
        items = [item for item in raw.split(b"\0") if item]
        keys = {item.split(b"=", 1)[0].decode(errors="replace") for item in items}
        if keys - names:
            return True
    return False
facts["secrets"] = not leaked_environ()
def refused(fn):
    try:
        fn()
    except Exception:
        return True
    return False
def tcp():
    s = socket.socket(); s.settimeout(2); s.connect(("1.1.1.1", 53))
def unix(address):
    s = socket.socket(socket.AF_UNIX); s.settimeout(2); s.connect(address)
facts["network"] = refused(tcp) and {n for _, n in socket.if_nameindex()} <= {"lo"}
facts["host_sockets"] = refused(lambda: unix(unix_path)) and refused(lambda: unix("\0" + abstract))
try:
    nsenter = subprocess.run(["nsenter", "-t", parent, "-n", "true"], capture_output=True)
    facts["namespaces"] = nsenter.returncode != 0
except OSError:
    facts["namespaces"] = not os.path.exists(f"/proc/{parent}/ns/net")
def write(path):
    with open(path, "w") as fh:
        fh.write("escaped")
os.symlink(outside, "escape-link")
facts["attempted"] = [
    refused(lambda: write(os.path.join(outside, "direct"))),
    refused(lambda: write(os.path.join("escape-link", "through-symlink"))),
    refused(lambda: write(os.path.join(install, token))),
]
os.unlink("escape-link")
with open("/proc/self/status") as fh:
    caps = [l.split()[1] for l in fh if l.startswith("CapEff")]
facts["capabilities"] = caps == ["0000000000000000"]
started = []
for _ in range(int(os.environ.get("PROBE_FORKS", "64"))):
    try:
        started.append(subprocess.Popen(["sleep", "5"]))
    except OSError:
        break
facts["forks"] = len(started)
for p in started:
    p.kill(); p.wait()
try:
    block = bytearray(int(os.environ["PROBE_ALLOC_MB"]) * 1024 * 1024)
    facts["memory"] = False
except MemoryError:
    facts["memory"] = True
daemon = "import os,time\nif os.fork()==0:\n os.setsid()\n if os.fork()==0:\n  time.sleep(30)"
subprocess.run([sys.executable, "-c", daemon, token], stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL)
print(json.dumps(facts))
"""


@dataclass(frozen=True)
class Isolation:
    """What a probe confirmed: each field True only where every escape attempt failed."""

    secrets: bool  # no process's environment outside the allowlist is readable
    network: bool  # no interface but loopback, no outbound connection
    host_sockets: bool  # no host Unix socket (filesystem or abstract) reachable
    namespaces: bool  # the parent's namespaces cannot be entered
    filesystem: bool  # no write outside, through a symlink, or into repowright
    processes: bool  # no process outlives its command
    process_limit: bool  # a fork beyond the process limit fails
    memory_limit: bool  # an allocation beyond the memory limit fails
    capabilities: bool  # the command holds no capabilities
    backend: str

    def properties(self) -> dict[str, bool]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "backend"}

    def describe(self) -> str:
        held = [name.replace("_", " ") for name, ok in self.properties().items() if ok]
        lost = [name.replace("_", " ") for name, ok in self.properties().items() if not ok]
        text = f"sandbox {self.backend}; probed: " + (", ".join(held) or "nothing") + " isolated"
        return text + (f"; NOT isolated: {', '.join(lost)}" if lost else "")

    @property
    def complete(self) -> bool:
        return all(self.properties().values())


async def probe_sandbox(sandbox: Sandbox, allowed_env: list[str]) -> Isolation:
    """Run the escape attempts through `sandbox` (inside its repository) and check the host."""
    token = f"repowright-probe-{uuid.uuid4().hex}"
    install = Path(repowright.__file__).parent
    with (
        tempfile.TemporaryDirectory(prefix="repowright-outside-") as outside,
        tempfile.TemporaryDirectory(prefix="repowright-socket-") as sockets,
        _unix_listener(sockets) as (unix_path, abstract),
    ):
        limits = Limits(wall_s=60, memory_mb=PROBE_MEMORY_MB, processes=PROBE_PROCESSES)
        extra = {
            "PROBE_FORKS": str(PROBE_PROCESSES * 2),
            "PROBE_ALLOC_MB": str(PROBE_MEMORY_MB * 2),
        }
        result = await sandbox.run(
            [
                sandbox.python,
                "-c",
                _PROBE,
                outside,
                str(os.getpid()),
                unix_path,
                abstract,
                str(install),
                token,
                ",".join([*allowed_env, *extra]),
            ],
            limits=limits,
            env=extra,
        )
        try:
            facts = json.loads(result.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError) as exc:
            raise RuntimeError(f"the sandbox probe did not run: {result.output[-500:]}") from exc
        escaped = any(Path(outside).iterdir()) or (install / token).exists()
        (install / token).unlink(missing_ok=True)
    left = await survivors(token)
    return Isolation(
        secrets=facts["secrets"],
        network=facts["network"],
        host_sockets=facts["host_sockets"],
        namespaces=facts["namespaces"],
        filesystem=all(facts["attempted"]) and not escaped,
        processes=not left,
        process_limit=facts["forks"] < PROBE_PROCESSES * 2,
        memory_limit=facts["memory"],
        capabilities=facts["capabilities"],
        backend=getattr(sandbox, "backend_name", "unknown"),
    )


@contextlib.contextmanager
def _unix_listener(folder: str) -> Iterator[tuple[str, str]]:
    """A host Unix socket in a folder outside the sandbox, and an abstract one."""
    path, abstract = os.path.join(folder, "host.sock"), f"repowright-{uuid.uuid4().hex}"
    servers = [socket.socket(socket.AF_UNIX), socket.socket(socket.AF_UNIX)]
    try:
        servers[0].bind(path)
        servers[1].bind("\0" + abstract)
        for server in servers:
            server.listen(1)
        yield path, abstract
    finally:
        for server in servers:
            server.close()
        with contextlib.suppress(OSError):
            os.unlink(path)


def find_processes(token: str) -> list[int]:
    """Host pids whose command line carries `token`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if token.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


async def survivors(token: str, wait_s: float = 2.0) -> list[int]:
    """Processes carrying `token` still alive after `wait_s` (a PID namespace is torn down
    asynchronously); each is killed after it is counted."""
    deadline = time.monotonic() + wait_s
    while (found := find_processes(token)) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    for pid in found:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return found
