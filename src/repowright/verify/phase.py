"""Pipeline step `verify` (thin foundation version): every Python file must compile."""

from __future__ import annotations

from typing import Any

from repowright.pipeline.context import RunContext
from repowright.verify.schema import Check, Finding, Verdict


async def run_verify(ctx: RunContext) -> dict[str, Any]:
    findings: list[Finding] = []
    files = sorted(ctx.run.repo.rglob("*.py"))
    for path in files:
        rel = str(path.relative_to(ctx.run.repo))
        try:
            compile(path.read_text(encoding="utf-8"), rel, "exec")
        except SyntaxError as exc:
            findings.append(Finding(file=rel, line=exc.lineno, message=exc.msg, check="compile"))
    status = "failed" if findings else ("passed" if files else "skipped")
    check = Check(
        name="compile", status=status, detail=f"{len(files)} Python files", findings=findings
    )
    verdict = Verdict.from_checks([check])
    ctx.run.write_json("verdict.json", verdict)
    return {
        "verified": verdict.verified,
        "failed_checks": [c.name for c in verdict.checks if c.status == "failed"],
    }
