import dataclasses

import pytest
from inventory import Inventory, InventoryError, Item, OutOfStock, format_report


def stocked():
    inv = Inventory()
    inv.add(Item("B2", "bolt", 0.25), 10)
    inv.add(Item("A1", "anvil", 100.0), 1)
    return inv


def test_item_is_frozen_and_validated():
    item = Item("X", "x", 1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.price = 2.0
    with pytest.raises(ValueError):
        Item("Y", "y", -1.0)


def test_add_accumulates_and_totals():
    inv = stocked()
    inv.add(Item("B2", "bolt", 0.25), 2)
    assert inv.quantity("B2") == 12
    assert inv.total_value() == pytest.approx(103.0)


def test_remove_and_errors():
    inv = stocked()
    inv.remove("B2", 10)
    assert inv.quantity("B2") == 0
    with pytest.raises(OutOfStock):
        inv.remove("A1", 2)
    with pytest.raises(KeyError):
        inv.remove("nope", 1)
    assert issubclass(OutOfStock, InventoryError)


def test_bad_quantity():
    with pytest.raises(ValueError):
        Inventory().add(Item("C", "c", 1.0), 0)


def test_report():
    assert format_report(stocked()).splitlines() == [
        "A1 anvil x1 = 100.00",
        "B2 bolt x10 = 2.50",
        "TOTAL 102.50",
    ]
