"""Whatever bytes or structures a user's files hold, loading them ends in a clean error
(`RepowrightError`: one line, no traceback) or a value, never another exception."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from repowright.config import Settings
from repowright.errors import RepowrightError
from repowright.grading.rubric import load_rubric
from repowright.models.scripted import load_script
from repowright.pipeline.session import load_settings, run_state
from repowright.runs.store import RunDir

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
contents = st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()) | (
    st.dictionaries(st.sampled_from(["rules", "default", "settings", "input", "id",
                                     "sub_tasks", "weight", "repowright", "model"]),
                    json_values, max_size=4).map(lambda v: json.dumps(v).encode())
)  # fmt: skip
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def clean(load) -> None:  # type: ignore[no-untyped-def]
    with contextlib.suppress(RepowrightError):
        load()


@FUZZ
@given(contents)
def test_config_files(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "repowright.toml").write_bytes(data)
        clean(lambda: Settings.load(cwd=Path(folder)))


@FUZZ
@given(contents, contents)
def test_run_json_and_events(run_json: bytes, events: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "run.json").write_bytes(run_json)
        (root / "events.jsonl").write_bytes(events)

        def load() -> None:
            run = RunDir.open(root)
            run_state(run)
            load_settings(run, {})

        clean(load)


@FUZZ
@given(contents)
def test_scripted_model_files(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "s.json").write_bytes(data)
        clean(lambda: load_script(Path(folder) / "s.json"))


@FUZZ
@given(contents)
def test_rubrics(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "rubric.json").write_bytes(data)
        clean(lambda: load_rubric(Path(folder) / "rubric.json"))


def test_a_rubric_600_levels_deep(tmp_path: Path) -> None:
    opening = '{"id": "n%d", "requirements": "x", "weight": 1, "sub_tasks": ['
    text = "".join(opening % i for i in range(600)) + "]}" * 600
    (tmp_path / "rubric.json").write_text(text)
    clean(lambda: load_rubric(tmp_path / "rubric.json"))
