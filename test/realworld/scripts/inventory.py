#!/usr/bin/env python3
"""Inventory tool: generate a stock file, then report on it.

Usage: inventory.py generate --items N --out stock.csv
       inventory.py report stock.csv --json report.json
       inventory.py all --items N
"""
import argparse
import csv
import json
import random
from dataclasses import dataclass, field, asdict
from enum import Enum, IntEnum


class Category(Enum):
    TOOLS = "tools"
    GARDEN = "garden"
    KITCHEN = "kitchen"
    TOYS = "toys"
    BOOKS = "books"


class Priority(IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


@dataclass
class Item:
    sku: str
    name: str
    category: Category
    price: float
    quantity: int
    priority: Priority = Priority.NORMAL
    tags: list = field(default_factory=list)

    @property
    def value(self):
        return round(self.price * self.quantity, 2)

    def needs_restock(self):
        return self.quantity < 10 * self.priority


WORDS = "red blue steel oak round large small deluxe basic pro mini classic".split()
NOUNS = "hammer rake pan kite novel saw hose pot doll atlas drill spade".split()


def generate(n, path, seed=7):
    rng = random.Random(seed)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["sku", "name", "category", "price", "quantity", "priority", "tags"])
        for i in range(n):
            name = f"{rng.choice(WORDS)} {rng.choice(NOUNS)}"
            cat = rng.choice(list(Category))
            tags = ";".join(sorted(rng.sample(WORDS, rng.randint(0, 3))))
            w.writerow([f"SKU{i:06d}", name, cat.value, f"{rng.uniform(1, 250):.2f}",
                        rng.randint(0, 120), rng.choice(list(Priority)).value, tags])
    print(f"generated {n} items into {path}")


def load(path):
    items = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            items.append(Item(row["sku"], row["name"], Category(row["category"]),
                              float(row["price"]), int(row["quantity"]),
                              Priority(int(row["priority"])),
                              [t for t in row["tags"].split(";") if t]))
    return items


def report(path, json_path):
    items = load(path)
    by_cat = {}
    for item in items:
        by_cat.setdefault(item.category, []).append(item)
    summary = {}
    for cat in Category:
        group = by_cat.get(cat, [])
        summary[cat.value] = {
            "count": len(group),
            "value": round(sum(i.value for i in group), 2),
            "restock": sum(1 for i in group if i.needs_restock()),
            "top": [i.sku for i in sorted(group, key=lambda i: (-i.value, i.sku))[:3]],
        }
        print(f"{cat.name:<8} {summary[cat.value]['count']:>6} items "
              f"value {summary[cat.value]['value']:>14.2f}")
    urgent = sorted((i for i in items if i.priority is Priority.HIGH and i.needs_restock()),
                    key=lambda i: (i.quantity, i.sku))
    print(f"urgent restocks: {len(urgent)}; first {[i.sku for i in urgent[:5]]}")
    tags = {}
    for item in items:
        for t in item.tags:
            tags[t] = tags.get(t, 0) + 1
    summary["tags"] = dict(sorted(tags.items(), key=lambda kv: (-kv[1], kv[0])))
    summary["sample"] = asdict(items[len(items) // 2]) | {"category": items[len(items) // 2].category.value}
    with open(json_path, "w") as f:
        json.dump(summary, f, indent=2, sort_keys=True, default=int)
    print(f"wrote {json_path}")


def main(argv=None):
    ap = argparse.ArgumentParser(description="inventory tool")
    sub = ap.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("generate")
    g.add_argument("--items", type=int, default=1000)
    g.add_argument("--out", default="stock.csv")
    r = sub.add_parser("report")
    r.add_argument("path")
    r.add_argument("--json", default="report.json")
    a = sub.add_parser("all")
    a.add_argument("--items", type=int, default=1000)
    args = ap.parse_args(argv)
    if args.cmd == "generate":
        generate(args.items, args.out)
    elif args.cmd == "report":
        report(args.path, args.json)
    else:
        for rnd in range(3):
            generate(args.items, f"stock{rnd}.csv", seed=rnd)
            report(f"stock{rnd}.csv", f"report{rnd}.json")


if __name__ == "__main__":
    main()
