import sys

from rpn import RPNError, evaluate

try:
    print(evaluate(" ".join(sys.argv[1:])))
except RPNError as exc:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(1)
