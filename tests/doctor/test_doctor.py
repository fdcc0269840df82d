"""`repowright doctor`: honest checks, key names never values, exit 1 on a required failure."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from repowright.cli.app import app
from repowright.doctor import checks
from repowright.doctor.runtime import build_features, cpu_flags, judge

runner = CliRunner()
NATIVE_INFO = (
    "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | FMA = 1 | AVX512 = 1 | AMX_INT8 = 1 | OPENMP = 1 |"
)
PORTABLE_INFO = "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | FMA = 1 | F16C = 1 | LLAMAFILE = 1 |"
OLD_CPU = {"pni", "avx", "avx2", "fma", "f16c"}


def test_build_features_and_cpu_flags(tmp_path: Path) -> None:
    assert build_features(NATIVE_INFO) == ["SSE3", "AVX", "AVX2", "FMA", "AVX512", "AMX_INT8"]
    info = tmp_path / "cpuinfo"
    info.write_text("processor : 0\nflags\t\t: fpu sse2 avx2 amx_int8\n")
    assert cpu_flags(info) == {"fpu", "sse2", "avx2", "amx_int8"}
    assert cpu_flags(tmp_path / "none") is None


def test_judge_names_the_signal_and_the_missing_instructions() -> None:
    status, detail = judge(-signal.SIGILL, {"system_info": NATIVE_INFO}, OLD_CPU, "m.gguf")
    assert status == "fail"
    assert "SIGILL" in detail and "AVX512, AMX_INT8, which this CPU lacks" in detail
    assert "make install" in detail  # what to do


def test_judge_warns_on_a_native_build_that_works_here() -> None:
    facts = {"system_info": NATIVE_INFO, "tokens": 4, "seconds": 0.3}
    status, detail = judge(0, facts, OLD_CPU | {"avx512f", "amx_int8"}, "m.gguf")
    assert status == "warn" and "built for this CPU (AVX512, AMX_INT8)" in detail


def test_judge_accepts_a_portable_build() -> None:
    facts = {"system_info": PORTABLE_INFO, "tokens": 4, "seconds": 0.3}
    assert judge(0, facts, OLD_CPU, "m.gguf") == (
        "ok",
        "m.gguf: 4 tokens in 0.3 s; llama.cpp built for SSE3, AVX, AVX2, FMA, F16C",
    )


def test_the_server_binary_must_start_on_this_cpu(tmp_path: Path) -> None:
    from repowright.doctor.runtime import check_server

    status, detail = check_server(None)
    assert status == "ok" and "llama-cpp-python's server" in detail
    good, bad = tmp_path / "good", tmp_path / "bad"
    good.write_text("#!/bin/sh\necho version: 1\n")
    bad.write_text("#!/bin/sh\nkill -ILL $$\n")
    for script in (good, bad):
        script.chmod(0o755)
    assert check_server(good) == ("ok", f"served by llama-server ({good})")
    status, detail = check_server(bad)
    assert status == "fail" and "SIGILL" in detail and "make runtime" in detail


def test_doctor_json_lists_key_names_never_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-very-secret-value")
    ok = checks.Check(name="local model", status="ok", detail="fine")
    monkeypatch.setattr(checks, "check_local_runtime", lambda: ok)
    result = runner.invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0, result.output
    found = {c["name"]: c for c in json.loads(result.stdout)["checks"]}
    assert set(found) == {
        "python",
        "provider keys",
        "price table",
        "disk",
        "sandbox",
        "local model",
    }
    assert all(set(c) == {"name", "status", "detail"} for c in found.values())
    assert "OPENAI_API_KEY" in found["provider keys"]["detail"]
    assert "sk-very-secret-value" not in result.output


def test_doctor_fails_when_a_required_check_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = checks.Check(name="local model", status="fail", detail="llama.cpp was killed by SIGILL")
    monkeypatch.setattr(checks, "check_local_runtime", lambda: bad)
    result = runner.invoke(app, ["doctor"])
    assert result.exit_code == 1
    assert "fail  local model" in result.output and "SIGILL" in result.output


@pytest.mark.local_model
def test_real_local_runtime_loads_and_generates_here() -> None:
    check = checks.check_local_runtime()
    assert check.status == "ok", check.detail
