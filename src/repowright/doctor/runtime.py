"""The local runtime check: does llama.cpp load and generate on this CPU, and is it portable?"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from repowright.models.server_health import describe_exit

if TYPE_CHECKING:
    from repowright.doctor.checks import Status

# llama.cpp's feature names (llama_print_system_info) -> the kernel's /proc/cpuinfo flags.
CPU_FLAGS = {
    "SSE3": "pni", "SSSE3": "ssse3", "AVX": "avx", "AVX2": "avx2", "F16C": "f16c", "FMA": "fma",
    "BMI2": "bmi2", "AVX_VNNI": "avx_vnni", "AVX512": "avx512f", "AVX512_VBMI": "avx512vbmi",
    "AVX512_VNNI": "avx512_vnni", "AVX512_BF16": "avx512_bf16", "AMX_INT8": "amx_int8",
    "NEON": "asimd", "DOTPROD": "asimddp", "MATMUL_INT8": "i8mm", "SVE": "sve", "SVE2": "sve2",
}  # fmt: skip
BEYOND_BASELINE = {"AVX_VNNI", "AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16", "AMX_INT8"}
"""Features outside the portable x86-64 build (tools/local-runtime.sh): a native build."""
PROBE_TIMEOUT_S = 180


def build_features(system_info: str) -> list[str]:
    """The CPU features llama.cpp was compiled for, e.g. ['AVX', 'AVX2', 'FMA']."""
    cpu = system_info.split("CPU :", 1)[-1].split("\n", 1)[0]
    return [name for name in re.findall(r"(\w+) = 1", cpu) if name in CPU_FLAGS]


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str] | None:
    """This CPU's feature flags, or None where the kernel does not list them."""
    try:
        text = cpuinfo.read_text()
    except OSError:
        return None
    match = re.search(r"^(?:flags|Features)\s*:(.*)$", text, re.MULTILINE)
    return set(match.group(1).split()) if match else None


def check_runtime(model_path: Path) -> tuple[Status, str]:
    """(status, detail): load and generate in a child process; judge the build's portability."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "repowright.doctor.probe_runtime", str(model_path)],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "fail", f"loading {model_path.name} did not finish in {PROBE_TIMEOUT_S}s"
    facts: dict[str, object] = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            facts.update(json.loads(line))
    last_error = done.stderr.strip().splitlines()[-1:] if done.returncode > 0 else []
    return judge(done.returncode, facts, cpu_flags(), model_path.name, "".join(last_error))


def judge(
    returncode: int, facts: dict[str, object], flags: set[str] | None, name: str, error: str = ""
) -> tuple[Status, str]:
    """(status, detail) from the probe's exit and output and this CPU's flags."""
    features = build_features(str(facts.get("system_info", "")))
    missing = [f for f in features if flags is not None and CPU_FLAGS[f] not in flags]
    if returncode != 0:
        why = describe_exit(returncode, 0, None, f"loading {name}")
        if missing:
            why += f"; it was built for {', '.join(missing)}, which this CPU lacks"
        return "fail", "llama.cpp " + why + (f": {error}" if error else "")
    speed = f"{facts.get('tokens')} tokens in {facts.get('seconds')} s"
    native = [f for f in features if f in BEYOND_BASELINE]
    if native:
        return "warn", (
            f"{name}: {speed}, but llama.cpp was built for this CPU ({', '.join(native)}): "
            "a copy on another machine dies with SIGILL. Rebuild portable: make runtime"
        )
    built_for = ", ".join(features) or "no SIMD extensions"
    return "ok", f"{name}: {speed}; llama.cpp built for {built_for}"


def check_server(program: Path | None) -> tuple[Status, str]:
    """(status, detail) for the server the local model is served by: llama.cpp's own
    `llama-server` must start on this CPU; without it llama-cpp-python's server is used."""
    if program is None:
        return "ok", (
            "served by llama-cpp-python's server, one request at a time (llama-server is "
            "faster: make runtime builds it)"
        )
    try:
        done = subprocess.run(
            [str(program), "--version"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return "fail", f"{program} did not run: {exc}"
    if done.returncode != 0:
        why = describe_exit(done.returncode, 0, None, "printing its version")
        return "fail", f"{program} {why}. Rebuild it: make runtime"
    return "ok", f"served by llama-server ({program})"
