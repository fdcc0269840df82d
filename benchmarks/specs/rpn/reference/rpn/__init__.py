from rpn.calc import evaluate
from rpn.errors import RPNError

__all__ = ["RPNError", "evaluate"]
