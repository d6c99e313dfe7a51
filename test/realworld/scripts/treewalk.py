#!/usr/bin/env python3
"""Creates a project-like directory tree, then walks it with pathlib:
sizes per suffix, duplicate files by content hash, a manifest."""
import hashlib
import json
import random
import sys
from pathlib import Path


def make_tree(root: Path, rng: random.Random, dirs=60, files=25):
    suffixes = [".py", ".txt", ".md", ".json", ".csv", ".cfg"]
    for d in range(dirs):
        sub = root / f"pkg{d % 7}" / f"mod{d}"
        sub.mkdir(parents=True, exist_ok=True)
        for i in range(files):
            name = f"file{i}{rng.choice(suffixes)}"
            body = "\n".join(f"line {k} of {name}: {rng.random():.6f}"
                             for k in range(rng.randint(5, 200)))
            if rng.random() < 0.1:
                body = "duplicate content\n" * 50
            (sub / name).write_text(body)


def digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(4096), b""):
            h.update(chunk)
    return h.hexdigest()


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    rng = random.Random(11)
    root = Path("tree")
    for r in range(rounds):
        make_tree(root, rng)
        by_suffix = {}
        by_hash = {}
        lines = 0
        for p in sorted(root.rglob("*")):
            if p.is_dir():
                continue
            by_suffix[p.suffix] = by_suffix.get(p.suffix, 0) + p.stat().st_size
            by_hash.setdefault(digest(p), []).append(p.as_posix())
            with p.open() as f:
                for line in f:
                    lines += 1
        dups = {h: ps for h, ps in by_hash.items() if len(ps) > 1}
        print(f"round {r}: {sum(len(v) for v in by_hash.values())} files, {lines} lines, "
              f"{len(dups)} duplicate groups")
        for s, n in sorted(by_suffix.items()):
            print(f"  {s:<6} {n:>10} bytes")
        manifest = Path("manifests") / f"round{r}.json"
        manifest.parent.mkdir(exist_ok=True)
        manifest.write_text(json.dumps({"suffixes": by_suffix,
                                        "duplicates": sorted(dups.values())}, indent=2))
    print("largest:", max((p for p in root.rglob("*.txt")), key=lambda p: (p.stat().st_size, p.name)).name)


if __name__ == "__main__":
    main()
