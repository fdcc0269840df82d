import subprocess
import sys

import pytest
from rle import decode, encode


def test_encode():
    assert encode("aaabcc") == "3a1b2c"
    assert encode("") == ""
    with pytest.raises(ValueError):
        encode("a1")


def test_decode_multi_digit():
    assert decode("12a1b") == "a" * 12 + "b"


def test_round_trip():
    for text in ["x", "hello  world", "aaaaaaaaaaaaaaab", "!!??  \n"]:
        assert decode(encode(text)) == text


@pytest.mark.parametrize("bad", ["3", "a", "0a", "2a3"])
def test_malformed(bad):
    with pytest.raises(ValueError):
        decode(bad)


def test_cli():
    done = subprocess.run(
        [sys.executable, "rle.py", "encode", "aab"], capture_output=True, text=True
    )
    assert done.stdout.strip() == "2a1b"
    done = subprocess.run(
        [sys.executable, "rle.py", "decode", "2a1b"], capture_output=True, text=True
    )
    assert done.stdout.strip() == "aab"
