from calc.errors import CalcError
from calc.lexer import tokenize
from calc.parser import evaluate

__all__ = ["CalcError", "evaluate", "tokenize"]
