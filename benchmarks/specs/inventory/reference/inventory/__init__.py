from inventory.errors import InventoryError, OutOfStock
from inventory.models import Item
from inventory.report import format_report
from inventory.store import Inventory

__all__ = ["Inventory", "InventoryError", "Item", "OutOfStock", "format_report"]
