"""The test file of the document's own examples (`blueprint/examples.py`), written without
the model: one test per example, each showing the literal call, so a failure tells repair
exactly what the document expects (`assert to_roman(4) == 'IV'`)."""

from __future__ import annotations

from repowright.artifacts.blueprint import Blueprint
from repowright.blueprint.examples import Example, find_examples
from repowright.generate.prompt import module_name


def examples_source(bp: Blueprint, text: str) -> str | None:
    """The source of EXAMPLES_PATH, None when the document states no example (the model is
    never asked for this file)."""
    examples = find_examples(bp, text)
    if not examples:
        return None
    imports: dict[str, list[str]] = {}
    for e in examples:
        imports.setdefault(module_name(e.home), []).append(e.function)
        if e.raises_home:
            imports.setdefault(module_name(e.raises_home), []).append(e.raises)
    lines = [
        '"""The document\'s own examples, written from it (not by a model): when one fails,',
        'the code does not do what the document states."""',
        "",
    ]
    if any(e.raises or e.approx for e in examples):
        lines += ["import pytest", ""]
    lines += [
        f"from {module} import {', '.join(sorted(set(names)))}"
        for module, names in sorted(imports.items())
        if module
    ]
    counts: dict[str, int] = {}
    for e in examples:
        kind = "rejects" if e.raises else "example"
        counts[f"{e.function}_{kind}"] = n = counts.get(f"{e.function}_{kind}", 0) + 1
        lines += ["", "", f"def test_{e.function}_{kind}_{n}():", *_body(e)]
    return "\n".join(lines) + "\n"


def _body(e: Example) -> list[str]:
    call = f"{e.function}({', '.join(e.args)})"
    if e.raises:
        return [f"    with pytest.raises({e.raises}):", f"        {call}"]
    expected = f"pytest.approx({e.expected})" if e.approx else e.expected
    return [f"    assert {call} == {expected}"]
