"""The sans-I/O trigger matcher: which writes fire which triggers, with what data.

Writes go through the real core ``Database`` (set, multi-path update, delete, priority,
transactions are sets) and its commit observers, with no server; the expectations are
Firebase's documented trigger semantics. ``after`` is computed from each event the way the
Node SDK's ``applyChange`` does (firebase-functions for Node, not installed here; the
Python SDK's ``prune_nones(deep_merge(...))`` in functions/venv's
``firebase_functions/db_fn.py`` is the same merge) and must equal what a read of the
location returns. The Python SDK's own handler runs on real events in
``tests/server/test_triggers_sdk.py``; delivery is ``test_trigger_delivery.py``.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rtdb.core import tree
from rtdb.core import triggers as T
from rtdb.core.auth import ADMIN, ANONYMOUS, Auth
from rtdb.core.database import Database
from rtdb.core.render import plain

NS = "demo-nimbus-default-rtdb"
ALICE = Auth(variable={"uid": "alice", "provider": "password", "token": {}})


def trigger(path: str, event: str = "written", name: str = "fn", ns: str = "*") -> T.Trigger:
    return T.parse_trigger(
        {
            "name": f"projects/demo-nimbus/locations/us-central1/triggers/us-central1-{name}-0",
            "path": path,
            "event": T.EVENT_PREFIX + event,
            "topic": f"projects/demo-nimbus/topics/us-central1-{name}-0",
            "namespacePattern": ns,
        }
    )


class Harness:
    """A database whose commits are matched against ``triggers``; events land in ``events``."""

    def __init__(self, *triggers: T.Trigger, ns: str = NS) -> None:
        self.registry = T.TriggerRegistry()
        for t in triggers:
            self.registry.upsert(t)
        ids = iter(range(1, 1_000_000))
        self.maker = T.EventMaker(self.registry, "127.0.0.1:9000", new_id=lambda: f"e{next(ids)}")
        self.db = Database(ns, clock=lambda: 1_764_620_000_123)
        self.events: list[T.TriggerEvent] = []
        self.dropped = 0
        self.db.observers.append(self._observe)

    def _observe(self, commit: Any) -> None:
        events, dropped = self.maker.events(commit)
        self.events.extend(events)
        self.dropped += dropped

    def take(self) -> list[dict[str, Any]]:
        out = [e.body for e in self.events]
        self.events.clear()
        return out

    def set(self, path: str, value: Any, auth: Auth = ADMIN) -> list[dict[str, Any]]:
        self.db.set(tuple(k for k in path.split("/") if k), value, auth)
        return self.take()

    def update(self, path: str, value: dict, auth: Auth = ADMIN) -> list[dict[str, Any]]:
        self.db.update(tuple(k for k in path.split("/") if k), value, auth)
        return self.take()

    def read(self, ref: str) -> Any:
        return plain(tree.get(self.db.root, tuple(k for k in ref.split("/") if k)))


def apply_change(src: Any, dest: Any) -> Any:
    """firebase-functions' ``applyChange`` (Node): merge ``delta`` into ``data``."""
    if not isinstance(dest, (dict, list)) or not isinstance(src, (dict, list)):
        return dest
    src_d = dict(enumerate(src)) if isinstance(src, list) else src
    dest_d = dict(enumerate(dest)) if isinstance(dest, list) else dest
    out = {}
    for key in {**src_d, **dest_d}:
        if key in dest_d:
            if dest_d[key] is not None:
                out[key] = apply_change(src_d.get(key), dest_d[key])
        elif src_d[key] is not None:
            out[key] = src_d[key]
    return out


def after_of(event: dict[str, Any]) -> Any:
    if event["type"] == T.DELETED:
        return None
    return apply_change(event["data"]["data"], event["data"]["delta"])


def summary(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(e["type"].rsplit(".", 1)[1], e["ref"]) for e in events]


# -- event types -----------------------------------------------------------------------


def test_created_updated_deleted_each_fire_only_their_own_trigger() -> None:
    h = Harness(*(trigger("posts/{pid}", kind, kind) for kind in ("created", "updated", "deleted")))
    created = h.set("posts/p1", {"title": "hello"})
    assert summary(created) == [("created", "posts/p1")]
    assert created[0]["data"]["data"] is None
    assert created[0]["data"]["delta"] == {"title": "hello"}
    updated = h.set("posts/p1/title", "hello again")
    assert summary(updated) == [("updated", "posts/p1")]
    assert updated[0]["data"]["data"] == {"title": "hello"}
    assert after_of(updated[0]) == h.read("posts/p1") == {"title": "hello again"}
    deleted = h.set("posts/p1", None)
    assert summary(deleted) == [("deleted", "posts/p1")]
    assert deleted[0]["data"] == {
        "@type": T.DATA_TYPE,
        "data": {"title": "hello again"},
        "delta": None,
    }


def test_written_fires_for_create_update_and_delete() -> None:
    h = Harness(trigger("posts/{pid}"))
    assert summary(h.set("posts/p1", 1)) == [("written", "posts/p1")]
    assert summary(h.set("posts/p1", 2)) == [("written", "posts/p1")]
    assert summary(h.set("posts/p1", None)) == [("written", "posts/p1")]
    assert h.events == []


def test_the_cloudevent_has_every_attribute_the_sdks_read() -> None:
    h = Harness(trigger("posts/{pid}", "created"))
    (event,) = h.set("posts/p1", {"t": 1}, ALICE)
    assert event == {
        "specversion": "1.0",
        "id": "e1",
        "type": "google.firebase.database.ref.v1.created",
        "source": "//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/"
        + NS,
        "subject": "refs/posts/p1",
        "time": "2025-12-01T20:13:20.123Z",
        "datacontenttype": "application/json",
        "location": "us-central1",
        "firebasedatabasehost": "127.0.0.1:9000",
        "instance": NS,
        "ref": "posts/p1",
        "authtype": "app_user",
        "authid": "alice",
        "data": {"@type": T.DATA_TYPE, "data": None, "delta": {"t": 1}},
    }


def test_auth_context_admin_user_and_signed_out() -> None:
    h = Harness(trigger("x/{k}"))
    (admin,) = h.set("x/a", 1, ADMIN)
    (user,) = h.set("x/b", 1, ALICE)
    (nobody,) = h.set("x/c", 1, ANONYMOUS)
    assert (admin["authtype"], "authid" in admin) == ("admin", False)
    assert (user["authtype"], user["authid"]) == ("app_user", "alice")
    assert (nobody["authtype"], "authid" in nobody) == ("unauthenticated", False)


# -- where a write fires -----------------------------------------------------------------


def test_nested_write_fires_at_the_trigger_location_with_its_whole_value() -> None:
    h = Harness(trigger("forum/{cid}/questions/{qid}"))
    h.set("forum/c1/questions/q1", {"title": "t", "body": "b"})
    (event,) = h.set("forum/c1/questions/q1/title", "T")
    assert event["ref"] == "forum/c1/questions/q1"
    assert event["subject"] == "refs/forum/c1/questions/q1"
    assert event["data"]["data"] == {"title": "t", "body": "b"}
    assert event["data"]["delta"] == {"title": "T"}
    assert after_of(event) == h.read("forum/c1/questions/q1") == {"title": "T", "body": "b"}
    (deep,) = h.set("forum/c1/questions/q1/meta/flags/pinned", True)
    assert deep["data"]["delta"] == {"meta": {"flags": {"pinned": True}}}
    assert after_of(deep) == h.read("forum/c1/questions/q1")


def test_write_above_the_trigger_fires_every_changed_location_below_it() -> None:
    h = Harness(trigger("forum/{cid}/questions/{qid}"))
    events = h.set("forum/c1", {"questions": {"q1": {"t": 1}, "q2": {"t": 2}}, "title": "C"})
    assert sorted(summary(events)) == [
        ("written", "forum/c1/questions/q1"),
        ("written", "forum/c1/questions/q2"),
    ]
    # The same value again for q1, a change for q2, q3 new: only q2 and q3 fire.
    events = h.set("forum/c1/questions", {"q1": {"t": 1}, "q2": {"t": 20}, "q3": {"t": 3}})
    assert sorted(summary(events)) == [
        ("written", "forum/c1/questions/q2"),
        ("written", "forum/c1/questions/q3"),
    ]
    # Deleting the course deletes each question: one event per location.
    events = h.set("forum/c1", None)
    assert sorted(e["ref"] for e in events) == [f"forum/c1/questions/q{i}" for i in (1, 2, 3)]
    assert all(after_of(e) is None and e["data"]["data"] for e in events)


def test_write_at_the_root_reaches_deep_triggers() -> None:
    h = Harness(trigger("a/{x}/b", "created"))
    events = h.set("", {"a": {"1": {"b": 1}, "2": {"c": 1}, "3": {"b": {"d": 1}}}})
    assert sorted(summary(events)) == [("created", "a/1/b"), ("created", "a/3/b")]


def test_multi_path_update_fires_once_per_matching_location() -> None:
    h = Harness(trigger("forum/{cid}/questions/{qid}", "updated"))
    h.set("forum/c1/questions", {"q1": {"score": 0, "title": "a"}, "q2": {"score": 0}})
    events = h.update(
        "forum/c1",
        {"questions/q1/score": 1, "questions/q1/title": "A", "questions/q2/score": 5},
    )
    assert sorted(summary(events)) == [
        ("updated", "forum/c1/questions/q1"),
        ("updated", "forum/c1/questions/q2"),
    ]
    by_ref = {e["ref"]: e for e in events}
    assert by_ref["forum/c1/questions/q1"]["data"]["delta"] == {"score": 1, "title": "A"}
    for ref, event in by_ref.items():
        assert after_of(event) == h.read(ref)


def test_multi_path_update_across_trees_fires_each_trigger_that_matches() -> None:
    h = Harness(
        trigger("votes/{cid}/{qid}/{uid}", name="vote"), trigger("forum/{cid}/score", name="score")
    )
    events = h.update("", {"votes/c1/q1/alice": 1, "forum/c1/score": {".sv": {"increment": 1}}})
    assert sorted(summary(events)) == [
        ("written", "forum/c1/score"),
        ("written", "votes/c1/q1/alice"),
    ]
    score = next(e for e in events if e["ref"] == "forum/c1/score")
    assert score["data"] == {"@type": T.DATA_TYPE, "data": None, "delta": 1}


def test_a_write_under_several_triggers_fires_each() -> None:
    h = Harness(
        trigger("forum/{cid}", name="course"),
        trigger("forum/{cid}/questions/{qid}", name="question"),
        trigger("forum/{cid}/questions/{qid}", "created", name="question-created"),
        trigger("forum/c2/questions/{qid}", name="other-course"),
        trigger("", name="root"),
    )
    h.db.set(("forum", "c1", "questions", "q1"), {"t": 1}, ADMIN)
    fired = sorted((e.key, e.body["ref"]) for e in h.events)
    assert fired == [
        ("us-central1-course-0", "forum/c1"),
        ("us-central1-question-0", "forum/c1/questions/q1"),
        ("us-central1-question-created-0", "forum/c1/questions/q1"),
        ("us-central1-root-0", ""),
    ]


def test_nothing_fires_when_nothing_changed() -> None:
    h = Harness(trigger("x/{k}"), trigger("x", name="x"))
    h.set("x/a", {"v": 1, "w": [1, 2]})
    assert h.set("x/a", {"v": 1, "w": [1, 2]}) == []
    assert h.set("x/a/v", 1) == []
    assert h.update("x", {"a/v": 1, "a/w/0": 1}) == []
    assert h.set("x/missing", None) == []
    assert h.set("elsewhere", None) == []
    # Only a priority changed: no function can see it (events carry values, as val() does).
    assert h.set("x/a/.priority", 5) == []
    # true is not 1.
    h.set("x/b", 1)
    assert summary(h.set("x/b", True)) == [("written", "x/b"), ("written", "x")]


def test_unrelated_paths_and_other_instances_do_not_fire() -> None:
    h = Harness(trigger("forum/{cid}", ns="other-db"), trigger("forum/c9", name="c9"))
    assert h.set("forum/c1", 1) == []
    assert h.set("profiles/alice", 1) == []
    assert summary(h.set("forum/c9/x", 1)) == [("written", "forum/c9")]
    named = Harness(trigger("forum/{cid}", ns="other-db"), ns="other-db")
    assert summary(named.set("forum/c1", 1)) == [("written", "forum/c1")]
    captured = Harness(trigger("forum/{cid}", ns="{instance}"), ns="anything")
    assert summary(captured.set("forum/c1", 1)) == [("written", "forum/c1")]


def test_bare_wildcards_and_trailing_multi_segment_capture() -> None:
    h = Harness(trigger("logs/*/{day}", name="star"), trigger("files/{rest=**}", name="many"))
    assert summary(h.set("logs/a/d1/x", 1)) == [("written", "logs/a/d1")]
    events = h.set("files/a/b/c", 1)
    assert summary(events) == [("written", "files/a/b/c")]
    assert after_of(events[0]) == 1
    # A write above the multi-segment part fires at its fixed prefix.
    events = h.set("files", {"z": 1})
    assert summary(events) == [("written", "files")]
    assert events[0]["data"]["delta"] == {"a": None, "z": 1}
    assert after_of(events[0]) == h.read("files") == {"z": 1}


def test_arrays_and_leaves_replaced_whole_in_the_delta() -> None:
    h = Harness(trigger("doc"))
    h.set("doc", {"tags": ["a", "b", "c"], "n": 1, "o": {"k": 1}})
    (event,) = h.set("doc/tags", ["a", "x"])
    assert event["data"]["delta"] == {"tags": ["a", "x"]}
    (event,) = h.set("doc/o", "leaf now")
    assert after_of(event) == h.read("doc")


def test_events_per_commit_are_bounded_and_the_rest_counted(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(T, "MAX_LOCATIONS_PER_COMMIT", 10)
    h = Harness(trigger("items/{id}"))
    events = h.set("items", {f"i{n}": n + 1 for n in range(50)})
    assert len(events) == 10
    assert h.dropped >= 1


def test_untouched_siblings_are_never_walked() -> None:
    """A write above a trigger walks only subtrees it replaced (shared nodes are skipped)."""
    h = Harness(trigger("big/{id}/x"))
    h.set("big", {f"k{n}": {"x": n} for n in range(2000)})
    h.take()
    walked: list[str] = []
    original = T._children_keys

    def spy(before: Any, after: Any) -> Any:
        keys = list(original(before, after))
        walked.extend(keys)
        return iter(keys)

    T._children_keys = spy
    try:
        assert summary(h.update("big", {"k5/x": -1})) == [("written", "big/k5/x")]
        assert summary(h.update("", {"big/k7": {"x": 70}})) == [("written", "big/k7/x")]
        assert h.update("", {"big/k8": {"x": 8}}) == []  # the same value: silent
    finally:
        T._children_keys = original
    assert walked == []  # the update named the location; nothing was enumerated
    assert summary(h.update("big", {"k9": {"x": 9, "y": 1}})) == []  # only y changed


# -- wildcards ---------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", ["q/{qid}", "q/{qid=*}", "q/*"])
def test_the_three_single_segment_wildcards_match_the_same_locations(pattern: str) -> None:
    h = Harness(trigger(pattern))
    events = h.update("q", {"x/t": 1, "y": 2})
    assert summary(events) == [("written", "q/x"), ("written", "q/y")]
    # The ref is the concrete location, no leading slash: the SDKs take the wildcard
    # params from it (firebase_functions/db_fn.py: ``ref_pattern.extract_matches(ref)``).
    assert [e["ref"].split("/")[1] for e in events] == ["x", "y"]


def test_a_wildcard_matches_exactly_one_key_never_the_parent_or_a_grandchild() -> None:
    h = Harness(trigger("q/{qid}/a"))
    assert h.set("q/x/b", 1) == []  # a sibling of the location
    assert summary(h.set("q/x/a/deep", 1)) == [("written", "q/x/a")]
    assert summary(h.set("q", {"y": {"a": 1, "b": 2}})) == [
        ("written", "q/x/a"),
        ("written", "q/y/a"),
    ]
    (event,) = h.set("q/y/a", 2)
    assert (event["ref"], event["data"]["data"], after_of(event)) == ("q/y/a", 1, 2)


def test_multi_segment_capture_fires_once_per_written_path_below_its_prefix() -> None:
    h = Harness(trigger("files/{rest=**}"))
    events = h.update("files", {"a/b": 1, "a/c": 2, "d": 3})
    assert summary(events) == [
        ("written", "files/a/b"),
        ("written", "files/a/c"),
        ("written", "files/d"),
    ]
    assert [after_of(e) for e in events] == [1, 2, 3]
    (deleted,) = h.set("files/a", None)  # one write, one location: the path written
    assert deleted["ref"] == "files/a"
    assert deleted["data"]["data"] == {"b": 1, "c": 2}
    assert after_of(deleted) is None


def test_the_instance_is_matched_by_its_pattern_and_named_in_the_event() -> None:
    h = Harness(trigger("x/{k}", ns="{db}"), ns="course-db")
    (event,) = h.set("x/a", 1)
    assert (event["instance"], event["source"].rsplit("/", 1)[1]) == ("course-db", "course-db")


# -- ordering ----------------------------------------------------------------------------


def test_one_commit_fires_trigger_by_trigger_in_registration_order() -> None:
    h = Harness(trigger("q/{qid}", name="second"), trigger("q", name="first"))
    h.db.update(("q",), {"b": 1, "a": 2}, ADMIN)
    assert [(e.key, e.body["ref"]) for e in h.events] == [
        ("us-central1-second-0", "q/b"),
        ("us-central1-second-0", "q/a"),
        ("us-central1-first-0", "q"),
    ]


def test_a_multi_path_update_fires_its_locations_in_the_order_it_named_them() -> None:
    h = Harness(trigger("forum/{cid}/questions/{qid}"))
    events = h.update(
        "forum",
        {
            "c2/questions/q3/a": 1,
            "c1/questions/q2/a": 1,
            "c1/questions/q1/a": 1,
            "c1/questions/q2/b": 1,
        },
    )
    assert [e["ref"] for e in events] == [
        "forum/c2/questions/q3",
        "forum/c1/questions/q2",  # once, though two of its keys were written
        "forum/c1/questions/q1",
    ]


def test_events_follow_commit_order_with_fresh_ids() -> None:
    h = Harness(trigger("n/{k}"))
    events = [e for n in range(5) for e in h.set(f"n/k{n % 2}", n)]
    assert [(e["ref"], after_of(e)) for e in events] == [
        ("n/k0", 0),
        ("n/k1", 1),
        ("n/k0", 2),
        ("n/k1", 3),
        ("n/k0", 4),
    ]
    assert [e["id"] for e in events] == ["e1", "e2", "e3", "e4", "e5"]


# -- multi-path updates and deletes ------------------------------------------------------


def test_a_multi_path_update_fires_only_where_a_value_changed() -> None:
    h = Harness(trigger("p/{pid}"))
    h.set("p", {"a": {"n": 1}, "b": {"n": 1}, "c": {"n": 1}})
    events = h.update("p", {"a/n": 2, "b/n": 1, "c": {"n": 1}, "d/n": None})
    assert summary(events) == [("written", "p/a")]
    assert events[0]["data"]["delta"] == {"n": 2}


def test_deleting_below_a_location_updates_it_and_deleting_its_last_child_deletes_it() -> None:
    h = Harness(*(trigger("posts/{pid}", kind, kind) for kind in ("created", "updated", "deleted")))
    h.set("posts", {"p1": {"a": 1, "b": 2}, "p2": {"a": 1}})
    (partial,) = h.set("posts/p1/a", None)
    assert summary([partial]) == [("updated", "posts/p1")]
    assert partial["data"]["delta"] == {"a": None}
    assert after_of(partial) == h.read("posts/p1") == {"b": 2}
    (emptied,) = h.set("posts/p2/a", None)  # no value left: the location is gone
    assert summary([emptied]) == [("deleted", "posts/p2")]
    assert emptied["data"]["data"] == {"a": 1}


def test_a_delete_above_the_trigger_fires_deleted_at_each_location_with_its_old_value() -> None:
    h = Harness(trigger("forum/{cid}/questions/{qid}", "deleted"))
    h.set("forum", {"c1": {"questions": {"q1": {"t": 1}, "q2": {"t": 2}}, "title": "C"}})
    events = h.update("", {"forum/c1": None, "elsewhere": 1})
    assert sorted((e["ref"], e["data"]["data"]) for e in events) == [
        ("forum/c1/questions/q1", {"t": 1}),
        ("forum/c1/questions/q2", {"t": 2}),
    ]
    assert all(e["data"]["delta"] is None for e in events)


def test_a_multi_path_update_mixing_deletes_and_creates_fires_each_kind() -> None:
    h = Harness(trigger("p/{pid}", "created", "created"), trigger("p/{pid}", "deleted", "deleted"))
    h.set("p/old", {"v": 1})
    h.events.clear()
    h.db.update(("p",), {"old": None, "new": {"v": 2}, "never": None}, ADMIN)
    assert sorted((e.key, e.body["ref"]) for e in h.events) == [
        ("us-central1-created-0", "p/new"),
        ("us-central1-deleted-0", "p/old"),
    ]


def test_a_write_above_that_replaces_a_subtree_fires_where_it_differs() -> None:
    h = Harness(trigger("a/{x}/b"))
    h.set("a", {"1": {"b": 1, "c": 1}, "2": {"b": 2}, "3": {"c": 3}})
    events = h.set("a", {"1": {"b": 1}, "2": {"b": 20}, "3": {"b": 3}, "4": {"c": 4}})
    assert sorted(summary(events)) == [("written", "a/2/b"), ("written", "a/3/b")]
    assert h.set("a", {"1": {"b": 1}, "2": {"b": 20}, "3": {"b": 3}, "4": {"c": 4}}) == []


# -- registration ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ([], "expected a JSON object"),
        ({"path": "x", "event": T.WRITTEN, "topic": "projects/p/topics/k"}, '"name" must be'),
        (
            {"name": "fn", "path": "x", "event": T.WRITTEN, "topic": "projects/p/topics/k"},
            "projects/<project>",
        ),
        (
            {"name": "projects/p/t/k", "event": T.WRITTEN, "topic": "projects/p/topics/k"},
            '"path" must be',
        ),
        (
            {
                "name": "projects/p/t/k",
                "path": "a/b.c",
                "event": T.WRITTEN,
                "topic": "projects/p/topics/k",
            },
            '"b.c" is not',
        ),
        (
            {
                "name": "projects/p/t/k",
                "path": "a/{x}/{x}",
                "event": T.WRITTEN,
                "topic": "projects/p/topics/k",
            },
            "appears twice",
        ),
        (
            {
                "name": "projects/p/t/k",
                "path": "{r=**}/a",
                "event": T.WRITTEN,
                "topic": "projects/p/topics/k",
            },
            "only as the last",
        ),
        (
            {
                "name": "projects/p/t/k",
                "path": "a*b",
                "event": T.WRITTEN,
                "topic": "projects/p/topics/k",
            },
            '"a*b" is not',
        ),
        (
            {
                "name": "projects/p/t/k",
                "path": "x",
                "event": "providers/google.firebase.database/eventTypes/ref.write",
                "topic": "projects/p/topics/k",
            },
            "expected one of google.firebase.database.ref.v1.created",
        ),
        ({"name": "projects/p/t/k", "path": "x", "event": T.WRITTEN}, '"topic" must be'),
        (
            {"name": "projects/p/t/k", "path": "x", "event": T.WRITTEN, "topic": "k"},
            "projects/<project>/topics/<trigger key>",
        ),
        (
            {
                "name": "projects/p/t/k",
                "path": "x",
                "event": T.WRITTEN,
                "topic": "projects/p/topics/k",
                "namespacePattern": "a/b",
            },
            "Invalid namespacePattern",
        ),
        (
            {
                "name": "projects/p/t/k",
                "path": "x",
                "event": T.WRITTEN,
                "topic": "projects/p/topics/k",
                "namespacePattern": 3,
            },
            '"namespacePattern" must be',
        ),
    ],
)
def test_bad_registrations_say_what_is_wrong(body: Any, message: str) -> None:
    with pytest.raises(T.TriggerError) as info:
        T.parse_trigger(body)
    assert message in info.value.message


def test_registry_upserts_by_name_and_knows_project_and_key() -> None:
    registry = T.TriggerRegistry()
    registry.upsert(trigger("a/{x}"))
    registry.upsert(trigger("b/{x}", "created"))
    (only,) = registry.all()
    assert (only.path, only.event, only.project, only.key) == (
        "b/{x}",
        T.CREATED,
        "demo-nimbus",
        "us-central1-fn-0",
    )
    assert registry.for_namespace("anything") == (only,)


# -- the invariant, on random write sequences --------------------------------------------

KEYS = st.sampled_from(["a", "b", "c"])
VALUES = st.recursive(
    st.one_of(st.none(), st.integers(-2, 2), st.booleans(), st.sampled_from(["s", "t"])),
    lambda kids: st.dictionaries(KEYS, kids, max_size=3),
    max_leaves=6,
)
PATHS = st.lists(KEYS, min_size=0, max_size=3).map(lambda keys: "/".join(keys))
WRITES = st.lists(
    st.one_of(
        st.tuples(st.just("set"), PATHS, VALUES),
        st.tuples(st.just("update"), PATHS, st.dictionaries(KEYS, VALUES, min_size=1, max_size=3)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(WRITES)
def test_every_changed_location_fires_once_and_its_after_is_the_read(writes: list) -> None:
    h = Harness(
        trigger("{x}/{y}", name="pair"),
        trigger("a", name="a"),
        trigger("{x}/b/{z}", "deleted", name="del"),
    )
    for op, path, value in writes:
        old_root = h.db.root
        before = {ref: h.read(ref) for ref in _all_locations(h)}
        events = h.set(path, value) if op == "set" else h.update(path, value)
        after = {ref: h.read(ref) for ref in _all_locations(h) | set(before)}
        pair = [e["ref"] for e in events if e["ref"].count("/") == 1 and e["type"] == T.WRITTEN]
        changed = {r for r in after if r.count("/") == 1 and not T.same(before.get(r), after[r])}
        assert sorted(pair) == sorted(changed)  # each changed location exactly once
        assert len({e["id"] for e in events}) == len(events)
        for event in events:
            assert after_of(event) == h.read(event["ref"])
            old = plain(tree.get(old_root, tuple(k for k in event["ref"].split("/") if k)))
            assert event["data"]["data"] == old
            assert not T.same(event["data"]["data"], h.read(event["ref"]))


def _all_locations(h: Harness) -> set[str]:
    refs = {"a"}
    root = h.read("")
    if isinstance(root, dict):
        for x, kid in root.items():
            if isinstance(kid, dict):
                refs.update(f"{x}/{y}" for y in kid)
    return refs
