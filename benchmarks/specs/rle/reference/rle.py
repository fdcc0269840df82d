import re
import sys
from itertools import groupby

RUN = re.compile(r"([1-9]\d*)(\D)")


def encode(data: str) -> str:
    if any(ch.isdigit() for ch in data):
        raise ValueError("digits cannot be run-length encoded unambiguously")
    return "".join(f"{len(list(group))}{ch}" for ch, group in groupby(data))


def decode(text: str) -> str:
    out, pos = [], 0
    while pos < len(text):
        match = RUN.match(text, pos)
        if match is None:
            raise ValueError(f"malformed run at position {pos}")
        out.append(match.group(2) * int(match.group(1)))
        pos = match.end()
    return "".join(out)


if __name__ == "__main__":
    command, text = sys.argv[1], sys.argv[2]
    print(encode(text) if command == "encode" else decode(text))
