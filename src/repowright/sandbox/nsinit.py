"""Init process of the `namespaces` sandbox backend (standard library only, run by `unshare`).

`unshare --user --map-root-user --pid --fork --mount --net --ipc --uts` starts this script as
PID 1 of fresh namespaces, still holding the new user namespace's capabilities. It builds the
filesystem the untrusted command may see, then gives every capability up for good:

- the host tree bound read-only at a new root (recursively, with `mount_setattr`);
- tmpfs over the places where secrets and host sockets live (`/tmp`, `/run`, `/root`, `/home`,
  ...), then the readable paths (interpreter, venvs) bound read-only and the writable ones (the
  repository, the sandbox's home/tmp) bound read-write on top;
- a `/proc` of the new PID namespace only (no parent's `environ`), `pivot_root` into the new
  tree and the old root detached (no way back through `..` or `/proc/1/root`);
- the bounding set emptied and `no_new_privs` set, so the command (a root without capabilities
  in its own namespace) can neither undo the mounts nor gain privileges through setuid files.

It then runs the command as its child and reaps orphans until the child ends; its own exit
ends the PID namespace, and the kernel kills whatever the command left behind (daemons too).
Argument: one JSON object (root, writable, readable, hide, cwd, command).
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
from typing import Any

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
MNT_DETACH, AT_FDCWD, AT_RECURSIVE, MOUNT_ATTR_RDONLY = 2, -100, 0x8000, 1
SYS_PIVOT_ROOT, SYS_MOUNT_SETATTR = {"x86_64": (155, 442), "aarch64": (41, 442)}.get(
    os.uname().machine, (155, 442)
)
PR_SET_DUMPABLE, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 4, 24, 38
SETUP_FAILED = 125

_libc = ctypes.CDLL(None, use_errno=True)


class _MountAttr(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in ("attr_set", "attr_clr", "propagation", "userns")]


def _ok(result: int, what: str) -> None:
    if result != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    enc = [s.encode() if s else None for s in (source, target, fstype, data)]
    _ok(_libc.mount(enc[0], enc[1], enc[2], flags, enc[3]), f"mount {target}")


def _readonly(path: str) -> None:
    """Make `path` and every mount below it read-only (keeping nosuid/nodev/noexec)."""
    attr = _MountAttr(MOUNT_ATTR_RDONLY, 0, 0, 0)
    size = ctypes.sizeof(attr)
    done = _libc.syscall(SYS_MOUNT_SETATTR, AT_FDCWD, path.encode(), AT_RECURSIVE,
                         ctypes.byref(attr), size)  # fmt: skip
    if done == 0:
        return
    for point, flags in _mounts_under(path):  # kernels before 5.12: one remount per mount
        _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)


def _mounts_under(path: str) -> list[tuple[str, int]]:
    known = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}
    found = []
    with open("/proc/self/mountinfo") as fh:
        for line in fh:
            fields = line.split()
            point = fields[4].encode().decode("unicode_escape")
            if point == path or point.startswith(path.rstrip("/") + "/"):
                flags = sum(known.get(opt, 0) for opt in fields[5].split(","))
                found.append((point, flags))
    return found


def _bind(source: str, target: str, *, readonly: bool) -> None:
    if os.path.isdir(source):
        os.makedirs(target, exist_ok=True)
    elif not os.path.exists(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "a").close()  # a mount point for a file
    _mount(source, target, None, MS_BIND | MS_REC)
    if readonly:
        _readonly(target)


def build_root(spec: dict[str, Any]) -> None:
    root = spec["root"]
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    _mount("/", root, None, MS_BIND | MS_REC)
    _readonly(root)
    for path in spec["hide"]:
        if os.path.isdir(path) and not os.path.islink(path):
            _mount("tmpfs", root + path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=755")
    for path in spec["readable"]:
        _bind(path, root + path, readonly=True)
    for path in spec["writable"]:
        _bind(path, root + path, readonly=False)
    _mount("proc", root + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    old = root + "/tmp/.oldroot"
    os.makedirs(old, exist_ok=True)
    _ok(_libc.syscall(SYS_PIVOT_ROOT, root.encode(), old.encode()), "pivot_root")
    os.chdir("/")
    _ok(_libc.umount2(b"/tmp/.oldroot", MNT_DETACH), "detach the old root")
    os.rmdir("/tmp/.oldroot")


def drop_privileges() -> None:
    with open("/proc/sys/kernel/cap_last_cap") as fh:
        last = int(fh.read())
    for cap in range(last + 1):
        _ok(_libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0), f"drop capability {cap}")
    _ok(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")
    _ok(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "not dumpable")  # PID 1 keeps its caps


def main() -> int:
    spec = json.loads(sys.argv[1])
    try:
        build_root(spec)
        drop_privileges()
    except OSError as exc:
        print(f"repowright sandbox: setup failed: {exc}", file=sys.stderr)
        return SETUP_FAILED
    child = os.fork()
    if child == 0:
        try:
            os.chdir(spec["cwd"])
            os.execvp(spec["command"][0], spec["command"])
        except OSError as exc:
            print(f"repowright sandbox: cannot run {spec['command'][0]}: {exc}", file=sys.stderr)
        os._exit(127)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGABRT):
        signal.signal(sig, lambda s, _f: os.kill(child, s))  # pass on, e.g. a faulthandler dump
    while True:
        pid, status = os.wait()  # PID 1 reaps every orphan until its own child ends
        if pid == child:
            return 128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
