#!/usr/bin/env python3
"""Generates a web server access log, then parses it line by line and
reports the busiest paths, status codes and hourly traffic."""
import argparse
import collections
import json
import logging
import random
import re

log = logging.getLogger("logstats")

LINE = re.compile(r'(?P<ip>\S+) - - \[(?P<day>\d+)/Jan/2024:(?P<hour>\d\d):\d\d:\d\d\] '
                  r'"(?P<method>[A-Z]+) (?P<path>\S+) HTTP/1.1" (?P<status>\d{3}) (?P<size>\d+)')

PATHS = ["/", "/index.html", "/about", "/api/users", "/api/orders", "/static/app.js",
         "/static/style.css", "/login", "/logout", "/search?q=shoes", "/cart"]


def write_log(path, lines, rng):
    with open(path, "w") as f:
        for i in range(lines):
            ip = f"10.0.{rng.randint(0, 40)}.{rng.randint(1, 254)}"
            status = rng.choices([200, 301, 404, 500], [90, 4, 5, 1])[0]
            f.write(f'{ip} - - [{1 + i * 30 // lines:02d}/Jan/2024:{rng.randint(0, 23):02d}:'
                    f'{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}] '
                    f'"{rng.choice(["GET", "GET", "GET", "POST"])} {rng.choice(PATHS)} HTTP/1.1" '
                    f'{status} {rng.randint(100, 50000)}\n')
            if i % 997 == 0:
                f.write("garbage line that does not parse\n")
    log.info("wrote %d lines to %s", lines, path)


def analyse(path):
    paths = collections.Counter()
    statuses = collections.Counter()
    hours = collections.defaultdict(int)
    bytes_by_ip = collections.defaultdict(int)
    bad = 0
    with open(path) as f:
        for number, line in enumerate(f, 1):
            m = LINE.match(line)
            if not m:
                bad += 1
                log.warning("line %d does not parse: %r", number, line[:30])
                continue
            paths[m["path"]] += 1
            statuses[int(m["status"])] += 1
            hours[int(m["hour"])] += 1
            bytes_by_ip[m["ip"]] += int(m["size"])
    return paths, statuses, hours, bytes_by_ip, bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=120000)
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    logging.basicConfig(filename="logstats.log", level=logging.INFO,
                        format="%(levelname)s %(name)s: %(message)s")
    rng = random.Random(args.seed)
    write_log("access.log", args.lines, rng)
    paths, statuses, hours, bytes_by_ip, bad = analyse("access.log")
    print(f"{sum(statuses.values())} requests, {bad} bad lines")
    for p, n in paths.most_common(5):
        print(f"{n:>8}  {p}")
    for s in sorted(statuses):
        print(f"status {s}: {statuses[s]}")
    busiest = max(hours, key=lambda h: (hours[h], -h))
    print(f"busiest hour {busiest:02d}:00 with {hours[busiest]} requests")
    top = sorted(bytes_by_ip.items(), key=lambda kv: (-kv[1], kv[0]))[:10]
    with open("summary.json", "w") as f:
        json.dump({"paths": dict(paths.most_common()), "statuses": statuses,
                   "hours": [hours[h] for h in range(24)], "top_ips": top, "bad": bad},
                  f, indent=1)
    log.info("done")


if __name__ == "__main__":
    main()
