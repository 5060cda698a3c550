"""The search index's size, a query's cost, and keystroke -> results painted in Chromium.

    .venv/bin/python -m bench.search_bench [--scale 10] [--queries 20] [--no-browser]

Corpus: the demo forum (static/data/forum.json, tools/demo_forum.py: 169 questions and
answers over three courses) put into one course, once and ``--scale`` times (each copy its
own push ids), indexed by the backfill (tools/search_index.py, the code the triggers run).

1. Index and reads (a bare local rtdb, firebase-admin over REST): the index's bytes per
   post, postings and prefix entries per post, the largest nodes; then each labelled query
   of bench/search_labelled.json typed a letter at a time through app/services/search.py's
   Searcher: nodes and bytes read per keystroke, and the Searcher's time to ranked results
   (REST reads; the browser's SDK reads the same nodes over its WebSocket).
2. Chromium (``build.py serve``'s stack, the demo learner signed in, the corpus x scale in
   serverless-101): the same queries typed into the course page's search box. A key typed
   after a pause asks at once (app/ui/search.py): from its keydown to the results list
   painted (the frame after the list's last DOM change), keys KEY_GAP_MS apart. A fast
   burst (BURST_GAP_MS apart) asks once, DEBOUNCE_MS after its last key: from that key to
   the paint.

Loopback only; prints tables, asserts nothing. Run it under the heavy lock.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import firebase_admin
from firebase_admin import db

from app.model import paths
from app.services.search import Searcher
from bench._table import percentile, print_table
from bench.search_quality import demo_uids, labels
from tools.demo_forum import DAY_MS, forum_nodes, load_forum
from tools.project import ROOT
from tools.search_index import backfill
from tools.testing.admin import admin_app
from tools.testing.rtdb_process import start_server, stop_server

CID = "serverless-101"
KEY_GAP_MS = 400  # between keystrokes: longer than the debounce and a query, so each key asks
BURST_GAP_MS = 60  # a fast typist: the box asks once, a pause after the burst's last key
# app/ui/search.py's pause after the last keystroke (that module imports the browser's own)
DEBOUNCE_MS = int(
    re.search(r"^DEBOUNCE_MS = (\d+)", (ROOT / "app/ui/search.py").read_text(), re.M)[1]
)


def corpus(copies: int, cid: str = CID) -> dict[str, Any]:
    """The whole demo forum ``copies`` times as course ``cid``'s forum node (lessons mapped
    to ``cid``'s, so every thread opens a real lesson page)."""
    from tools.project import load_courses

    lessons = sorted(load_courses()[cid]["lessons"])
    questions: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    base = int(time.time() * 1000)
    for n in range(copies):
        nodes = forum_nodes(base - n * 60 * DAY_MS, demo_uids())  # each copy its own ids
        for course, tree in nodes.items():
            forum = tree[paths.forum(course)]
            for qid, question in forum["questions"].items():
                if question["lessonId"] not in lessons:
                    question["lessonId"] = lessons[-1]
                questions[qid] = question
            answers.update(forum["answers"])
    return {"questions": questions, "answers": answers}


def posts_in(forum: dict[str, Any]) -> int:
    return len(forum["questions"]) + sum(len(a) for a in forum["answers"].values())


def typed_queries(count: int) -> list[str]:
    return [item["q"] for item in labels()["queries"]][:count]


def index_rows(root: db.Reference, forum: dict[str, Any], queries: list[str]) -> list:
    root.update({paths.course(CID): {"title": "Serverless"}, paths.forum(CID): forum})
    n_posts = posts_in(forum)
    t0 = time.perf_counter()
    backfill(root)
    built = time.perf_counter() - t0
    index = root.child(paths.search(CID)).get() or {}
    size = len(json.dumps(index, separators=(",", ":")).encode())
    docs = len(json.dumps(index.get("docs") or {}, separators=(",", ":")).encode())
    terms = index.get("terms") or {}
    prefixes = index.get("prefix") or {}
    postings = sum(len(v) for v in terms.values())
    prefix_entries = sum(len(v) for v in prefixes.values())
    reads: list[int] = []
    read_bytes: list[int] = []
    times: list[float] = []
    for text in queries:
        fetched: list[int] = []

        def read(path: str, ok, err, fetched: list[int] = fetched) -> None:
            value = root.child(path).get()
            fetched.append(len(json.dumps(value or {}, separators=(",", ":")).encode()))
            ok(value)

        searcher = Searcher(CID, read=read, now=lambda: 0)
        for end in range(1, len(text) + 1):
            before = len(fetched)
            t0 = time.perf_counter()
            searcher.search(text[:end], lambda results: None)
            times.append((time.perf_counter() - t0) * 1000)
            reads.append(len(fetched) - before)
            read_bytes.append(sum(fetched[before:]))
    biggest = max(terms.items(), key=lambda kv: len(kv[1]), default=("-", {}))
    rows = [
        ("backfill", f"{built:.2f} s", f"{n_posts / built:.0f} posts/s, built and diffed"),
        ("index size", f"{size / 1024:.0f} KiB", f"JSON of search/$cid; docs {docs / size:.0%}"),
        ("index bytes per post", f"{size / n_posts:.0f} B", "postings, prefix entries, docs"),
        ("postings per post", f"{postings / n_posts:.1f}", "terms/<term>/<postKey>"),
        ("prefix entries per post", f"{prefix_entries / n_posts:.1f}", "prefix/<p>/<postKey>"),
        ("term / prefix nodes", f"{len(terms)} / {len(prefixes)}", ""),
        ("largest term node", f"{len(biggest[1])}", f"postings ('{biggest[0]}')"),
        ("nodes read per keystroke", f"{statistics.mean(reads):.2f}", f"max {max(reads)}"),
        (
            "bytes read per keystroke p50/p95/max",
            f"{percentile(read_bytes, 50)} / {percentile(read_bytes, 95)} / {max(read_bytes)}",
            "the nodes' JSON",
        ),
        (
            "keystroke -> ranked (REST) p50/p95",
            f"{percentile(times, 50):.1f} / {percentile(times, 95):.1f} ms",
            f"{len(times)} keystrokes, {len(queries)} queries; no page",
        ),
    ]
    return [(f"{n_posts} posts: {what}", value, note) for what, value, note in rows]


def bench_index(scale: int, queries: list[str]) -> list:
    server = start_server(None, quiet=True)
    rows = []
    try:
        for copies in sorted({1, scale}):
            ns = f"search-bench-{uuid.uuid4().hex[:8]}"
            app = admin_app(f"{server.url}?ns={ns}", name="search-bench")
            try:
                root = db.reference("/", app=app, url=f"{server.url}?ns={ns}")
                rows += index_rows(root, corpus(copies), queries)
            finally:
                firebase_admin.delete_app(app)
    finally:
        stop_server(server)
    return rows


WATCH_JS = """() => {
  const s = {keys: [], paints: []};
  window.__searchBench = s;
  document.getElementById('search-input').addEventListener(
    'keydown', () => s.keys.push(performance.now()), true);
  new MutationObserver(() => requestAnimationFrame(
      () => setTimeout(() => s.paints.push(performance.now()), 0)))
    .observe(document.getElementById('search'),
             {subtree: true, childList: true, attributes: true, characterData: true});
}"""


def _typed(page, text: str, gap_ms: int) -> dict:
    """Type ``text`` into the emptied box, a key every ``gap_ms``; the keydown and paint times."""
    from tools.testing.waiting import wait_until

    box = page.locator("#search-input")
    box.fill("")
    page.wait_for_timeout(KEY_GAP_MS)
    page.evaluate("() => { __searchBench.keys = []; __searchBench.paints = []; }")
    box.press_sequentially(text, delay=gap_ms)
    wait_until(lambda: page.locator("#search").get_attribute("data-state") in
               ("results", "empty"), timeout=10)  # fmt: skip
    page.wait_for_timeout(KEY_GAP_MS)
    return page.evaluate("() => __searchBench")


def keystroke_latencies(page, queries: list[str]) -> tuple[list[float], int]:
    """Keys after a pause: ms from each keydown to the last paint before the next key, and
    how many keys were never followed by a paint."""
    out: list[float] = []
    missed = 0
    for text in queries:
        got = _typed(page, text, KEY_GAP_MS)
        keys, paints = got["keys"], got["paints"]
        for i, key in enumerate(keys):
            until = keys[i + 1] if i + 1 < len(keys) else float("inf")
            mine = [p for p in paints if key < p < until]
            if mine:
                out.append(max(mine) - key)
            else:
                missed += 1
    return out, missed


def burst_latencies(page, queries: list[str]) -> list[float]:
    """Whole queries typed fast: ms from the last keydown to the last paint."""
    out = []
    for text in queries:
        got = _typed(page, text, BURST_GAP_MS)
        last = got["keys"][-1]
        out.append(max((p for p in got["paints"] if p > last), default=last) - last)
    return out


def bench_browser(scale: int, queries: list[str]) -> list:
    from playwright.sync_api import sync_playwright

    from tools.chromium import CHROMIUM, CHROMIUM_ARGS
    from tools.site import build
    from tools.stack import Stack, free_ports
    from tools.testing.browser import open_signed_in
    from tools.testing.stacks import admin_root

    with tempfile.TemporaryDirectory(prefix="nimbus-search-bench-") as tmp:
        base = Path(tmp)
        ports = free_ports()
        build(target="local", out=base / "dist", ports=ports)
        stack = Stack(ports=ports, dist=base / "dist", data_dir=base / "data", state_dir=base)
        stack.register_triggers = lambda: []  # read-only bench: seeding fires no trigger
        stack.start(timeout=120)
        try:
            root = admin_root(stack)
            forum = corpus(scale)
            root.child(paths.forum(CID)).set(forum)
            backfill(root)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_context().new_page()
                open_signed_in(page, f"{stack.hosting_url}/course/{CID}.html", load_learner())
                page.wait_for_function("() => document.getElementById('search-input')")
                page.evaluate(WATCH_JS)
                page.locator("#search-input").focus()
                keystroke_latencies(page, queries[:2])  # warm: the interpreter's first calls
                lat, missed = keystroke_latencies(page, queries)
                burst = burst_latencies(page, queries)
                browser.close()
        finally:
            stack.stop()
    n = posts_in(forum)
    return [
        (
            f"{n} posts, Chromium: key after a pause -> painted p50/p95",
            f"{percentile(lat, 50):.0f} / {percentile(lat, 95):.0f} ms",
            f"goal 50 ms; {len(lat)} keys {KEY_GAP_MS} ms apart, {len(queries)} queries, "
            f"{missed} unpainted",
        ),
        (
            f"{n} posts, Chromium: last key of a burst -> painted p50/p95",
            f"{percentile(burst, 50):.0f} / {percentile(burst, 95):.0f} ms",
            f"keys {BURST_GAP_MS} ms apart: asked once, {DEBOUNCE_MS} ms after the last",
        ),
    ]


def load_learner() -> str:
    return next(a["email"] for a in load_forum()["authors"].values() if a["name"] == "Lena Learner")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=int, default=10, help="copies of the demo forum")
    parser.add_argument("--queries", type=int, default=20, help="labelled queries typed")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    args = parser.parse_args()
    queries = typed_queries(args.queries)
    rows = bench_index(args.scale, queries)
    if not args.no_browser:
        rows += bench_browser(args.scale, queries)
    print_table(rows, "value", 22)


if __name__ == "__main__":
    main()
