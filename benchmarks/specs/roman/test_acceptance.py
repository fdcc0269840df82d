import pytest
from roman import from_roman, to_roman


@pytest.mark.parametrize(
    "n,s",
    [
        (1, "I"),
        (4, "IV"),
        (9, "IX"),
        (14, "XIV"),
        (40, "XL"),
        (90, "XC"),
        (400, "CD"),
        (1994, "MCMXCIV"),
        (3999, "MMMCMXCIX"),
    ],
)
def test_to_roman(n, s):
    assert to_roman(n) == s


def test_round_trip():
    assert all(from_roman(to_roman(n)) == n for n in range(1, 4000))


@pytest.mark.parametrize("bad", [0, -1, 4000])
def test_to_roman_range(bad):
    with pytest.raises(ValueError):
        to_roman(bad)


@pytest.mark.parametrize("bad", ["IIII", "IC", "", "abc", "VV"])
def test_from_roman_rejects_non_canonical(bad):
    with pytest.raises(ValueError):
        from_roman(bad)
