from calc.errors import CalcError
from calc.lexer import tokenize


def evaluate(text: str) -> float:
    tokens = tokenize(text)
    pos = 0

    def peek():
        return tokens[pos] if pos < len(tokens) else None

    def take():
        nonlocal pos
        tok = peek()
        if tok is None:
            raise CalcError("unexpected end of expression")
        pos += 1
        return tok

    def expr() -> float:
        value = term()
        while (tok := peek()) is not None and tok.kind == "op" and tok.value in "+-":
            take()
            value = value + term() if tok.value == "+" else value - term()
        return value

    def term() -> float:
        value = factor()
        while (tok := peek()) is not None and tok.kind == "op" and tok.value in "*/":
            take()
            right = factor()
            if tok.value == "/":
                if right == 0:
                    raise CalcError("division by zero")
                value /= right
            else:
                value *= right
        return value

    def factor() -> float:
        tok = take()
        if tok.kind == "op" and tok.value == "-":
            return -factor()
        if tok.kind == "num":
            return tok.value
        if tok.kind == "lparen":
            value = expr()
            if take().kind != "rparen":
                raise CalcError("expected )")
            return value
        raise CalcError(f"unexpected {tok.value!r}")

    value = expr()
    if peek() is not None:
        raise CalcError(f"unexpected {peek().value!r}")
    return value
