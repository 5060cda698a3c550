"""The search index's size and a query's cost, on a real database.

    .venv/bin/python -m bench.search_bench [--posts 200] [--scale 10] [--queries 30]

Until the demo forum exists (issue 13 item 5) the corpus is made from the demo lessons'
transcripts: each question a cue as its title and the next three cues as its body, each
with one answer of two further cues, so posts talk about the courses' real topics. The
index is built by the backfill (the code the triggers run) into a local rtdb (`--posts`
questions, then `--scale` times as many); then what a search box costs: each query typed
a letter at a time through app/services/search.py's Searcher, its reads by firebase-admin
over REST (the browser's SDK reads the same nodes over its WebSocket; painting is not
timed). Index bytes are the JSON of search/$cid. Loopback only; prints tables, asserts
nothing.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import uuid
from typing import Any

import firebase_admin
from firebase_admin import db

from app.model import paths, search
from app.services.search import Searcher
from bench._table import percentile, print_table
from tools.project import load_courses
from tools.search_index import backfill
from tools.testing.admin import admin_app
from tools.testing.rtdb_process import start_server, stop_server

CID = "serverless-101"


def cues() -> list[str]:
    return [
        cue["text"]
        for course in load_courses().values()
        for lesson in course["lessons"].values()
        for cue in lesson.get("transcript", [])
    ]


def push_id(rng: random.Random) -> str:
    alphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
    return "".join(rng.choice(alphabet) for _ in range(20))


def corpus(n: int, rng: random.Random) -> dict[str, Any]:
    lines = cues()
    questions, answers = {}, {}
    for i in range(n):
        at = rng.randrange(len(lines))
        pick = [lines[(at + k) % len(lines)] for k in range(6)]
        qid, aid = push_id(rng), push_id(rng)
        questions[qid] = {"uid": "u", "authorName": "U", "lessonId": "l", "title": pick[0],
                          "body": " ".join(pick[1:4]), "createdAt": i, "score": 0}  # fmt: skip
        answers[qid] = {aid: {"uid": "v", "authorName": "V", "body": " ".join(pick[4:6]),
                              "createdAt": i, "score": 0}}  # fmt: skip
    return {"questions": questions, "answers": answers}


def measure(root: db.Reference, posts: int, queries: int, rng: random.Random) -> list:
    forum = corpus(posts, rng)
    root.update({paths.course(CID): {"title": "Serverless"}, paths.forum(CID): forum})
    t0 = time.perf_counter()
    backfill(root)
    built = time.perf_counter() - t0
    index = root.child(paths.search(CID)).get() or {}
    size = len(json.dumps(index, separators=(",", ":")).encode())
    n_posts = 2 * posts
    postings = sum(len(v) for v in (index.get("terms") or {}).values())
    prefixes = sum(len(v) for v in (index.get("prefix") or {}).values())
    biggest = max((len(v) for v in (index.get("terms") or {}).values()), default=0)
    biggest_p = max((len(v) for v in (index.get("prefix") or {}).values()), default=0)

    titles = [q["title"] for q in forum["questions"].values()]
    reads: list[int] = []
    read_bytes: list[int] = []
    times: list[float] = []
    for title in rng.sample(titles, min(queries, len(titles))):
        typed = " ".join(w for w in search.words(title) if search.keeps(w))[:24]
        fetched: list[int] = []

        def read(path: str, ok, err, fetched: list[int] = fetched) -> None:
            value = root.child(path).get()
            fetched.append(len(json.dumps(value or {}).encode()))
            ok(value)

        searcher = Searcher(CID, read=read, now=lambda: 0)
        for end in range(1, len(typed) + 1):
            before = len(fetched)
            got: list[Any] = []
            t0 = time.perf_counter()
            searcher.search(typed[:end], got.append)
            times.append((time.perf_counter() - t0) * 1000)
            reads.append(len(fetched) - before)
            read_bytes.append(sum(fetched[before:]))
    rows = [
        ("backfill", f"{built:.2f} s", f"{n_posts / built:.0f} posts/s, built and diffed"),
        ("index size", f"{size / 1024:.0f} KiB", "JSON of search/$cid"),
        ("bytes per post", f"{size / n_posts:.0f} B", "postings, prefix entries and docs"),
        ("postings per post", f"{postings / n_posts:.1f}", "terms/<term>/<postKey>"),
        ("prefix entries per post", f"{prefixes / n_posts:.1f}", "prefix/<p>/<postKey>"),
        ("largest term / prefix node", f"{biggest} / {biggest_p}", "postings in it"),
        ("nodes read per keystroke", f"{statistics.mean(reads):.2f}", f"max {max(reads)}"),
        (
            "bytes read per keystroke p50/p95",
            f"{percentile(read_bytes, 50)} / {percentile(read_bytes, 95)}",
            "the nodes' JSON",
        ),
        (
            "keystroke -> ranked p50/p95",
            f"{percentile(times, 50):.1f} / {percentile(times, 95):.1f} ms",
            f"{len(times)} keystrokes; REST reads, no painting",
        ),
    ]
    return [(f"{n_posts} posts: {what}", value, note) for what, value, note in rows]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100, help="questions (each one answer)")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    server = start_server(None, quiet=True)
    rows = []
    try:
        for n in (args.posts, args.posts * args.scale):
            ns = f"search-bench-{uuid.uuid4().hex[:8]}"
            app = admin_app(f"{server.url}?ns={ns}", name="search-bench")
            try:
                root = db.reference("/", app=app, url=f"{server.url}?ns={ns}")
                rows += measure(root, n, args.queries, random.Random(13))
            finally:
                firebase_admin.delete_app(app)
    finally:
        stop_server(server)
    print_table(rows, "value", 16)


if __name__ == "__main__":
    main()
