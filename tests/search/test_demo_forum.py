"""The demo forum (static/data/forum.json, tools/demo_forum.py) and the search quality labels
(bench/search_labelled.json): consistent with the catalogue and the rules' invariants, and
the labels name posts that exist, so neither can rot (issue 13 items 5-6). The seed's forum
step runs against a real database server: the forum, its votes and its search index land,
and seeding again writes nothing."""

from __future__ import annotations

import re

import firebase_admin
from firebase_admin import db

from app.model import paths
from bench.search_quality import NOW_MS, Corpus, labels
from tools import demo_forum
from tools.project import load_courses
from tools.search_index import backfill
from tools.seed import DEMO_ENROLLMENTS, seed_forum
from tools.testing.admin import admin_app

UIDS = {handle: "uid-" + handle for handle in demo_forum.load_forum()["authors"]}


def test_demo_forum_has_no_problems() -> None:
    assert demo_forum.problems() == []


def test_demo_forum_is_about_200_posts_on_every_course() -> None:
    nodes = demo_forum.forum_nodes(NOW_MS, UIDS)
    assert set(nodes) == set(load_courses())
    total = 0
    for cid, tree in nodes.items():
        forum = tree[paths.forum(cid)]
        lessons = {q["lessonId"] for q in forum["questions"].values()}
        assert lessons == set(load_courses()[cid]["lessons"])  # every lesson has threads
        total += len(forum["questions"])
        total += sum(len(a) for a in forum["answers"].values())
        total += sum(len(c) for t in forum["comments"].values() for c in t.values())
    assert 180 <= total <= 260


def test_scores_are_the_sums_of_the_votes_and_ids_are_push_ids() -> None:
    push = re.compile("^" + paths.PUSH_ID + "$")
    for cid, tree in demo_forum.forum_nodes(NOW_MS, UIDS).items():
        forum, votes = tree[paths.forum(cid)], tree[paths.votes(cid)]
        for qid, question in forum["questions"].items():
            assert push.match(qid)
            assert question["score"] == sum(votes.get(qid, {}).get(qid, {}).values())
            assert question["createdAt"] < NOW_MS
            accepted = question.get("acceptedAnswerId")
            assert accepted is None or accepted in forum["answers"][qid]
            for aid, answer in forum["answers"].get(qid, {}).items():
                assert push.match(aid) and aid != qid
                assert answer["score"] == sum(votes.get(qid, {}).get(aid, {}).values())
                assert question["createdAt"] < answer["createdAt"] < NOW_MS
        for qid, posts in votes.items():
            for post_id, cast in posts.items():
                author = (
                    forum["questions"][qid] if post_id == qid else forum["answers"][qid][post_id]
                )
                assert author["uid"] not in cast  # nobody votes on their own post
                assert set(cast.values()) <= {1, -1}


def test_demo_logins_take_part_only_where_they_are_enrolled() -> None:
    authors = demo_forum.load_forum()["authors"]
    for cid, handles in demo_forum.authors_by_course().items():
        for handle in handles:
            email = authors[handle]["email"]
            if email in DEMO_ENROLLMENTS:
                assert cid in DEMO_ENROLLMENTS[email], (handle, cid)


def test_staff_posts_carry_their_role() -> None:
    for cid, tree in demo_forum.forum_nodes(NOW_MS, UIDS).items():
        roles = demo_forum.staff(cid)
        forum = tree[paths.forum(cid)]
        posts = list(forum["questions"].values())
        posts += [a for t in forum["answers"].values() for a in t.values()]
        for post in posts:
            handle = post["uid"].removeprefix("uid-")
            assert post.get("authorRole") == roles.get(handle)


def test_labelled_set_names_existing_posts_and_moments() -> None:
    data = labels()
    keys = {q["key"]: cid for cid, qs in demo_forum.load_forum()["courses"].items() for q in qs}
    courses = load_courses()
    assert len(data["queries"]) >= 60 and len(data["off_topic"]) >= 10
    for item in data["queries"]:
        assert item["q"].strip() and item["posts"], item
        for key in item["posts"]:
            assert keys.get(key) == item["course"], (item["q"], key)
        for moment in item.get("moments", []):
            cues = courses[item["course"]]["lessons"][moment["lesson"]]["transcript"]
            assert moment["second"] in [cue["start"] for cue in cues], (item["q"], moment)
    for item in data["reasked"]:
        course = keys[item["post"]]
        assert item["post"] not in item["posts"]
        assert all(keys.get(key) == course for key in item["posts"]), item
    for item in data["off_topic"]:
        assert item["course"] in courses and item["q"].strip()


def test_every_labelled_query_finds_something() -> None:
    corpus = Corpus()
    empty = [
        item["q"] for item in labels()["queries"] if not corpus.hits(item["course"], item["q"])
    ]
    assert empty == []


def test_seed_forum_writes_the_forum_and_its_index_once(rtdb_server, ns) -> None:
    app = admin_app(f"{rtdb_server.url}?ns={ns}", name="demo-forum")
    try:
        root = db.reference("/", app=app, url=f"{rtdb_server.url}?ns={ns}")
        catalog = {cid: {"title": c["title"]} for cid, c in load_courses().items()}
        root.child(paths.courses()).set(catalog)  # the seed writes the catalogue first
        emails = {a["email"]: "uid-" + h for h, a in demo_forum.load_forum()["authors"].items()}
        written = seed_forum(root, emails)
        assert set(written) == set(load_courses()) and sum(written.values()) >= 150
        cid = "serverless-101"
        questions = root.child(paths.questions(cid)).get(shallow=True)
        assert len(questions) == len(demo_forum.threads(cid))
        assert root.child(paths.enrollment("uid-priya", "realtime-forums")).get() is True
        assert root.child(paths.enrollment("uid-lena", "realtime-forums")).get() is None
        assert backfill(root)[cid] > 0  # seed() indexes it next, as the triggers would
        assert root.child(paths.search_term(cid, "idempot")).get()
        assert seed_forum(root, emails) == {}  # a forum with posts is kept as it is
    finally:
        firebase_admin.delete_app(app)
