class RPNError(ValueError):
    """A malformed RPN expression."""
