"""Probes of what the sandbox really isolates: a child started the way the sandbox starts one
tries each escape, and only what failed is reported as isolated."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from repowright.verify.isolation import NetworkOff, clean_env

_PROBE = """
import json, os, socket, sys
outside, parent = sys.argv[1], sys.argv[2]
facts = {"net": os.readlink("/proc/self/ns/net"), "pid": os.readlink("/proc/self/ns/pid")}
facts["interfaces"] = [name for _, name in socket.if_nameindex()]
try:
    with open(os.path.join(outside, "escaped"), "w") as fh:
        fh.write("x")
except OSError:
    pass
try:
    with open(f"/proc/{parent}/environ", "rb") as fh:
        facts["environ"] = len(fh.read())
except OSError:
    facts["environ"] = 0
print(json.dumps(facts))
"""


@dataclass(frozen=True)
class Isolation:
    """What a probe confirmed: True only where the escape attempt failed."""

    network: bool
    filesystem: bool
    processes: bool
    secrets: bool
    method: str

    def describe(self) -> str:
        parts = [
            f"{name} {'isolated' if held else 'NOT isolated'}"
            for name, held in (
                ("network", self.network),
                ("filesystem", self.filesystem),
                ("processes", self.processes),
                ("secrets", self.secrets),
            )
        ]
        return f"{self.method or 'no isolation tool'}: " + ", ".join(parts)

    @property
    def complete(self) -> bool:
        return self.network and self.filesystem and self.processes and self.secrets


def probe_isolation(net: NetworkOff) -> Isolation | None:
    """Start a child as the sandbox would and try each escape; None if /proc is unavailable."""
    if not Path("/proc/self/ns/net").exists():
        return None
    with tempfile.TemporaryDirectory() as work, tempfile.TemporaryDirectory() as outside:
        home = Path(work)
        cmd = [*net.prefix([home]), sys.executable, "-c", _PROBE, outside, str(os.getpid())]
        try:
            done = subprocess.run(
                cmd,
                cwd=work,
                env=clean_env(home, home, []),
                capture_output=True,
                text=True,
                timeout=30,
                check=False,
            )
            facts = json.loads(done.stdout.strip().splitlines()[-1])
        except (OSError, subprocess.SubprocessError, ValueError, IndexError):
            return None
        escaped = (Path(outside) / "escaped").exists()
    return Isolation(
        network=facts["net"] != os.readlink("/proc/self/ns/net")
        and set(facts["interfaces"]) <= {"lo"},
        filesystem=not escaped,
        processes=facts["pid"] != os.readlink("/proc/self/ns/pid"),
        secrets=facts["environ"] == 0,
        method=net.method,
    )
