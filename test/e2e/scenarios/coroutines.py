"""Coroutines driven by a Python-level loop (coro.send), suspended inside an
awaited coroutine, and coroutines parked in the heap."""
from support import pause


class Sleep:
    """An awaitable that yields control to the loop once."""

    def __init__(self, tag):
        self.tag = tag

    def __await__(self):
        got = yield self.tag
        return got


async def fetch(k):
    v = await Sleep(f"fetch {k}")
    pause()
    return f"{k}:{v}"


async def job(name, keys):
    out = []
    for k in keys:
        try:
            out.append(await fetch(k))
        finally:
            print(name, "step done", k)
    return out


def run(coros):
    """A round-robin loop: send each coroutine the last thing it yielded."""
    results = {}
    pending = {name: (c, None) for name, c in coros.items()}
    while pending:
        for name in list(pending):
            coro, value = pending[name]
            try:
                yielded = coro.send(value)
                print("loop", name, "yielded", yielded)
                pending[name] = (coro, yielded.upper())
            except StopIteration as stop:
                results[name] = stop.value
                del pending[name]
    return results


def main():
    print(run({"a": job("a", [1, 2]), "b": job("b", [3])}))
    parked = job("p", [7])
    print("parked yields", parked.send(None))
    pause()
    try:
        parked.send("late")
    except StopIteration as stop:
        print("parked result", stop.value)


main()
