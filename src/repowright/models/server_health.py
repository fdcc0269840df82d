"""Why a model server process ended or stalled, said so that a user can act on it.

A dying llama.cpp server must never look like a flaky network: the cause (exit code or
signal), what the kernel said about it, the last lines of the server's log and what to do
all go into one final error.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

REINSTALL = (
    "reinstall a portable build: `make install` in a repowright checkout, or "
    'CMAKE_ARGS="-DGGML_NATIVE=OFF" pip install --force-reinstall --no-cache-dir --no-deps '
    "llama-cpp-python; then check with `repowright doctor`"
)
ADVICE = {
    signal.SIGILL: (
        "illegal instruction: llama.cpp was built for another CPU (one with instructions this "
        f"one lacks, e.g. AVX-512 or AMX); {REINSTALL}"
    ),
    signal.SIGSEGV: "segmentation fault in llama.cpp; `repowright doctor` checks the runtime",
    signal.SIGBUS: "bus error in llama.cpp (a truncated or unreadable model file?)",
    signal.SIGABRT: "llama.cpp aborted (see the server log)",
}
OOM_ADVICE = "the kernel's out-of-memory killer stopped it: free memory, or use a smaller model"
LOG_LINES = 5


def describe_exit(returncode: int, pid: int, log_path: Path | None, when: str = "") -> str:
    """'exited with code 1 WHEN' or 'was killed by SIGILL WHEN (advice)', and the log tail."""
    when = f" {when}" if when else ""
    if returncode >= 0:
        what = f"exited with code {returncode}{when}"
    else:
        sig = signal.Signals(-returncode) if -returncode in signal.valid_signals() else None
        name = sig.name if sig else f"signal {-returncode}"
        if sig == signal.SIGKILL:
            advice = OOM_ADVICE if killed_by_oom(pid) else "killed from outside"
        else:
            advice = ADVICE.get(sig, "") if sig else ""
        what = f"was killed by {name}{when}" + (f" ({advice})" if advice else "")
    return what + log_tail(log_path)


def killed_by_oom(pid: int) -> bool:
    """Whether the kernel log names `pid` as an out-of-memory victim (where it can be read)."""
    try:
        done = subprocess.run(["dmesg"], capture_output=True, text=True, timeout=3, check=False)
    except (OSError, subprocess.SubprocessError):
        return False
    pattern = re.compile(rf"(Killed process {pid}\b|oom.*pid={pid}\b)", re.IGNORECASE)
    return any(pattern.search(line) for line in done.stdout.splitlines()[-400:])


def log_tail(log_path: Path | None, lines: int = LOG_LINES) -> str:
    """The last lines of the server log, indented under the error, or '' when there are none."""
    if log_path is None or not log_path.is_file():
        return ""
    with open(log_path, "rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(0, fh.tell() - 16_384))
        text = fh.read().decode(errors="replace")
    tail = [line for line in text.strip().splitlines() if line.strip()][-lines:]
    if not tail:
        return f"; server log {log_path} is empty"
    return f"\nlast lines of {log_path}:\n" + "\n".join(f"    {line}" for line in tail)


def cpu_seconds(pid: int) -> float | None:
    """User+system CPU time of a process (all its threads), or None where /proc is absent."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def port_listeners(port: int) -> set[str] | None:
    """Inodes of the TCP sockets listening on `port` here, or None where /proc cannot tell."""
    inodes: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            rows = Path(table).read_text().splitlines()[1:]
        except OSError:
            return None
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:  # LISTEN
                inodes.add(fields[9])
    return inodes


def owns_listener(pid: int, port: int) -> bool | None:
    """Whether process `pid` holds the socket listening on `port` (None: cannot tell), so a
    readiness probe is never answered by another program that took the port first."""
    inodes = port_listeners(port)
    if inodes is None:
        return None
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return None
    links = set()
    for fd in fds:
        try:
            links.add(os.readlink(f"/proc/{pid}/fd/{fd}"))
        except OSError:
            continue  # closed since listed (a starting process opens and closes many files)
    return any(f"socket:[{inode}]" in links for inode in inodes)


def other_servers(exclude: int | None = None) -> list[int]:
    """Pids of llama.cpp servers running here that are not children of `exclude` (default:
    this process): two of them on a few cores each get a fraction of the CPU, and every
    call becomes several times slower (measured: 317 s for a 100-token reply on 2 cores)."""
    parent = os.getpid() if exclude is None else exclude
    found = []
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue  # gone since listed, or not ours to read
        program = Path(argv[0].decode(errors="replace")).name
        if ppid != parent and (program == "llama-server" or b"llama_cpp.server" in argv):
            found.append(int(entry.name))
    return sorted(found)
