"""Hostile input beside ordinary clients (issue 9 items 10-12), against ``python -m rtdb``.

    .venv/bin/python -m bench.hostile_bench [--clients 50] [--seconds 3]

50 ordinary clients (raw protocol-v5 WebSockets in a separate process, so the bench's
own work never delays them) listen to one location that a ticker writes 20 times a
second; each push's latency is write-sent -> pushed-to-listener. Beside them, one row
at a time, a hostile client does one thing, signed out and under the app's real rules
(``rules/database.rules.json``) where rules apply:

* PATCH / with 40,000 keys, and with 1.3 million keys (17 MB): refused;
* PUT of 100 MB of small objects: refused;
* the same 40,000-key PATCH as an admin, on an open namespace: accepted;
* 10 WebSocket consumers that never read, listening where 256 KB writes land;
* one WebSocket frame declaring 300 MB, and one 100 MB message in 16 KB frames.

Each row prints the ordinary clients' push latency (p99, max) during it and the server's
peak RSS above idle. Goals: p99 <= 100 ms and RSS within 200 MB of idle. Loopback only,
bounded (each row stops on its own), about a minute in all. Prints, never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench._table import print_table
from tools.project import ROOT
from tools.testing.rawws import raw_ws, ws_frame
from tools.testing.rtdb_process import RtdbServer, start_server, stop_server

RULES = ROOT / "rules" / "database.rules.json"
OWNER = {"Authorization": "Bearer owner"}


# -- the server -----------------------------------------------------------------------


class PeakRss:
    """Samples the server's RSS every 20 ms on a thread while a row runs."""

    def __init__(self, server: RtdbServer) -> None:
        self.server = server
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.server.rss_mb())
            time.sleep(0.02)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.3)  # what the row left behind counts too
        self._stop.set()
        self._thread.join()


def http(url: str, method: str, target: str, body: bytes | None, headers: dict | None = None):
    req = urllib.request.Request(url + target, data=body, method=method, headers=headers or {})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=120) as resp:
            resp.read()
            status = resp.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - started


# -- ordinary clients (a child process: ``--clients-process``) --------------------------


async def ordinary(url: str, ns: str, count: int) -> None:
    """``count`` listeners + one ticker; stdin 'reset' / 'report' / 'stop'."""
    import aiohttp

    lat: list[float] = []
    ws_url = f"{url.replace('http', 'ws')}/.ws?v=5&ns={ns}"
    async with aiohttp.ClientSession() as session:

        async def listener() -> None:
            ws = await session.ws_connect(ws_url, max_msg_size=0)
            await ws.receive()
            req = {"t": "d", "d": {"r": 1, "a": "q", "b": {"p": "/room", "h": ""}}}
            await ws.send_str(json.dumps(req))
            async for msg in ws:
                now = time.time() * 1000
                data = json.loads(msg.data).get("d", {})
                body = data.get("b", {}) if data.get("a") == "d" else {}
                sent = body.get("d") if body.get("p") == "room/tick" else None
                if isinstance(sent, (int, float)):
                    lat.append(now - sent)

        tasks = [asyncio.create_task(listener()) for _ in range(count)]
        ticker = await session.ws_connect(ws_url)
        await ticker.receive()

        async def tick() -> None:
            r = 0
            while True:
                r += 1
                body = {"p": "/room/tick", "d": time.time() * 1000}
                await ticker.send_str(json.dumps({"t": "d", "d": {"r": r, "a": "p", "b": body}}))
                await asyncio.sleep(0.05)

        async def drain() -> None:
            async for _ in ticker:
                pass

        tasks += [asyncio.create_task(tick()), asyncio.create_task(drain())]
        await asyncio.sleep(1.0)
        print("ready", flush=True)
        loop = asyncio.get_running_loop()
        while True:
            line = (await loop.run_in_executor(None, sys.stdin.readline)).strip()
            if line == "reset":
                lat.clear()
            elif line == "report":
                xs = sorted(lat)
                p99 = xs[min(len(xs) - 1, int(len(xs) * 0.99))] if xs else float("nan")
                print(json.dumps({"n": len(xs), "p99": p99, "max": xs[-1] if xs else 0}))
                sys.stdout.flush()
            else:
                break
        for t in tasks:
            t.cancel()


class Ordinary:
    def __init__(self, url: str, ns: str, count: int) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.hostile_bench", "--clients-process", url, ns, str(count)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None and self.proc.stdin is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def _say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()

    def reset(self) -> None:
        self._say("reset")

    def report(self) -> dict[str, Any]:
        self._say("report")
        assert self.proc.stdout is not None
        return json.loads(self.proc.stdout.readline())

    def stop(self) -> None:
        self._say("stop")
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


# -- raw WebSocket pieces for the hostile rows ---------------------------------------------


def closed_within(sock: socket.socket, seconds: float) -> bool:
    """True when the server closes (close frame or EOF/reset) within ``seconds``."""
    sock.settimeout(seconds)
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk or b"\x88" in chunk[:1] or b"\x88\x02\x03\xf1" in chunk:
                return True
    except (TimeoutError, ConnectionError):
        return not isinstance(sys.exc_info()[1], TimeoutError)
    return False


# -- rows ----------------------------------------------------------------------------------


def keys(n: int) -> bytes:
    """An update of ``n`` small objects: 1.3 million of them make the issue's 17 MB."""
    return json.dumps({f"{i:x}": {"v": 1} for i in range(n)}, separators=(",", ":")).encode()


def row_patch(server: RtdbServer, n: int, ns: str, headers: dict | None = None) -> str:
    body = keys(n)
    status, took = http(server.url, "PATCH", f"/.json?ns={ns}&print=silent", body, headers)
    return f"{len(body) / 1e6:.1f} MB body: {status} in {took * 1000:.0f} ms"


def row_put(server: RtdbServer) -> str:
    body = json.dumps([{"a": i, "b": "y" * 20} for i in range(2_900_000)]).encode()
    status, took = http(server.url, "PUT", "/.json?ns=nimbus", body)
    return f"{len(body) / 1e6:.0f} MB body: {status} in {took * 1000:.0f} ms"


def row_slow_consumers(server: RtdbServer) -> str:
    socks = []
    for _ in range(10):
        sock = raw_ws("127.0.0.1", server.port, "slow", rcvbuf=4096)
        req = {"t": "d", "d": {"r": 1, "a": "q", "b": {"p": "/flood", "h": ""}}}
        sock.sendall(ws_frame(json.dumps(req).encode()))
        socks.append(sock)
    time.sleep(0.3)
    chunk = json.dumps("z" * 256 * 1024).encode()
    started = time.monotonic()
    for i in range(120):  # 30 MB per consumer if none were ever dropped, at 25 writes/s
        http(server.url, "PUT", f"/flood/{i}.json?ns=slow&print=silent", chunk, OWNER)
        time.sleep(0.04)
    took = time.monotonic() - started
    dropped = sum(closed_within(s, 0.5) for s in socks)
    for s in socks:
        s.close()
    return f"120 x 256 KB pushes in {took:.1f} s; {dropped}/10 consumers dropped"


def row_huge_frame(server: RtdbServer) -> str:
    sock = raw_ws("127.0.0.1", server.port, "frames", rcvbuf=0)
    started = time.monotonic()
    sock.sendall(ws_frame(b"", declared=300 * 1024 * 1024) + b"\0" * (1024 * 1024))
    refused = closed_within(sock, 5)
    sock.close()
    took = (time.monotonic() - started) * 1000
    return f"{'closed (1009)' if refused else 'NOT refused'} after {took:.0f} ms"


def row_split_message(server: RtdbServer) -> str:
    sock = raw_ws("127.0.0.1", server.port, "frames", rcvbuf=0)
    frames = 100 * 64  # 100 MB in 16 KB frames
    head = json.dumps({"t": "d", "d": {"r": 1, "a": "p", "b": {"p": "/x", "d": ""}}})[:-4]
    started = time.monotonic()
    sock.sendall(ws_frame(str(frames).encode()))
    piece = ws_frame(b"x" * 16384)  # the same masked frame each time: it is never stored
    sock.sendall(ws_frame((head + "x" * (16384 - len(head))).encode()))
    for _ in range(frames - 2):
        sock.sendall(piece)
    sock.sendall(ws_frame(b'x"}}}'))
    sock.settimeout(10)
    answer = b""
    while b"write_too_big" not in answer:
        chunk = sock.recv(65536)
        if not chunk:
            break
        answer += chunk
    sock.close()
    took = (time.monotonic() - started) * 1000
    verdict = "write_too_big" if b"write_too_big" in answer else "no answer"
    return f"{verdict} after {took:.0f} ms"


def run(args: argparse.Namespace) -> None:
    data = tempfile.mkdtemp(prefix="rtdb-hostile-")
    server = start_server(Path(data), quiet=True)
    rows: list[tuple[str, str, str]] = []
    try:
        http(server.url, "PUT", "/.settings/rules.json?ns=nimbus", RULES.read_bytes(), OWNER)
        clients = Ordinary(server.url, "ordinary", args.clients)
        time.sleep(1.0)
        idle = server.rss_mb()
        cases = [
            ("idle (ordinary clients only)", lambda: (time.sleep(args.seconds), "")[1]),
            ("PATCH / 40k keys, signed out", lambda: row_patch(server, 40_000, "nimbus")),
            ("PATCH / 1.3M keys, signed out", lambda: row_patch(server, 1_300_000, "nimbus")),
            ("PUT / 100 MB small objects, signed out", lambda: row_put(server)),
            (
                "PATCH 40k keys as admin (accepted)",
                lambda: row_patch(server, 40_000, "open", OWNER),
            ),
            ("10 consumers that never read", lambda: row_slow_consumers(server)),
            ("one frame declaring 300 MB", lambda: row_huge_frame(server)),
            ("100 MB message in 16 KB frames", lambda: row_split_message(server)),
        ]
        for name, action in cases:
            clients.reset()
            with PeakRss(server) as rss:
                note = action()
                time.sleep(0.5)  # latencies right after the hostile request count too
            lat = clients.report()
            value = f"{lat['p99']:.0f} / {lat['max']:.0f}"
            extra = f"RSS +{rss.peak - idle:.0f} MB; {lat['n']} pushes"
            rows.append((name, value, f"{extra}; {note}" if note else extra))
        clients.stop()
    finally:
        stop_server(server, grace=20)
    print(
        f"hostile bench: {os.cpu_count()} cores, {args.clients} ordinary clients, "
        f"idle server RSS {idle:.0f} MB, load avg {os.getloadavg()[0]:.2f}; "
        "goals: p99 <= 100 ms, RSS within 200 MB of idle"
    )
    print_table(rows, "push p99 / max ms", 17)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--clients-process":
        url, ns, count = sys.argv[2], sys.argv[3], int(sys.argv[4])
        asyncio.run(ordinary(url, ns, count))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=3.0)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
