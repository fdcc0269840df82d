from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    sku: str
    name: str
    price: float

    def __post_init__(self):
        if self.price < 0:
            raise ValueError("price must not be negative")
