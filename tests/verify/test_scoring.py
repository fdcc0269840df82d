import math

from repowright.artifacts.verdict import Finding
from repowright.blueprint.examples import EXAMPLES_PATH
from repowright.verify.scoring import EXAMPLE_WEIGHT, count


def failing(node: str) -> Finding:
    return Finding(check="tests", message=f"{node}: AssertionError")


def test_a_failing_document_example_outweighs_any_number_of_model_tests() -> None:
    example = failing(f"{EXAMPLES_PATH}::test_decode_example_1")
    own = [failing(f"tests/test_rle.py::test_{n}") for n in range(5)]
    assert count([example]) == EXAMPLE_WEIGHT > count(own) == 5
    assert count([]) == 0 and count(None) == math.inf
