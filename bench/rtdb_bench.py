"""Load bench for the local Realtime Database server, driven by the real JS SDK.

    .venv/bin/python -m bench.rtdb_bench [--conns 1000] [--seconds 10] [--rate 1000]

For durability ON (``--data`` tmp dir: every write fsync'd before its ack) and OFF (memory
only) it measures, each phase against a fresh ``python -m rtdb`` on 127.0.0.1:

* connections held: N concurrent SDK app instances (one WebSocket each), each listening;
* max writes/s: one SDK writer with a window of outstanding writes, as fast as acks come;
* paced writes at --rate/s: acked writes/s, ack latency, and write -> other client's event
  latency (a second SDK client, in another Node process, listening on the parent);
* the same paced run with the N connections held open at the same time.

``--rules data-read`` runs every phase under rules whose reads depend on data (access to
``conns``/``bench`` follows ``/members/open``, as a course's posts follow its enrolments),
so every listen is one the server must revoke if that data changes: it prices the
read-revocation bookkeeping per write and per listen.

"server CPU ms/write" (the server process's user+system CPU over the phase / acked writes)
is the server's own cost and barely depends on machine load; latencies do: all processes
share the cores, so the table also prints the load average.

Bounded: every phase lasts --seconds (plus a few seconds of setup), loopback only. Prints
one aligned plain-text table; nothing here asserts timing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

from tools.project import ROOT
from tools.testing.rtdb_process import RtdbServer, start_server, stop_server

JS = ROOT / "bench" / "js" / "bench.mjs"


def start(data: str | None) -> RtdbServer:
    """One ``python -m rtdb`` process (optionally under py-spy or cProfile via env)."""
    prefix = os.environ.get("RTDB_BENCH_SERVER_PREFIX", "").split()
    return start_server(Path(data) if data else None, quiet=True, prefix=prefix)


DATA_READ_RULES = {
    "rules": {
        ".write": True,
        "conns": {".read": "root.child('members/open').val() == true"},
        "bench": {".read": "root.child('members/open').val() == true"},
        "ready": {".read": True},
    }
}


def load_rules(port: int, ns: str, rules: str | None) -> None:
    """Upload the phase's rules (and the data they read) before any client connects."""
    if rules != "data-read":
        return
    for path, body in (
        ("/.settings/rules.json", DATA_READ_RULES),
        ("/members.json", {"open": True}),
    ):
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}?ns={ns}",
            data=json.dumps(body).encode(),
            method="PUT",
            headers={"Authorization": "Bearer owner"},
        )
        urllib.request.urlopen(req, timeout=10).read()


def node(*args: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        ["node", str(JS), *map(str, args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def result(proc: subprocess.Popen[str], mode: str, timeout: float) -> dict[str, Any]:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        msg = json.loads(line)
        if msg.get("mode") == mode:
            return msg
        if time.monotonic() > deadline:
            break
    return {}


def finish(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def phase_conns(
    server: RtdbServer, count: int, seconds: float, rules: str | None
) -> dict[str, Any]:
    """Open ``count`` connections split over two Node processes (one per core)."""
    ns = f"bench-{uuid.uuid4().hex[:8]}"
    load_rules(server.port, ns, rules)
    halves = [count // 2, count - count // 2]
    procs = [node("conns", server.port, ns, n, seconds) for n in halves]
    try:
        res = [result(p, "conns", 90) for p in procs]
        time.sleep(min(seconds, 5))  # held: is the server still fine with all of them?
        rss = server.rss_mb()
    finally:
        for p in procs:
            finish(p)
    return {
        "connected": sum(r.get("connected", 0) for r in res),
        "ms": max((r.get("ms", float("nan")) for r in res), default=float("nan")),
        "rss": rss,
    }


def phase_writes(
    server: RtdbServer, rate: int, seconds: float, window: int, hold: int, rules: str | None
) -> dict[str, Any]:
    """One writer, one listener in another process (and ``hold`` idle connections)."""
    ns = f"bench-{uuid.uuid4().hex[:8]}"
    load_rules(server.port, ns, rules)
    holders: list[subprocess.Popen[str]] = []
    held = 0
    if hold:
        holders = [node("conns", server.port, ns, hold, seconds + 20)]
        held = result(holders[0], "conns", 90).get("connected", 0)
    listener = node("listen", server.port, ns, seconds + 3)
    try:
        result(listener, "listening", 30)
        cpu0 = server.cpu_s()
        writer = node("write", server.port, ns, rate, seconds, window)
        w = result(writer, "write", seconds + 30)
        cpu = server.cpu_s() - cpu0
        lat = result(listener, "listen", 30)
        finish(writer)
    finally:
        finish(listener)
        for h in holders:
            finish(h)
    per_write = cpu * 1000 / w["acked"] if w.get("acked") else float("nan")
    return {"write": w, "event": lat, "held": held, "rss": server.rss_mb(), "cpu": per_write}


def fmt(v: Any, digits: int = 1) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def run(durable: bool, args: argparse.Namespace) -> list[list[str]]:
    label = "on" if durable else "off"
    rows: list[list[str]] = []
    tmp = tempfile.mkdtemp(prefix="rtdb-bench-") if durable else None

    def fresh() -> RtdbServer:
        data = tempfile.mkdtemp(dir=tmp) if tmp else None
        return start(data)

    server = fresh()
    try:
        c = phase_conns(server, args.conns, args.seconds, args.rules)
    finally:
        stop_server(server, grace=20)
    rows.append(
        [
            label,
            f"connections held (of {args.conns})",
            fmt(c["connected"]),
            f"all open in {fmt(c['ms'] / 1000, 2)} s",
            "-",
            "-",
            "-",
            fmt(c["rss"], 0),
            "-",
            fmt(os.getloadavg()[0], 2),
        ]
    )
    cases = [
        ("max writes/s (window 200)", 0, 200, 0),
        (f"paced {args.rate} writes/s", args.rate, 200, 0),
    ]
    if args.conns:
        cases.append((f"paced {args.rate}/s + {args.conns} conns", args.rate, 200, args.conns))
    for name, rate, window, hold in cases:
        server = fresh()
        try:
            r = phase_writes(server, rate, args.seconds, window, hold, args.rules)
        finally:
            stop_server(server, grace=20)
        w, e = r["write"], r["event"]
        ack = w.get("ack", {})
        rows.append(
            [
                label,
                name + (f" (held {r['held']})" if hold else ""),
                fmt(w.get("perSec"), 0),
                f"ack p50 {fmt(ack.get('p50'))} / p99 {fmt(ack.get('p99'))} ms",
                fmt(e.get("p50")),
                fmt(e.get("p99")),
                fmt(e.get("max")),
                fmt(r["rss"], 0),
                fmt(r["cpu"], 3),
                fmt(os.getloadavg()[0], 2),
            ]
        )
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conns", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--only", choices=["on", "off"], default=None)
    parser.add_argument("--rules", choices=["data-read"], default=None)
    args = parser.parse_args()
    rows: list[list[str]] = []
    for durable in (True, False):
        if args.only and args.only != ("on" if durable else "off"):
            continue
        rows += run(durable, args)
    header = [
        "durable",
        "phase",
        "value (conns | acked w/s)",
        "detail",
        "event p50 ms",
        "event p99 ms",
        "event max ms",
        "server RSS MB",
        "server CPU ms/write",
        "load avg",
    ]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    rules = f", rules {args.rules}" if args.rules else ", no rules"
    print(f"rtdb bench: {os.cpu_count()} cores, {args.seconds:g} s per phase, loopback{rules}")
    for r in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)))


if __name__ == "__main__":
    main()
