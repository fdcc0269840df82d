import operator

from rpn.errors import RPNError

OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


def evaluate(expression: str) -> float:
    stack: list[float] = []
    for token in expression.split():
        if token in OPS:
            if len(stack) < 2:
                raise RPNError(f"not enough operands for {token}")
            b, a = stack.pop(), stack.pop()
            if token == "/" and b == 0:
                raise RPNError("division by zero")
            stack.append(OPS[token](a, b))
        else:
            try:
                stack.append(float(token))
            except ValueError:
                raise RPNError(f"unknown token {token!r}") from None
    if len(stack) != 1:
        raise RPNError("expected exactly one result")
    return stack[0]
