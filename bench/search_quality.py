"""Search quality on the demo forum: recall@3 and MRR over bench/search_labelled.json.

    .venv/bin/python -m bench.search_quality [--misses]

The index is the one the triggers build: tools/search_index.expected (the backfill's
in-memory build, app/model/search.py's thread_update) over the demo forum's database nodes
(tools/demo_forum.forum_nodes, as the seed writes them). Each query is what a learner left
in the box, read through app/services/search.py's Searcher (the word still being typed
reads its prefix node) and ranked by app/model/search.py's rank(); the hits become threads
as the search box shows them (app/ui/search.py's Finder: first hit order, answered threads
first). A query's relevant threads are its labelled question keys. recall@3: the share of
a query's relevant threads (at most 3) in the first 3; MRR: the mean of 1 / the rank of the
first relevant thread (0 if none in the first 10). Goals: 0.9 and 0.75.

Gurubot (app/model/gurubot.py, issue 13 item 4) is scored the same way on its picks for a
question titled with each query, and its silence on the off-topic questions, when that
module exists. Prints tables, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.model import paths
from app.services.search import Searcher
from bench._table import print_table
from tools.demo_forum import forum_nodes, load_forum, post_ids
from tools.search_index import expected

LABELS = Path(__file__).with_name("search_labelled.json")
NOW_MS = 1_764_633_600_000  # a fixed seed time (2025-12-02), so the push ids are stable
K = 3
DEPTH = 10  # MRR looks this far down


def labels() -> dict[str, Any]:
    return json.loads(LABELS.read_text(encoding="utf-8"))


def demo_uids() -> dict[str, str]:
    return {handle: "demo-" + handle for handle in load_forum()["authors"]}


def demo_forums() -> dict[str, dict[str, Any]]:
    """{cid: forum node} as the seed writes it at NOW_MS."""
    return {cid: nodes[paths.forum(cid)] for cid, nodes in forum_nodes(NOW_MS, demo_uids()).items()}


def index_nodes(forums: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """{node path: {postKey: weight}} of every term and prefix node of the courses' public
    indexes, from the backfill's build (the triggers' code) of ``forums``."""
    nodes: dict[str, dict[str, float]] = {}
    for cid, forum in forums.items():
        for leaf, value in expected(cid, forum).items():
            node, _, key = leaf.rpartition("/")
            if not node.startswith(paths.search(cid) + "/terms/") and not node.startswith(
                paths.search(cid) + "/prefix/"
            ):
                continue
            nodes.setdefault(node, {})[key] = value
    return nodes


class Corpus:
    """The demo forum's index in memory, queried the way the browser queries the real one."""

    def __init__(self) -> None:
        self.forums = demo_forums()
        self.nodes = index_nodes(self.forums)
        self.ids = post_ids(NOW_MS)  # readable key -> (cid, qid, postId)
        self.key_of = {qid: key for key, (_, qid, pid) in self.ids.items() if qid == pid}
        self.reads = 0

    def read(self, path: str, on_value: Any, on_error: Any) -> None:
        self.reads += 1
        on_value(self.nodes.get(path))

    def hits(self, cid: str, text: str) -> list[dict[str, Any]]:
        """The Searcher's results for ``text`` typed into course ``cid``'s box."""
        got: list[Any] = []
        Searcher(cid, read=self.read, now=lambda: 0).search(text, got.append)
        return got[0] if got else []

    def threads(self, cid: str, text: str, limit: int = DEPTH) -> list[str]:
        """The readable keys of the threads the search box lists, in its order."""
        order: list[str] = []
        answered: dict[str, bool] = {}
        for hit in self.hits(cid, text):
            qid = hit["qid"]
            if qid not in answered:
                order.append(qid)
                answered[qid] = False
            if hit["postId"] != qid:
                answered[qid] = True
        questions = self.forums[cid]["questions"]
        done = [q for q in order if answered[q] or questions[q].get("acceptedAnswerId")]
        rest = [q for q in order if q not in done]
        return [self.key_of[q] for q in (done + rest)[:limit]]


def score(ranked: list[str], relevant: list[str]) -> tuple[float, float]:
    """(recall@K, reciprocal rank) of one query."""
    found = sum(1 for key in ranked[:K] if key in relevant)
    recall = found / min(len(relevant), K)
    rr = next((1 / (i + 1) for i, key in enumerate(ranked[:DEPTH]) if key in relevant), 0.0)
    return recall, rr


def search_quality(corpus: Corpus, show_misses: bool) -> list[tuple[str, str, str]]:
    queries = labels()["queries"]
    recalls, rrs, misses = [], [], []
    for item in queries:
        ranked = corpus.threads(item["course"], item["q"])
        recall, rr = score(ranked, item["posts"])
        recalls.append(recall)
        rrs.append(rr)
        if recall < 1 or rr < 1:
            misses.append((item["q"], f"r@3 {recall:.2f} rr {rr:.2f}", " ".join(ranked[:3])))
    if show_misses:
        print_table(misses, "score", 20)
    n = len(queries)
    reads = corpus.reads / n
    return [
        ("search recall@3", f"{sum(recalls) / n:.3f}", f"goal 0.9; {n} labelled queries"),
        ("search MRR", f"{sum(rrs) / n:.3f}", "goal 0.75; first relevant thread in the first 10"),
        ("search: queries with a relevant thread first", f"{sum(r == 1 for r in rrs)}/{n}", ""),
        ("search: nodes read per query", f"{reads:.1f}", "one per finished word + the typed one"),
    ]


def gurubot_quality(corpus: Corpus) -> list[tuple[str, str, str]]:
    try:
        from app.model import gurubot
    except ImportError:
        return [("gurubot", "n/a", "app/model/gurubot.py is not on main yet: search only")]
    return gurubot_rows(gurubot, corpus)


def gurubot_rows(gurubot: Any, corpus: Corpus) -> list[tuple[str, str, str]]:
    """Gurubot's picks scored like the search box; filled in once pick() lands."""
    return [("gurubot", "n/a", "pick() not wired into this bench yet")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--misses", action="store_true", help="list the queries scored < 1")
    args = parser.parse_args()
    corpus = Corpus()
    posts = len(corpus.ids)
    rows = [("demo forum", f"{posts} posts", "questions and answers indexed (comments are not)")]
    rows += search_quality(corpus, args.misses)
    rows += gurubot_quality(corpus)
    print_table(rows, "value", 12)


if __name__ == "__main__":
    main()
