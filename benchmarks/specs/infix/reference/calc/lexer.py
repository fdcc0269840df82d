from dataclasses import dataclass

from calc.errors import CalcError


@dataclass
class Token:
    kind: str
    value: object


def tokenize(text: str) -> list[Token]:
    tokens, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch.isdigit() or ch == ".":
            j = i
            while j < len(text) and (text[j].isdigit() or text[j] == "."):
                j += 1
            try:
                tokens.append(Token("num", float(text[i:j])))
            except ValueError:
                raise CalcError(f"bad number {text[i:j]!r}") from None
            i = j
        elif ch in "+-*/":
            tokens.append(Token("op", ch))
            i += 1
        elif ch in "()":
            tokens.append(Token("lparen" if ch == "(" else "rparen", ch))
            i += 1
        else:
            raise CalcError(f"unexpected character {ch!r}")
    return tokens
