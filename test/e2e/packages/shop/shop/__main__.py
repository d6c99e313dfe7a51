"""python -m shop: fills a cart, suspending between items when asked."""
import inspect
import os
import sys

import sleepy
from shop import Cart, VERSION
from shop.cart import Cart as C2

cart = Cart()
for name, qty in [("apple", 2), ("pear", 1), ("fig", 3)]:
    cart.add(name, qty)
    print("added", name, qty, "total", cart.total(), flush=True)
    if os.environ.get("SHOP_SUSPEND"):
        sleepy.suspend()
print("version", VERSION, "rewritten", sleepy.is_rewritten(Cart.add), C2 is Cart)
src = inspect.getsource(Cart.total) if "--source" in sys.argv else ""
print("source lines", len(src.splitlines()))
