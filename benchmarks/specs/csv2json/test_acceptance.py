import json
import subprocess
import sys
from pathlib import Path

import pytest
from csv2json import convert

CSV = 'name,age,score,active,note\nAda,36,9.5,true,"hello, world"\nBob,,7,FALSE,\n'


def test_types_inferred():
    rows = convert(CSV)
    assert rows[0] == {
        "name": "Ada",
        "age": 36,
        "score": 9.5,
        "active": True,
        "note": "hello, world",
    }
    assert rows[1] == {"name": "Bob", "age": None, "score": 7, "active": False, "note": None}


def test_no_inference_keeps_strings():
    rows = convert(CSV, infer_types=False)
    assert rows[0]["age"] == "36" and rows[0]["active"] == "true"


def test_ragged_row_rejected():
    with pytest.raises(ValueError):
        convert("a,b\n1,2,3\n")


def test_quoted_newline():
    rows = convert('a,b\n"line1\nline2",2\n')
    assert rows == [{"a": "line1\nline2", "b": 2}]


def test_cli_to_file(tmp_path: Path):
    src = tmp_path / "in.csv"
    src.write_text(CSV)
    out = tmp_path / "out.json"
    done = subprocess.run(
        [sys.executable, "csv2json.py", str(src), "-o", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text())[0]["age"] == 36


def test_cli_stdout_no_infer(tmp_path: Path):
    src = tmp_path / "in.csv"
    src.write_text(CSV)
    done = subprocess.run(
        [sys.executable, "csv2json.py", str(src), "--no-infer"], capture_output=True, text=True
    )
    assert json.loads(done.stdout)[0]["age"] == "36"
