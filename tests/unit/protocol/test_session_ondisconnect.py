"""onDisconnect: ``o``/``om`` are judged when queued, ``oc`` cancels at a path and below,
and ``close`` runs what is left in order, as normal writes (rtdb-notes 1.11)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from session_peer import Peer, data, ok, push, refused, set_at, use_rules

from rtdb.core.database import Database


def test_queued_writes_wait_for_close_then_run_in_order(connect, clock) -> None:
    watcher, leaving = connect(), connect()
    watcher.listen("/presence")
    watcher.take()
    leaving.call("p", {"p": "/presence/u1", "d": "online"})
    assert watcher.take() == [data("presence/u1", "online")]
    assert leaving.request("o", {"p": "/presence/u1", "d": "offline"}) == [ok(2)]
    last_seen = {"lastSeen/u1": {".sv": "timestamp"}, "count": {".sv": {"increment": 1}}}
    assert leaving.request("om", {"p": "/presence", "d": last_seen}) == [ok(3)]
    assert watcher.take() == [], "nothing runs before the connection ends"
    clock.now += 60_000
    leaving.close()
    assert watcher.take() == [
        data("presence/u1", "offline"),
        push("m", {"p": "presence", "d": {"lastSeen/u1": clock.now, "count": 1}}),
    ]
    assert leaving.take() == [], "the closed session is sent nothing"
    assert watcher.call("g", {"p": "/presence", "q": {}})["d"] == {
        "u1": "offline",
        "lastSeen": {"u1": clock.now},
        "count": 1,
    }


def test_later_queued_writes_win(connect) -> None:
    watcher, leaving = connect(), connect()
    watcher.listen("/c")
    watcher.take()
    leaving.call("o", {"p": "/c", "d": 1})
    leaving.call("om", {"p": "/c", "d": {"d": 2}})
    leaving.call("o", {"p": "/c", "d": 3})
    leaving.close()
    assert watcher.take() == [data("c", 1), push("m", {"p": "c", "d": {"d": 2}}), data("c", 3)]


def test_cancel_removes_queued_writes_at_the_path_and_below_only(connect) -> None:
    watcher, leaving = connect(), connect()
    watcher.listen("/p")
    watcher.take()
    for path in ("/p/x", "/p/a", "/p/a/b", "/p/ab"):
        assert leaving.call("o", {"p": path, "d": path})["s"] == "ok"
    assert leaving.request("oc", {"p": "/p/a", "d": None}) == [ok(leaving.r)]
    assert leaving.call("oc", {"p": "/p/never", "d": None}) == {"s": "ok", "d": ""}
    leaving.close()
    assert watcher.take() == [data("p/x", "/p/x"), data("p/ab", "/p/ab")]


def test_cancel_at_the_root_removes_everything(connect) -> None:
    watcher, leaving = connect(), connect()
    watcher.listen("/")
    watcher.take()
    leaving.call("o", {"p": "/a", "d": 1})
    leaving.call("om", {"p": "/b", "d": {"c": 1}})
    leaving.call("oc", {"p": "/", "d": None})
    leaving.close()
    assert watcher.take() == []


def test_close_twice_runs_the_queue_once(connect) -> None:
    watcher, leaving = connect(), connect()
    leaving.call("o", {"p": "/once", "d": "gone"})
    leaving.close()
    watcher.call("p", {"p": "/once", "d": "back"})
    leaving.close()
    assert watcher.call("g", {"p": "/once", "q": {}})["d"] == "back"


def test_close_drops_the_sessions_listens(connect) -> None:
    writer, leaving = connect(), connect()
    leaving.listen("/x")
    leaving.close()
    assert writer.request("p", {"p": "/x", "d": 1}) == [ok(1)]
    assert leaving.take() == []
    assert writer.session.db.listeners.count == 0


def test_denied_on_disconnect_is_refused_when_queued_and_never_runs(connect, db) -> None:
    use_rules(db, {"open": {".read": True, ".write": True}})
    leaving = connect()
    denied = refused(1, "permission_denied", "Permission denied")
    assert leaving.request("o", {"p": "/closed", "d": 1}) == [denied]
    assert leaving.call("om", {"p": "/", "d": {"closed": 1, "open/y": 1}})["s"] == (
        "permission_denied"
    )
    assert leaving.call("o", {"p": "/open/x", "d": 1}) == {"s": "ok", "d": ""}
    leaving.close()
    owner = connect("owner")
    assert owner.call("g", {"p": "/", "q": {}})["d"] == {"open": {"x": 1}}


def test_a_queued_write_the_rules_deny_by_close_time_is_skipped_not_fatal(connect, db) -> None:
    """Rules are applied again when the queue runs: a lock taken meanwhile stays taken."""
    use_rules(db, {".read": True, "lock": {".write": "!data.exists()"}, "b": {".write": True}})
    leaving, owner = connect(), connect("owner")
    assert leaving.call("o", {"p": "/lock", "d": "mine"})["s"] == "ok"
    assert leaving.call("o", {"p": "/b", "d": 1})["s"] == "ok"
    owner.call("p", {"p": "/lock", "d": "theirs"})
    leaving.close()
    assert owner.call("g", {"p": "/", "q": {}})["d"] == {"lock": "theirs", "b": 1}


def test_invalid_on_disconnect_data_is_refused_when_queued(connect) -> None:
    leaving, watcher = connect(), connect()
    assert leaving.call("o", {"p": "/x", "d": {".sv": "nope"}})["s"] == "invalid_data"
    assert leaving.call("om", {"p": "/x", "d": {"a": 1, "a/b": 2}})["s"] == "invalid_data"
    leaving.close()
    assert watcher.call("g", {"p": "/x", "q": {}})["d"] is None


_keys = st.lists(st.sampled_from("ab"), min_size=1, max_size=3).map(tuple)
_values = st.one_of(
    st.none(),
    st.integers(0, 9),
    st.dictionaries(st.sampled_from("ab"), st.integers(0, 9), max_size=2),
)
_ops = st.one_of(
    st.tuples(st.just("o"), _keys, _values),
    st.tuples(st.just("om"), _keys, st.dictionaries(st.sampled_from("ab"), _values, max_size=2)),
    st.tuples(st.just("oc"), st.lists(st.sampled_from("ab"), max_size=2).map(tuple), st.none()),
)


@settings(max_examples=80, deadline=None)
@given(st.lists(_ops, max_size=8))
def test_close_runs_exactly_the_uncancelled_queue_in_order(ops) -> None:
    db = Database("od", clock=lambda: 0)
    leaving, watcher = Peer(db), Peer(db)
    queue: list[tuple[str, tuple[str, ...], object]] = []
    for action, path, value in ops:
        reply = leaving.call(action, {"p": "/" + "/".join(path), "d": value})
        assert reply == {"s": "ok", "d": ""}
        if action == "oc":
            queue = [op for op in queue if op[1][: len(path)] != path]
        else:
            queue.append((action, path, value))
    assert watcher.call("g", {"p": "/", "q": {}})["d"] is None, "nothing ran before close"
    leaving.close()
    model = None
    for action, path, value in queue:
        if action == "o":
            model = set_at(model, path, value)
        else:
            for key, v in value.items():
                model = set_at(model, (*path, key), v)
    assert watcher.call("g", {"p": "/", "q": {}})["d"] == model
