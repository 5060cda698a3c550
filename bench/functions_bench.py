"""Cloud Functions round trip on the local stack, driven by the real JS SDK.

    .venv/bin/python -m bench.functions_bench [--samples 40]

A writer (one SDK app) sets `echo/<id>`; rtdb delivers the created event to the Functions
emulator; the test codebase's `echo` function (tests/cloudfunctions/codebase) writes
`echoed/<id>` through firebase-admin; a second SDK app listening on `echoed` sees it. The
first write after start pays the function worker's cold start and is reported on its own
line; then `--samples` warm round trips give p50/p99. A callable (`whoami`, through the
Functions JS SDK in Node, signed in) is timed cold and warm the same way.

Loopback only and bounded; prints a table, asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from bench._table import percentile, print_table
from tools.stack import NAMESPACE
from tools.testing.jsclient import JsDriver
from tools.testing.stacks import call_function, start_functions_stack


def round_trip(writer, reader, listener: int) -> float:
    key = uuid.uuid4().hex[:12]
    t0 = time.perf_counter()
    writer.set(f"echo/{key}", {"k": key})
    reader.wait_for(
        lambda evs: any(e.get("key") == key for e in evs), listener=listener, timeout=60
    )
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nimbus-fn-bench-") as tmp:
        t0 = time.perf_counter()
        stack = start_functions_stack(Path(tmp))
        started = time.perf_counter() - t0
        driver = JsDriver(stack.ports.host, stack.ports.database)
        try:
            token = {"sub": "bench", "user_id": "bench"}
            writer = driver.client(NAMESPACE, token=token)
            reader = driver.client(NAMESPACE, token=token)
            listener = reader.on("child_added", "echoed")
            cold = round_trip(writer, reader, listener)
            warm = [round_trip(writer, reader, listener) for _ in range(args.samples)]

            from firebase_admin import auth

            from tools.seed import admin_app

            email = f"bench-{uuid.uuid4().hex[:8]}@nimbus.test"
            auth.create_user(email=email, password="bench-password", app=admin_app(stack))
            calls = [
                call_function(stack, "whoami", {"i": i}, email=email, password="bench-password")
                for i in range(11)
            ]
        finally:
            driver.close()
            stack.stop()
    call_ms = [c["ms"] for c in calls if c.get("ok")]
    rows = [
        ("stack start (rtdb + auth,functions,hosting)", f"{started * 1000:.0f}", "to ready"),
        ("write -> trigger -> function's write seen, cold", f"{cold:.0f}", "first event"),
        (
            f"  same, warm p50 (n={len(warm)})",
            f"{statistics.median(warm):.0f}",
            "goal <= 150 ms",
        ),
        (f"  same, warm p99 (n={len(warm)})", f"{percentile(warm, 99):.0f}", ""),
        ("callable whoami via JS SDK, cold", f"{call_ms[0]:.0f}", "first call"),
        (
            f"  same, warm p50 (n={len(call_ms) - 1})",
            f"{statistics.median(call_ms[1:]):.0f}",
            "each call a fresh Node + sign-in; timed from call",
        ),
    ]
    print_table(rows, "ms", 6)


if __name__ == "__main__":
    main()
