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

Gurubot (app/model/gurubot.py's pick(), issue 13 item 4, given what its function reads) is
scored the same way: on a new question titled with each query (against the labelled threads
it may offer: those with an accepted or endorsed answer; and the labelled moments), on the
labelled "reasked" demo questions asked again with their title and body (their own thread
left out), and by how often it stays silent on the off-topic questions (goal: always) and on
the labelled ones. Prints tables, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from app.model import paths, search
from app.services.search import Searcher
from bench._table import print_table
from tools.demo_forum import forum_nodes, load_forum, post_ids
from tools.project import load_courses
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


def transcripts(cid: str) -> dict[str, Any]:
    """{lid: cues} of a demo course, as the seed writes transcripts/$cid."""
    lessons = load_courses()[cid]["lessons"]
    return {
        lid: lesson["transcript"] for lid, lesson in lessons.items() if lesson.get("transcript")
    }


def index_nodes(
    forums: dict[str, dict[str, Any]], with_transcripts: bool = True
) -> dict[str, dict[str, float]]:
    """{node path: {postKey: weight}} of every term and prefix node of the courses' public
    indexes, from the backfill's build (the triggers' code) of ``forums`` and, unless
    ``with_transcripts`` is false, the lessons' transcripts."""
    nodes: dict[str, dict[str, float]] = {}
    for cid, forum in forums.items():
        cues = transcripts(cid) if with_transcripts else None
        for leaf, value in expected(cid, forum, cues).items():
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
            if search.is_moment(hit["key"]):
                continue  # the box lists transcript moments apart (see moments())
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

    def moments(self, cid: str, text: str, limit: int = DEPTH) -> list[tuple[str, int]]:
        """The (lesson, second) transcript moments the search box offers, in rank order."""
        hits = [hit["key"] for hit in self.hits(cid, text) if search.is_moment(hit["key"])]
        return [search.split_moment(key) for key in hits[:limit]]


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
    rows = moment_quality(corpus, queries)
    return [
        ("search recall@3", f"{sum(recalls) / n:.3f}", f"goal 0.9; {n} labelled queries"),
        ("search MRR", f"{sum(rrs) / n:.3f}", "goal 0.75; first relevant thread in the first 10"),
        ("search: queries with a relevant thread first", f"{sum(r == 1 for r in rrs)}/{n}", ""),
        ("search: nodes read per query", f"{reads:.1f}", "one per finished word + the typed one"),
        *rows,
    ]


def labelled_moments(item: dict[str, Any]) -> list[tuple[str, int]]:
    return [(m["lesson"], int(m["second"])) for m in item.get("moments", [])]


def moment_quality(corpus: Corpus, queries: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
    """recall@3 and MRR of the box's transcript moments, over the queries labelled with some."""
    labelled = [item for item in queries if item.get("moments")]
    if not labelled:
        return []
    recalls, rrs = [], []
    for item in labelled:
        recall, rr = score(corpus.moments(item["course"], item["q"]), labelled_moments(item))
        recalls.append(recall)
        rrs.append(rr)
    n = len(labelled)
    return [
        ("transcript moments recall@3", f"{sum(recalls) / n:.3f}", f"{n} queries with moments"),
        ("transcript moments MRR", f"{sum(rrs) / n:.3f}", "the box lists moments apart"),
    ]


def gurubot_quality(corpus: Corpus) -> list[tuple[str, str, str]]:
    try:
        from app.model import gurubot
    except ImportError:
        return [("gurubot", "n/a", "app/model/gurubot.py is not on main: search only")]
    return gurubot_rows(gurubot, corpus)


def gurubot_picks(
    gurubot: Any, corpus: Corpus, cid: str, title: str, body: str = "", qid: str = ""
) -> dict[str, Any]:
    """pick() for a new question (``qid``: its own thread, left out), given what
    functions/search/gurubot.py reads: the terms' nodes, then the candidate threads and
    lessons."""
    question = {"title": title, "body": body}
    terms = gurubot.query_terms(title, body)
    nodes = {term: corpus.nodes.get(paths.search_term(cid, term)) or {} for term in terms}
    qids, lids = gurubot.candidates(question, nodes, qid)
    forum = corpus.forums[cid]
    threads = {
        q: {"question": forum["questions"].get(q), "answers": forum["answers"].get(q) or {}}
        for q in qids
    }
    course = load_courses()[cid]["lessons"]
    lessons = {
        lid: {"title": course[lid]["title"], "cues": course[lid].get("transcript")}
        for lid in lids
        if lid in course
    }
    return gurubot.pick(question, nodes, threads, lessons, qid)


def answered(corpus: Corpus, cid: str, key: str) -> bool:
    """Whether Gurubot may offer the thread (an accepted or an endorsed answer)."""
    _, qid, _ = corpus.ids[key]
    question = corpus.forums[cid]["questions"][qid]
    answers = corpus.forums[cid]["answers"].get(qid) or {}
    return bool(question.get("acceptedAnswerId")) or any(
        a.get("endorsed") for a in answers.values()
    )


def gurubot_rows(gurubot: Any, corpus: Corpus) -> list[tuple[str, str, str]]:
    """Gurubot's picks for each labelled query as a new question's title: its threads scored
    against the labelled threads it may offer (answered ones), its moments against the
    labelled moments; and how often it stays silent, on topic and off."""
    data = labels()
    recalls, rrs, m_recalls, m_rrs = [], [], [], []
    silent_on_topic = 0
    for item in data["queries"]:
        picks = gurubot_picks(gurubot, corpus, item["course"], item["q"])
        if not picks["threads"] and not picks["moments"]:
            silent_on_topic += 1
        relevant = [k for k in item["posts"] if answered(corpus, item["course"], k)]
        if relevant:
            offered = [corpus.key_of[row["qid"]] for row in picks["threads"]]
            recall, rr = score(offered, relevant)
            recalls.append(recall)
            rrs.append(rr)
        if item.get("moments"):
            offered_m = [(row["lessonId"], row["second"]) for row in picks["moments"]]
            recall, rr = score(offered_m, labelled_moments(item))
            m_recalls.append(recall)
            m_rrs.append(rr)
    off = data["off_topic"]
    silent_off = 0
    for item in off:
        picks = gurubot_picks(gurubot, corpus, item["course"], item["q"])
        silent_off += not picks["threads"] and not picks["moments"]
    re_recalls, re_rrs = [], []
    for item in data["reasked"]:
        cid, qid, _ = corpus.ids[item["post"]]
        asked = corpus.forums[cid]["questions"][qid]
        picks = gurubot_picks(gurubot, corpus, cid, asked["title"], asked["body"], qid)
        recall, rr = score([corpus.key_of[row["qid"]] for row in picks["threads"]], item["posts"])
        re_recalls.append(recall)
        re_rrs.append(rr)
    n, m = len(recalls), len(m_recalls)
    queries = len(data["queries"])
    rows = [
        (
            "gurubot threads recall@3",
            f"{sum(recalls) / n:.3f}",
            f"{n} queries with an answered thread",
        ),
        ("gurubot threads MRR", f"{sum(rrs) / n:.3f}", "offered threads, best first (at most 3)"),
    ]
    if m:
        rows += [
            ("gurubot moments recall@3", f"{sum(m_recalls) / m:.3f}", f"{m} queries with moments"),
            ("gurubot moments MRR", f"{sum(m_rrs) / m:.3f}", "offered moments (at most 3)"),
        ]
    r = len(re_recalls)
    rows += [
        (
            "gurubot re-asked recall@3",
            f"{sum(re_recalls) / r:.3f}",
            f"{r} demo questions asked again",
        ),
        (
            "gurubot re-asked MRR",
            f"{sum(re_rrs) / r:.3f}",
            "title and body; its own thread left out",
        ),
        ("gurubot silent on off-topic", f"{silent_off}/{len(off)}", "goal: all"),
        ("gurubot silent on labelled", f"{silent_on_topic}/{queries}", "a miss when relevant"),
    ]
    return rows


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
