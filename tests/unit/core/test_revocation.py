"""Read revocation in the core: the right listens are judged again, and only those.

What a write costs in rechecks is the point of ``rtdb.core.revocation``: a listen is judged
again only when a write lands at, above or below data its granting read rule observed. The
tests count the judgements (``Database.recheck``) and check the revocation pushes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtdb.core.auth import ADMIN, Auth
from rtdb.core.database import Database
from rtdb.core.revocation import WatchIndex
from rtdb.rules import compile_rules

ENROLLED = "root.child('enrolments/' + $c + '/' + auth.uid).exists()"


class Sink:
    def __init__(self) -> None:
        self.pushes: list[tuple[str, dict[str, Any]]] = []

    def push(self, action: str, body: dict[str, Any]) -> None:
        self.pushes.append((action, body))


def learner(uid: str) -> Auth:
    return Auth(variable={"uid": uid, "provider": "custom", "token": {"sub": uid}})


def make_db(rules: dict[str, Any], data: dict[str, Any]) -> Database:
    db = Database("t", clock=lambda: 1000)
    db.set((), data, ADMIN)
    db.rules = compile_rules(json.dumps({"rules": rules}))
    return db


@pytest.fixture
def course() -> Database:
    rules = {
        "courses": {"$c": {"posts": {".read": ENROLLED}, "title": {".read": "auth != null"}}},
    }
    data = {
        "enrolments": {"c1": {f"u{i}": True for i in range(50)}},
        "courses": {"c1": {"title": "T", "posts": {"p1": "hi"}}},
    }
    return make_db(rules, data)


def counting(db: Database) -> list[Any]:
    judged: list[Any] = []
    real = db.recheck

    def recheck(listener: Any) -> bool:
        judged.append(listener)
        return real(listener)

    db.recheck = recheck  # type: ignore[method-assign]
    return judged


def test_posts_cost_no_rechecks_and_unenrolment_one(course):
    sinks = {}
    for i in range(50):
        sinks[i] = Sink()
        course.listen(sinks[i], ("courses", "c1", "posts"), None, None, learner(f"u{i}"))
        course.listen(sinks[i], ("courses", "c1", "title"), None, None, learner(f"u{i}"))
    assert len(course.watches) == 50  # the title listens depend on no data
    judged = counting(course)
    for n in range(20):
        course.set(("courses", "c1", "posts", f"n{n}"), "new", ADMIN)
    assert judged == []  # 20 posts to 50 learners: not one rule re-run
    pushes = course.set(("enrolments", "c1", "u7"), None, ADMIN)
    assert len(judged) == 1
    assert [(a, b) for s, a, b in pushes if a == "c"] == [("c", {"p": "/courses/c1/posts"})]
    assert [s for s, a, b in pushes if a == "c"] == [sinks[7]]
    assert len(course.watches) == 49
    pushes = course.set(("courses", "c1", "posts", "after"), "x", ADMIN)
    assert not [p for p in pushes if p[0] is sinks[7]]  # revoked: no more posts
    assert [p[1] for p in pushes if p[0] is sinks[8]] == ["d"]  # the others: still served


def test_a_write_above_the_watched_data_is_judged(course):
    sink = Sink()
    course.listen(sink, ("courses", "c1", "posts"), None, None, learner("u1"))
    judged = counting(course)
    pushes = course.set(("enrolments",), {"c1": {"u1": True}}, ADMIN)  # replaced, still there
    assert len(judged) == 1 and not [p for p in pushes if p[1] == "c"]
    pushes = course.set(("enrolments",), {"c2": {"u1": True}}, ADMIN)  # replaced, gone
    assert [p[1] for p in pushes if p[0] is sink] == ["c"]


def test_revoked_listen_gets_no_data_from_the_same_write(course):
    sink = Sink()
    course.listen(sink, ("courses", "c1", "posts"), None, None, learner("u1"))
    update = {"enrolments/c1/u1": None, "courses/c1/posts/secret": "s3cr3t"}
    pushes = course.update((), update, ADMIN)
    assert [(a, b) for s, a, b in pushes if s is sink] == [("c", {"p": "/courses/c1/posts"})]


def test_dynamic_paths_are_traced_through_the_data_they_read():
    rules = {"x": {".read": "root.child('rooms/' + root.child('current').val()).exists()"}}
    db = make_db(rules, {"current": "r1", "rooms": {"r1": True, "r2": True}})
    sink = Sink()
    listener, _ = db.listen(sink, ("x",), None, None, learner("u"))
    assert set(db.watches._watching[listener]) == {("current",), ("rooms", "r1")}
    assert db.set(("rooms", "r3"), True, ADMIN) == []  # not what it reads
    db.set(("current",), "r2", ADMIN)  # now it reads rooms/r2
    assert set(db.watches._watching[listener]) == {("current",), ("rooms", "r2")}
    pushes = db.set(("rooms", "r2"), None, ADMIN)
    assert [p[1] for p in pushes] == ["c"]


def test_short_circuit_watches_only_what_decided_the_grant():
    rules = {"x": {".read": "root.child('a').val() == true || root.child('b').val() == true"}}
    db = make_db(rules, {"a": True, "b": True})
    sink = Sink()
    listener, _ = db.listen(sink, ("x",), None, None, learner("u"))
    assert db.watches._watching[listener] == (("a",),)
    assert db.set(("b",), False, ADMIN) == []
    assert db.set(("a",), False, ADMIN)[0][1] == "c"  # b is false too by now


def test_admin_and_open_namespaces_watch_nothing(course):
    course.listen(Sink(), ("courses", "c1", "posts"), None, None, ADMIN)
    assert len(course.watches) == 0
    open_db = Database("o")
    open_db.listen(Sink(), ("a",), None, None, learner("u"))
    assert len(open_db.watches) == 0


@settings(max_examples=60, deadline=None)
@given(
    watched=st.lists(st.lists(st.sampled_from("abc"), max_size=3), min_size=1, max_size=4),
    written=st.lists(st.lists(st.sampled_from("abc"), max_size=3), min_size=1, max_size=3),
)
def test_watch_index_finds_exactly_the_related_paths(watched, written):
    index = WatchIndex()
    listener = object()
    index.set(listener, [tuple(w) for w in watched])
    related = any(
        tuple(w[: len(x)]) == tuple(x) or tuple(x[: len(w)]) == tuple(w)
        for w in watched
        for x in written
    )
    assert (index.touched([tuple(x) for x in written]) == [listener]) is related
    index.discard(listener)
    assert index.touched([tuple(x) for x in written]) == [] and len(index) == 0
