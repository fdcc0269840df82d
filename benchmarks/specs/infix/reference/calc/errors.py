class CalcError(Exception):
    """A malformed expression."""
