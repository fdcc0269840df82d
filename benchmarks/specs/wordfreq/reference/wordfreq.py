import argparse
import re
import sys
from collections import Counter

WORD = re.compile(r"[A-Za-z0-9']+")


def top_words(text: str, n: int) -> list[tuple[str, int]]:
    if n < 1:
        raise ValueError("n must be at least 1")
    counts = Counter(w.lower() for w in WORD.findall(text))
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("-n", type=int, default=10)
    args = parser.parse_args()
    try:
        with open(args.file, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for word, count in top_words(text, args.n):
        print(f"{word}\t{count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
