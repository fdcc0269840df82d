import argparse
import csv
import io
import json
import re
import sys


def _infer(value: str):
    if value == "":
        return None
    if re.fullmatch(r"[+-]?\d+", value):
        return int(value)
    if re.fullmatch(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?", value):
        return float(value)
    if value.lower() in ("true", "false"):
        return value.lower() == "true"
    return value


def convert(csv_text: str, infer_types: bool = True) -> list[dict]:
    rows = list(csv.reader(io.StringIO(csv_text)))
    if not rows:
        return []
    header, out = rows[0], []
    for row in rows[1:]:
        if len(row) != len(header):
            raise ValueError(f"row has {len(row)} fields, header has {len(header)}")
        out.append({k: (_infer(v) if infer_types else v) for k, v in zip(header, row, strict=True)})
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("input")
    parser.add_argument("-o", "--output")
    parser.add_argument("--no-infer", action="store_true")
    args = parser.parse_args()
    with open(args.input, newline="", encoding="utf-8") as fh:
        data = convert(fh.read(), infer_types=not args.no_infer)
    text = json.dumps(data, indent=2)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
