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

Off and on alternate (rounds in process, chunks of writes end to end) so that load from
other processes on the machine lands on both sides alike.

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


def bench_in_process(writes: int, rounds: int = 5) -> tuple[float, float]:
    """Seconds for ``writes`` Database.set calls, rules off and on.

    Off and on alternate for ``rounds`` rounds and the best round of each counts, so a
    burst of load from other processes on the machine does not land on one side only.
    """
    ruleset = compile_rules(RULES_FILE.read_text())
    auth = Auth(variable=AUTH_VAR)
    payloads = [question(STUDENT, i) for i in range(writes)]
    best = [float("inf"), float("inf")]
    for r in range(rounds):
        for side, rules in enumerate((None, ruleset)):
            db = Database("bench")
            db.set((), seed_data(), Auth(admin=True))
            db.rules = rules
            for i in range(200):  # warm up
                db.set(("forum", COURSE, f"w{i}"), payloads[i % writes], auth)
            t0 = time.perf_counter()
            for i, value in enumerate(payloads):
                db.set(("forum", COURSE, f"n{r}-{i}"), value, auth)
            best[side] = min(best[side], time.perf_counter() - t0)
    return best[0], best[1]


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
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
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
        req = urllib.request.Request(
            f"{self.url}{path}", data=body, method="PUT", headers={"Authorization": "Bearer owner"}
        )
        urllib.request.urlopen(req, timeout=30).read()

    def prepare(self, ns: str, rules: bool) -> None:
        self.put(f"/.json?ns={ns}", json.dumps(seed_data()).encode())
        if rules:
            self.put(f"/.settings/rules.json?ns={ns}", RULES_FILE.read_bytes())

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


CHUNK = 50  # off and on alternate in chunks of this many writes, so load bursts hit both


def bench_rest(server: Server, writes: int) -> tuple[float, float]:
    import firebase_admin
    from firebase_admin import db

    app = firebase_admin.initialize_app(
        options={
            "databaseURL": f"{server.url}?ns=unused",
            "projectId": "demo-bench",
            "databaseAuthVariableOverride": AUTH_VAR,
        },
        name=f"bench-{uuid.uuid4().hex[:8]}",
    )
    forums = []
    for rules in (False, True):
        ns = f"rest-{'rules' if rules else 'open'}-{uuid.uuid4().hex[:6]}"
        server.prepare(ns, rules)
        forums.append(db.reference(f"forum/{COURSE}", app=app, url=f"{server.url}?ns={ns}"))
    totals = [0.0, 0.0]
    try:
        for forum in forums:
            for i in range(50):  # warm up (connection pool, code paths)
                forum.child(f"w{i}").set(question(STUDENT, i))
        for start in range(0, writes, CHUNK):
            for side, forum in enumerate(forums):
                t0 = time.perf_counter()
                for i in range(start, min(start + CHUNK, writes)):
                    forum.child(f"n{i}").set(question(STUDENT, i))
                totals[side] += time.perf_counter() - t0
    finally:
        firebase_admin.delete_app(app)
    return totals[0], totals[1]


JS_WRITER = r"""
import { deleteApp, initializeApp } from 'firebase/app';
import { connectDatabaseEmulator, getDatabase, ref, set } from 'firebase/database';
const [port, nsOff, nsOn, uid, n, chunk] = process.argv.slice(1);
function open(ns) {
  const app = initializeApp(
    { projectId: 'demo-bench', databaseURL: `https://${ns}.firebaseio.com` }, ns);
  const db = getDatabase(app);
  connectDatabaseEmulator(db, '127.0.0.1', Number(port), { mockUserToken: { sub: uid } });
  return db;
}
const dbs = [open(nsOff), open(nsOn)];
const q = (i) => ({ author: uid, title: `Question ${i} about recursion`,
  body: 'Why does my function never return? '.repeat(4), createdAt: 1700000000000,
  votes: i % 7, tags: { recursion: true, 'week-3': true } });
for (const db of dbs) for (let i = 0; i < 50; i++) await set(ref(db, `forum/c3/w${i}`), q(i));
const totals = [0, 0];
for (let start = 0; start < Number(n); start += Number(chunk)) {
  for (const side of [0, 1]) {
    const t0 = performance.now();
    for (let i = start; i < Math.min(start + Number(chunk), Number(n)); i++) {
      await set(ref(dbs[side], `forum/c3/n${i}`), q(i));
    }
    totals[side] += (performance.now() - t0) / 1000;
  }
}
console.log(JSON.stringify({ off: totals[0], on: totals[1] }));
process.exit(0);
"""


def bench_js(server: Server, writes: int) -> tuple[float, float]:
    names = []
    for rules in (False, True):
        ns = f"js-{'rules' if rules else 'open'}-{uuid.uuid4().hex[:6]}"
        server.prepare(ns, rules)
        names.append(ns)
    cmd = ["node", "--input-type=module", "-e", JS_WRITER, str(server.port), *names]
    cmd += [STUDENT, str(writes), str(CHUNK)]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return result["off"], result["on"]


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
        print(
            r[0].ljust(widths[0])
            + "  "
            + "  ".join(c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True))
        )
    print()
    for label, ratio in ratios:
        print(f"{label}: rules on / off = {ratio:.2f}x")


if __name__ == "__main__":
    main()
