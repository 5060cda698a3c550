"""The sans-I/O ``Database``: writes return the pushes they cause (in wire shape, to the
right sinks), errors are typed, updates are atomic, and a commit is told to the journal
and observers exactly once. No session, no socket: a sink is a list."""

from __future__ import annotations

import json
from typing import Any

import pytest

from rtdb.core.auth import ADMIN, ANONYMOUS, Auth
from rtdb.core.database import Commit, Conflict, Database
from rtdb.core.errors import DataStale, InvalidData, InvalidPath, PermissionDenied
from rtdb.core.query import QuerySpec
from rtdb.rules import compile_rules

NOW = 1_700_000_000_000


class Sink:
    """Where a listen's pushes go (a session or an SSE stream in the server)."""

    def __init__(self) -> None:
        self.pushes: list[tuple[str, dict[str, Any]]] = []

    def push(self, action: str, body: dict[str, Any]) -> None:
        self.pushes.append((action, body))


def user(uid: str) -> Auth:
    return Auth(variable={"uid": uid, "provider": "custom", "token": {"sub": uid}})


@pytest.fixture
def db() -> Database:
    return Database("unit", clock=lambda: NOW)


def ruled(db: Database, rules: dict[str, Any]) -> Database:
    db.rules = compile_rules(json.dumps({"rules": rules}))
    return db


def test_listen_returns_its_initial_data_push(db) -> None:
    sink = Sink()
    db.set(("a",), {"b": 1}, ADMIN)
    listener, initial = db.listen(sink, ("a",), None, None, ADMIN)
    assert initial == (sink, "d", {"p": "a", "d": {"b": 1}})
    assert listener.path == ("a",)
    _, initial = db.listen(sink, ("none",), None, None, ADMIN)
    assert initial == (sink, "d", {"p": "none", "d": None})


def test_a_filtering_query_is_tagged_and_an_ordering_alone_is_not(db) -> None:
    sink = Sink()
    db.set(("s",), {"a": 3, "b": 1, "c": 2}, ADMIN)
    first = QuerySpec.from_wire({"i": ".value", "l": 1, "vf": "l"})
    _, initial = db.listen(sink, ("s",), first, 4, ADMIN)
    assert initial == (sink, "d", {"p": "s", "d": {"b": 1}, "t": 4})
    ordered = QuerySpec.from_wire({"i": ".value"})
    _, initial = db.listen(sink, ("s",), ordered, 5, ADMIN)
    assert initial == (sink, "d", {"p": "s", "d": {"a": 3, "b": 1, "c": 2}})


def test_writes_return_pushes_for_their_listeners_only(db) -> None:
    near, far = Sink(), Sink()
    db.listen(near, ("room",), None, None, ADMIN)
    db.listen(far, ("other",), None, None, ADMIN)
    assert db.set(("room", "m"), "hi", ADMIN) == [(near, "d", {"p": "room/m", "d": "hi"})]
    assert db.update(("room",), {"m": None, "n/o": 1}, ADMIN) == [
        (near, "m", {"p": "room", "d": {"m": None, "n/o": 1}})
    ]
    assert near.pushes == [] and far.pushes == [], "the core delivers nothing itself"


def test_unlisten_stops_pushes(db) -> None:
    sink = Sink()
    listener, _ = db.listen(sink, ("x",), None, None, ADMIN)
    db.unlisten(listener)
    db.unlisten(listener)  # twice is harmless
    assert db.set(("x",), 1, ADMIN) == []


def test_reads_and_listens_are_refused_by_the_rules(db) -> None:
    ruled(db, {"open": {".read": True}})
    with pytest.raises(PermissionDenied) as err:
        db.read(("closed",), None, ANONYMOUS)
    assert (err.value.code, err.value.message) == ("permission_denied", "Permission denied")
    with pytest.raises(PermissionDenied):
        db.listen(Sink(), ("closed",), None, None, ANONYMOUS)
    assert db.read(("open",), None, ANONYMOUS) is None
    assert db.read(("closed",), None, ADMIN) is None  # admin bypasses


def test_a_transaction_hash_must_match_and_rules_come_first(db) -> None:
    db.set(("t",), 1, ADMIN)
    with pytest.raises(DataStale) as err:
        db.set(("t",), 2, ADMIN, expected_hash="")
    assert (err.value.code, err.value.message) == ("datastale", "Transaction hash does not match")
    db.set(("t",), 2, ADMIN, expected_hash="YPVfR2bXt/lcDjiQZ8pOkAd3qkQ=")  # hash(1)
    assert db.read(("t",)) == 2
    ruled(db, {".read": True})
    with pytest.raises(PermissionDenied):
        db.set(("t",), 3, ANONYMOUS, expected_hash="wrong")


def test_updates_must_be_objects_of_disjoint_valid_paths(db) -> None:
    with pytest.raises(InvalidData):
        db.update(("x",), [1, 2], ADMIN)
    with pytest.raises(InvalidData):
        db.update(("x",), {"a": 1, "a/b": 2}, ADMIN)
    with pytest.raises(InvalidPath):
        db.update(("x",), {"a.b": 1}, ADMIN)
    with pytest.raises(InvalidData):
        db.set(("x",), {"a": {"b#": 1}}, ADMIN)
    assert db.root is None
    assert db.update(("x",), {}, ADMIN) == []


def test_a_multi_path_update_is_atomic_under_the_rules(db) -> None:
    ruled(db, {"mine": {"$k": {".write": "auth.uid == $k"}}, ".read": True})
    sink = Sink()
    db.listen(sink, (), None, None, ADMIN)
    with pytest.raises(PermissionDenied):
        db.update((), {"mine/u1": 1, "mine/u2": 1}, user("u1"))
    assert db.root is None
    assert db.update(("mine",), {"u1": {"n": 1}}, user("u1")) == [
        (sink, "m", {"p": "mine", "d": {"u1": {"n": 1}}})
    ]


def test_server_values_resolve_against_the_data_before_the_write(db) -> None:
    db.set(("c",), {"a": 5}, ADMIN)
    inc = {".sv": {"increment": 1}}
    db.update(("c",), {"a": inc, "b": inc, "t": {".sv": "timestamp"}}, ADMIN)
    assert db.read(("c",)) == {"a": 6, "b": 1, "t": NOW}
    db.set(("c", "a"), "text", ADMIN)
    db.set(("c", "a"), inc, ADMIN)
    assert db.read(("c", "a")) == 1


def test_dry_runs_check_everything_and_change_nothing(db) -> None:
    records: list[dict] = []
    db.journal = records.append
    sink = Sink()
    db.listen(sink, (), None, None, ADMIN)
    assert db.set(("a",), 1, ADMIN, dry_run=True) == []
    assert db.update(("a",), {"b": 1}, ADMIN, dry_run=True) == []
    with pytest.raises(InvalidData):
        db.set(("a",), {".sv": "nope"}, ADMIN, dry_run=True)
    ruled(db, {})
    with pytest.raises(PermissionDenied):
        db.set(("a",), 1, ANONYMOUS, dry_run=True)
    assert db.root is None and records == []


def test_a_prepared_write_conflicts_if_the_tree_moved_on(db) -> None:
    prepared = db.prepare_set(("a",), 1, ADMIN)
    assert db.root is None, "preparing changes nothing"
    db.set(("b",), 2, ADMIN)
    with pytest.raises(Conflict):
        db.commit(prepared)
    sink = Sink()
    db.listen(sink, ("a",), None, None, ADMIN)
    prepared = db.prepare_update((), {"a": 1}, ADMIN)
    assert db.commit(prepared) == [(sink, "d", {"p": "a", "d": 1})]
    assert db.read(()) == {"a": 1, "b": 2}


def test_the_journal_replays_to_the_same_tree(db) -> None:
    records: list[dict] = []
    db.journal = records.append
    db.set(("a",), {"x": [1, 2], "t": {".sv": "timestamp"}}, ADMIN)
    db.update(("a",), {"x/0": None, "y/z": {".sv": {"increment": 2}}}, ADMIN)
    db.set(("a", "y", ".priority"), 7, ADMIN)
    db.set(("b",), {".value": "v", ".priority": "p"}, ADMIN)
    assert len(records) == 4
    replayed = Database("copy")
    for record in json.loads(json.dumps(records)):  # as the journal file holds them
        replayed.apply_record(record)
    assert replayed.root == db.root
    assert replayed.read(("a", "t")) == NOW, "server values are resolved before journaling"


def test_observers_see_each_commit_once_with_its_auth(db) -> None:
    seen: list[Commit] = []
    db.observers.append(seen.append)
    alice = user("alice")
    db.set(("a",), 1, alice)
    db.update((), {"b/c": 2, "d": None}, ADMIN)
    db.set(("e",), 1, ADMIN, dry_run=True)
    assert [(c.ns, c.written, c.auth, c.time) for c in seen] == [
        ("unit", (("a",),), alice, NOW),
        ("unit", (("b", "c"), ("d",)), ADMIN, NOW),
    ]
    assert seen[1].before == {"a": 1} and seen[1].after == {"a": 1, "b": {"c": 2}}


def test_unindexed_queries_are_flagged_by_the_rules_index(db) -> None:
    by_n = QuerySpec.from_wire({"i": "n", "l": 1, "vf": "l"})
    by_key = QuerySpec.from_wire({"i": ".key", "l": 1, "vf": "l"})
    assert not db.unindexed(("s",), by_n), "no rules: nothing to warn about"
    ruled(db, {".read": True, "ix": {".indexOn": ["n"]}})
    assert db.unindexed(("s",), by_n)
    assert not db.unindexed(("ix",), by_n)
    assert not db.unindexed(("s",), by_key)
    assert not db.unindexed(("s",), None)


def test_an_update_of_many_paths_reaches_the_same_listens_as_a_small_one(db) -> None:
    """Over 64 written paths the core finds listens in one walk; the result must not change."""
    sinks = {name: Sink() for name in ("root", "many", "k5", "x", "other")}
    db.listen(sinks["root"], (), None, None, ADMIN)
    db.listen(sinks["many"], ("many",), None, None, ADMIN)
    db.listen(sinks["k5"], ("many", "k5"), None, None, ADMIN)
    db.listen(sinks["x"], ("x",), None, None, ADMIN)
    db.listen(sinks["other"], ("other",), None, None, ADMIN)
    update = {f"many/k{i}": i for i in range(100)} | {"x": "y"}
    pushes = db.update((), update, ADMIN)
    by_sink = {name: [(a, b) for s, a, b in pushes if s is sink] for name, sink in sinks.items()}
    assert by_sink["root"] == [("m", {"p": "", "d": update})]
    assert by_sink["many"] == [("d", {"p": "many", "d": {f"k{i}": i for i in range(100)}})]
    assert by_sink["k5"] == [("d", {"p": "many/k5", "d": 5})]
    assert by_sink["x"] == [("d", {"p": "x", "d": "y"})]
    assert by_sink["other"] == []
