"""firebase-admin-python 7 (``firebase_admin.db``) against the local server, in emulator mode."""

from __future__ import annotations

import threading
from collections import OrderedDict

import firebase_admin
import pytest
from firebase_admin import db, exceptions

from tools.testing.admin import admin_app as admin_app_on
from tools.testing.admin import admin_apps, refs
from tools.testing.rawhttp import OWNER, request


@pytest.fixture(scope="module")
def admin_app(rtdb_server):
    app = admin_app_on(f"http://127.0.0.1:{rtdb_server.port}?ns=unused", name="admin-db")
    yield app
    firebase_admin.delete_app(app)


@pytest.fixture
def ref(rtdb_server, ns, admin_app):
    """The root of this test's namespace, seen by the admin SDK."""
    return refs(admin_app, rtdb_server.url, ns)


def test_set_get_update_push_delete(ref):
    users = ref("users")
    users.child("alice").set({"name": "Alice", "age": 30})
    assert users.child("alice").get() == {"name": "Alice", "age": 30}
    users.child("alice").update({"age": 31, "city/name": "Paris"})
    assert users.child("alice").get() == {"name": "Alice", "age": 31, "city": {"name": "Paris"}}
    pushed = users.push({"name": "Bob"})
    assert len(pushed.key) == 20
    assert pushed.get() == {"name": "Bob"}
    empty = users.push()
    assert empty.get() == ""
    users.child("alice").delete()
    assert users.child("alice").get() is None
    assert set(users.get()) == {pushed.key, empty.key}


def test_get_shallow_and_etag(ref):
    ref("s").set({"a": {"b": 1}, "c": 2})
    assert ref("s").get(shallow=True) == {"a": True, "c": True}
    value, etag = ref("s").get(etag=True)
    assert value == {"a": {"b": 1}, "c": 2} and etag
    assert ref("missing").get(etag=True) == (None, "null_etag")


def test_get_if_changed(ref):
    ref("g").set({"v": 1})
    _, etag = ref("g").get(etag=True)
    assert ref("g").get_if_changed(etag) == (False, None, None)
    ref("g/v").set(2)
    changed, value, new_etag = ref("g").get_if_changed(etag)
    assert changed and value == {"v": 2} and new_etag != etag


def test_set_if_unchanged(ref):
    ref("c").set(1)
    _, etag = ref("c").get(etag=True)
    ok, value, new_etag = ref("c").set_if_unchanged(etag, 2)
    assert ok and value == 2 and new_etag != etag
    ok, value, current = ref("c").set_if_unchanged(etag, 3)
    assert not ok and value == 2 and current == new_etag
    assert ref("c").get() == 2


def test_transaction(ref):
    counter = ref("counter")
    assert counter.transaction(lambda v: (v or 0) + 1) == 1
    assert counter.transaction(lambda v: (v or 0) + 1) == 2
    assert ref("obj").transaction(lambda v: {"list": [1, 2]}) == {"list": [1, 2]}
    assert ref("obj").transaction(lambda v: {"list": [*v["list"], 3]}) == {"list": [1, 2, 3]}
    assert ref("obj").get() == {"list": [1, 2, 3]}


def test_transactions_retry_under_contention(ref):
    counter = ref("hot")
    errors: list[BaseException] = []
    calls = {"n": 0}
    lock = threading.Lock()

    def bump(v):
        with lock:
            calls["n"] += 1
        return (v or 0) + 1

    def worker():
        try:
            for _ in range(15):
                counter.transaction(bump)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors
    assert counter.get() == 30
    assert calls["n"] >= 30


def test_transaction_reruns_after_a_concurrent_write(ref):
    """A write between the read and the conditional PUT forces a 412 and a rerun."""
    ref("race").set(10)
    seen: list[int] = []

    def update(v):
        seen.append(v)
        if len(seen) == 1:
            ref("race").set(100)  # someone else wins the race
        return v + 1

    assert ref("race").transaction(update) == 101
    assert seen == [10, 100]
    assert ref("race").get() == 101


def test_queries(ref):
    ref("dinos").set(
        {
            "a": {"height": 4, "w": {"kg": 9}},
            "b": {"height": 2, "w": {"kg": 3}},
            "c": {"height": 6, "w": {"kg": 1}},
            "d": {"height": 2, "w": {"kg": 5}},
        }
    )
    dinos = ref("dinos")
    r = dinos.order_by_child("height").limit_to_first(3).get()
    assert isinstance(r, OrderedDict) and list(r) == ["b", "d", "a"]
    assert list(dinos.order_by_child("height").start_at(3).get()) == ["a", "c"]
    assert list(dinos.order_by_child("height").end_at(2).get()) == ["b", "d"]
    assert list(dinos.order_by_child("height").equal_to(6).get()) == ["c"]
    assert list(dinos.order_by_child("w/kg").limit_to_last(2).get()) == ["d", "a"]
    assert list(dinos.order_by_key().start_at("b").end_at("c").get()) == ["b", "c"]
    assert list(dinos.order_by_key().limit_to_last(1).get()) == ["d"]
    ref("vals").set({"x": 3, "y": 1, "z": 2})
    assert list(ref("vals").order_by_value().limit_to_first(2).get()) == ["y", "z"]
    assert dict(ref("vals").order_by_value().start_at(2).get()) == {"z": 2, "x": 3}


def test_errors_map_to_admin_exceptions(rtdb_server, ns, ref):
    rules = {"rules": {"open": {".read": True, ".write": True}}}
    request(rtdb_server.url, "PUT", f"/.settings/rules.json?ns={ns}", rules, OWNER)
    # Admin bypasses rules...
    ref("closed").set(1)
    assert ref("closed").get() == 1
    with pytest.raises(exceptions.InvalidArgumentError):
        ref("bad").set({"a.b": 1})
    with pytest.raises(exceptions.InvalidArgumentError):
        ref("dinos").order_by_child("height").start_at({"not": "primitive"}).get()


def test_auth_variable_override(rtdb_server, ns):
    rules = {
        "rules": {"users": {"$uid": {".read": "auth.uid == $uid", ".write": "auth.uid == $uid"}}}
    }
    request(rtdb_server.url, "PUT", f"/.settings/rules.json?ns={ns}", rules, OWNER)
    url = f"{rtdb_server.url}?ns={ns}"
    with admin_apps(url, {"uid": "u1"}, None, name="override") as apps:
        as_u1, as_nobody = (db.reference("users", app=a) for a in apps)
        as_u1.child("u1").set({"n": 1})
        assert as_u1.child("u1").get() == {"n": 1}
        with pytest.raises(exceptions.UnauthenticatedError) as exc:
            as_u1.child("u2").set({"n": 1})
        assert str(exc.value) == "Permission denied"
        with pytest.raises(exceptions.UnauthenticatedError):
            as_nobody.child("u1").get()


def test_emulator_host_env_var(rtdb_server, ns, monkeypatch):
    """``FIREBASE_DATABASE_EMULATOR_HOST`` with a production-style URL also reaches us."""
    monkeypatch.setenv("FIREBASE_DATABASE_EMULATOR_HOST", rtdb_server.emulator_host)
    app = admin_app_on(f"https://{ns}.firebaseio.com", name="envhost")
    try:
        db.reference("x", app=app).set({"via": "env"})
        assert request(rtdb_server.url, "GET", f"/x.json?ns={ns}").json == {"via": "env"}
    finally:
        firebase_admin.delete_app(app)
