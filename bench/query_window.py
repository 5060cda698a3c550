"""Cost of keeping query (tagged) listeners' windows right as data changes.

    .venv/bin/python -m bench.query_window [children] [writes]

A chat-like list of N children with 50 ``limitToLast(10)`` listeners and 50 ranged
listeners; each write appends or edits one child. Prints the time per write, which
should stay flat as N grows (incremental windows, no full sort per write).
"""

from __future__ import annotations

import random
import sys
import time

from rtdb.core.auth import ADMIN
from rtdb.core.database import Database
from rtdb.core.query import QuerySpec


class Sink:
    def push(self, action: str, body: dict) -> None:
        pass


def run(n: int, writes: int) -> float:
    db = Database("bench")
    db.set(("chat",), {f"m{i:07d}": {"t": i, "u": f"u{i % 7}"} for i in range(n)}, ADMIN)
    last10 = QuerySpec.from_wire({"l": 10, "vf": "r", "i": ".key"})
    ranged = QuerySpec.from_wire({"i": "t", "sp": n - 20, "sin": True})
    for k in range(50):
        db.listen(Sink(), ("chat",), last10, 2 * k + 1, ADMIN)
        db.listen(Sink(), ("chat",), ranged, 2 * k + 2, ADMIN)
    rnd = random.Random(1)
    start = time.perf_counter()
    for w in range(writes):
        if w % 2:
            db.set(("chat", f"m{n + w:07d}"), {"t": n + w, "u": "x"}, ADMIN)
        else:
            db.set(("chat", f"m{rnd.randrange(n):07d}", "u"), "edited", ADMIN)
    return (time.perf_counter() - start) / writes


if __name__ == "__main__":
    sizes = [int(sys.argv[1])] if len(sys.argv) > 1 else [1_000, 10_000, 100_000]
    writes = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    for n in sizes:
        print(f"{n:>8} children, 100 query listeners: {run(n, writes) * 1e3:7.2f} ms/write")
