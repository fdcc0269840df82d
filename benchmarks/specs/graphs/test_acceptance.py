import math

import pytest
from graphs import CycleError, shortest_path, topo_sort

G = {"a": {"b": 1, "c": 4}, "b": {"c": 2, "d": 5}, "c": {"d": 1}, "d": {}}


def test_shortest_path():
    assert shortest_path(G, "a", "d") == (4, ["a", "b", "c", "d"])


def test_same_node():
    assert shortest_path(G, "b", "b") == (0, ["b"])


def test_unreachable():
    assert shortest_path(G, "d", "a") == (math.inf, [])


def test_negative_weight():
    with pytest.raises(ValueError):
        shortest_path({"a": {"b": -1}}, "a", "b")


def test_topo_sort_deterministic():
    assert topo_sort({"b": {"c": 1}, "a": {"c": 1}, "c": {}}) == ["a", "b", "c"]


def test_topo_sort_includes_neighbour_only_nodes():
    assert topo_sort({"x": {"y": 1}}) == ["x", "y"]


def test_cycle():
    with pytest.raises(CycleError):
        topo_sort({"a": {"b": 1}, "b": {"a": 1}})
    assert issubclass(CycleError, ValueError)
