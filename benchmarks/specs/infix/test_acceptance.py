import pytest
from calc import CalcError, evaluate, tokenize


@pytest.mark.parametrize(
    "expr,value",
    [
        ("1 + 2", 3),
        ("2 * (3 + 4)", 14),
        ("10 - 4 - 3", 3),
        ("8 / 4 / 2", 1),
        ("-3 + 5", 2),
        ("-(2 + 1) * 2", -6),
        ("2 + 3 * 4", 14),
        ("1.5 * 2", 3),
    ],
)
def test_evaluate(expr, value):
    assert evaluate(expr) == pytest.approx(value)


def test_tokens():
    tokens = tokenize("2*(3)")
    assert [t.kind for t in tokens] == ["num", "op", "lparen", "num", "rparen"]
    assert tokens[0].value == 2.0


@pytest.mark.parametrize("bad", ["", "(1 + 2", "1 + 2)", "1 +", "1 / 0", "2 $ 3"])
def test_errors(bad):
    with pytest.raises(CalcError):
        evaluate(bad)
