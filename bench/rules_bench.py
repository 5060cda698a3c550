"""What security rules cost per write: rules off vs a realistic (Nimbus-like) ruleset.

    .venv/bin/python bench/rules_bench.py [--writes 3000] [--rest-writes 600] [--js-writes 600]

The same write — a forum question ``{author, title, body, createdAt, votes, tags}`` posted by
an enrolled student — is timed three ways, each with rules off (a namespace with no rules
loaded) and with ``bench/nimbus_like.rules.json`` (owner checks, ``root.child`` lookups,
per-field ``.validate``, ``$other: false``), against a database seeded with users, courses,
enrolments and existing questions:

* in process: ``Database.set`` directly (the rules engine's share, no I/O);
* firebase-admin-python REST (``set`` = PUT, as the student via databaseAuthVariableOverride);
* the JS SDK over the WebSocket (sequential awaited ``set`` calls, mock user token).

Servers are fresh ``python -m rtdb`` processes on 127.0.0.1 without ``--data`` (no fsync,
so rules are not hidden behind disk latency). Prints a table; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rtdb.core.auth import Auth  # noqa: E402
from rtdb.core.database import Database  # noqa: E402
from rtdb.rules import compile_rules  # noqa: E402

RULES_FILE = ROOT / "bench" / "nimbus_like.rules.json"
STUDENT = "student7"
COURSE = "c3"
AUTH_VAR = {"uid": STUDENT, "provider": "custom", "token": {"sub": STUDENT, "user_id": STUDENT}}


def seed_data(courses: int = 20, users: int = 200, questions: int = 50) -> dict[str, Any]:
    """A small but realistic tree: every path the rules look up exists."""
    data: dict[str, Any] = {
        "users": {f"student{i}": {"name": f"Student {i}"} for i in range(users)},
        "courses": {
            f"c{i}": {"title": f"Course {i}", "owner": "student0", "published": i % 4 != 0}
            for i in range(courses)
        },
        "enrollments": {
            f"c{i}": {f"student{j}": True for j in range(users) if (i + j) % 3 == 0}
            for i in range(courses)
        },
        "forum": {},
    }
    data["enrollments"][COURSE][STUDENT] = True
    for i in range(courses):
        data["forum"][f"c{i}"] = {
            f"q{k}": question(f"student{(i + 3 * k) % users}", k) for k in range(questions)
        }
    return data


def question(author: str, n: int, now: int = 1_700_000_000_000) -> dict[str, Any]:
    return {
        "author": author,
        "title": f"Question {n} about recursion",
        "body": "Why does my function never return? " * 4,
        "createdAt": now,
        "votes": n % 7,
        "tags": {"recursion": True, "week-3": True},
    }


def fmt_row(name: str, n: int, seconds: float) -> list[str]:
    return [name, f"{n / seconds:,.0f}", f"{seconds / n * 1e6:,.1f}"]


# -- in process ---------------------------------------------------------------------------------


def bench_in_process(writes: int) -> tuple[float, float]:
    """Seconds for ``writes`` Database.set calls, rules off and on."""
    results = []
    ruleset = compile_rules(RULES_FILE.read_text())
    for rules in (None, ruleset):
        db = Database("bench")
        db.set((), seed_data(), Auth(admin=True))
        db.rules = rules
        auth = Auth(variable=AUTH_VAR)
        payloads = [question(STUDENT, i) for i in range(writes)]
        for i in range(200):  # warm up
            db.set(("forum", COURSE, f"w{i}"), payloads[i % writes], auth)
        t0 = time.perf_counter()
        for i, value in enumerate(payloads):
            db.set(("forum", COURSE, f"n{i}"), value, auth)
        results.append(time.perf_counter() - t0)
    return results[0], results[1]


# -- servers ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "rtdb", "--port", str(self.port)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/.json?ns=probe", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def put(self, path: str, body: bytes) -> None:
        req = urllib.request.Request(f"{self.url}{path}", data=body, method="PUT",
                                     headers={"Authorization": "Bearer owner"})
        urllib.request.urlopen(req, timeout=30).read()

    def prepare(self, ns: str, rules: bool) -> None:
        self.put(f"/.json?ns={ns}", json.dumps(seed_data()).encode())
        if rules:
            self.put(f"/.settings/rules.json?ns={ns}", RULES_FILE.read_bytes())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def bench_rest(server: Server, writes: int) -> tuple[float, float]:
    import firebase_admin
    from firebase_admin import db

    app = firebase_admin.initialize_app(
        options={"databaseURL": f"{server.url}?ns=unused", "projectId": "demo-bench",
                 "databaseAuthVariableOverride": AUTH_VAR},
        name=f"bench-{uuid.uuid4().hex[:8]}",
    )
    results = []
    try:
        for rules in (False, True):
            ns = f"rest-{'rules' if rules else 'open'}-{uuid.uuid4().hex[:6]}"
            server.prepare(ns, rules)
            forum = db.reference(f"forum/{COURSE}", app=app, url=f"{server.url}?ns={ns}")
            for i in range(50):
                forum.child(f"w{i}").set(question(STUDENT, i))
            t0 = time.perf_counter()
            for i in range(writes):
                forum.child(f"n{i}").set(question(STUDENT, i))
            results.append(time.perf_counter() - t0)
    finally:
        firebase_admin.delete_app(app)
    return results[0], results[1]


JS_WRITER = r"""
import { initializeApp } from 'firebase/app';
import { connectDatabaseEmulator, getDatabase, ref, set } from 'firebase/database';
const [port, ns, uid, n] = process.argv.slice(1);
const app = initializeApp({ projectId: 'demo-bench', databaseURL: `https://${ns}.firebaseio.com` });
const db = getDatabase(app);
connectDatabaseEmulator(db, '127.0.0.1', Number(port), { mockUserToken: { sub: uid } });
const q = (i) => ({ author: uid, title: `Question ${i} about recursion`,
  body: 'Why does my function never return? '.repeat(4), createdAt: 1700000000000,
  votes: i % 7, tags: { recursion: true, 'week-3': true } });
for (let i = 0; i < 50; i++) await set(ref(db, `forum/c3/w${i}`), q(i));
const t0 = performance.now();
for (let i = 0; i < Number(n); i++) await set(ref(db, `forum/c3/n${i}`), q(i));
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000 }));
process.exit(0);
"""


def bench_js(server: Server, writes: int) -> tuple[float, float]:
    results = []
    for rules in (False, True):
        ns = f"js-{'rules' if rules else 'open'}-{uuid.uuid4().hex[:6]}"
        server.prepare(ns, rules)
        out = subprocess.run(
            ["node", "--input-type=module", "-e", JS_WRITER, str(server.port), ns, STUDENT,
             str(writes)],
            cwd=ROOT, capture_output=True, text=True, timeout=300, check=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1])["seconds"])
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=3000, help="in-process writes")
    parser.add_argument("--rest-writes", type=int, default=600)
    parser.add_argument("--js-writes", type=int, default=600)
    args = parser.parse_args()

    rows: list[list[str]] = []
    ratios: list[tuple[str, float]] = []

    def add(label: str, n: int, off: float, on: float) -> None:
        rows.append(fmt_row(f"{label}, rules off", n, off))
        rows.append(fmt_row(f"{label}, Nimbus-like rules", n, on))
        ratios.append((label, on / off))

    add("in process Database.set", args.writes, *bench_in_process(args.writes))
    server = Server()
    try:
        if args.rest_writes:
            add("firebase-admin REST set", args.rest_writes, *bench_rest(server, args.rest_writes))
        if args.js_writes:
            add("JS SDK set (WebSocket)", args.js_writes, *bench_js(server, args.js_writes))
    finally:
        server.stop()

    header = ["write path", "writes/s", "µs/write"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(3)]
    line = "  ".join("-" * w for w in widths)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print(line)
    for r in rows:
        print(r[0].ljust(widths[0]) + "  " + "  ".join(
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)))
    print()
    for label, ratio in ratios:
        print(f"{label}: rules on / off = {ratio:.2f}x")


if __name__ == "__main__":
    main()
