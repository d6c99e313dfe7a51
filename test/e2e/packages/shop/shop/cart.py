from .pricing import price_of
from .store import inventory


class Cart:
    def __init__(self):
        self.items = []

    def add(self, name, qty=1):
        if inventory.available(name) < qty:
            raise ValueError(f"not enough {name}")
        inventory.take(name, qty)
        self.items.append((name, qty))
        return self

    def total(self):
        return sum(price_of(name) * qty for name, qty in self.items)
