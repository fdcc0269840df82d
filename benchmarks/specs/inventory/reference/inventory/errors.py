class InventoryError(Exception):
    pass


class OutOfStock(InventoryError):
    pass
