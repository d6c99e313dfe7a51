"""A workload of sortedcontainers: an order book kept in SortedDict and
SortedList, range queries, bisect, and a SortedSet of seen ids."""
import random

from sortedcontainers import SortedDict, SortedList, SortedSet, SortedKeyList


def main():
    rng = random.Random(8)
    bids, asks = SortedDict(), SortedDict()
    trades = SortedKeyList(key=lambda t: (t[1], t[0]))
    seen = SortedSet()
    volume = 0
    for i in range(150000):
        price = round(100 + rng.gauss(0, 5), 2)
        size = rng.randint(1, 100)
        book = bids if rng.random() < 0.5 else asks
        book[price] = book.get(price, 0) + size
        seen.add(rng.randrange(1 << 20))
        if bids and asks and bids.peekitem(-1)[0] >= asks.peekitem(0)[0]:
            bp, bs = bids.popitem(-1)
            ap, as_ = asks.popitem(0)
            q = min(bs, as_)
            volume += q
            trades.add((i, round((bp + ap) / 2, 2), q))
            if bs > q:
                bids[bp] = bs - q
            if as_ > q:
                asks[ap] = as_ - q
    print("levels", len(bids), len(asks), "volume", volume, "trades", len(trades))
    print("best bid", bids.peekitem(-1), "best ask", asks.peekitem(0))
    print("bids 95-96:", sum(bids[p] for p in bids.irange(95, 96)))
    print("cheapest trades", list(trades[:3]))
    print("seen", len(seen), seen[:3], seen.bisect_left(1 << 19))
    prices = SortedList(asks.keys())
    prices.update(bids.keys())
    print("median", prices[len(prices) // 2], "count<100", prices.bisect_left(100))
    with open("book.txt", "w") as f:
        for p, s in asks.items()[:200]:
            f.write(f"ask {p} {s}\n")


if __name__ == "__main__":
    main()
