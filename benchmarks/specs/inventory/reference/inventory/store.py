from inventory.errors import OutOfStock
from inventory.models import Item


class Inventory:
    def __init__(self):
        self.items: dict[str, Item] = {}
        self.counts: dict[str, int] = {}

    def add(self, item: Item, quantity: int) -> None:
        if quantity < 1:
            raise ValueError("quantity must be positive")
        self.items[item.sku] = item
        self.counts[item.sku] = self.counts.get(item.sku, 0) + quantity

    def remove(self, sku: str, quantity: int) -> None:
        if sku not in self.counts:
            raise KeyError(sku)
        if self.counts[sku] < quantity:
            raise OutOfStock(sku)
        self.counts[sku] -= quantity
        if self.counts[sku] == 0:
            del self.counts[sku], self.items[sku]

    def quantity(self, sku: str) -> int:
        return self.counts.get(sku, 0)

    def total_value(self) -> float:
        return sum(self.items[s].price * q for s, q in self.counts.items())
