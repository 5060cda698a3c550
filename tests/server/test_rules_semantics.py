"""Firebase's rules semantics across the server, seen through the official JS SDK.

Each test loads a small ruleset into its own namespace and then acts as a signed-in
(mock token) or signed-out SDK client; admin (``owner``) seeds data.
"""

from __future__ import annotations

from typing import Any

import pytest

from tools.testing.jsclient import JsError, JsFactory, sv_increment, sv_timestamp
from tools.testing.rawhttp import owner_get, owner_put, put_rules, request

ALICE = {"sub": "alice", "email": "alice@example.com"}
BOB = {"sub": "bob"}
UNSPECIFIED_INDEX = "Using an unspecified index"


def load_rules(server: Any, ns: str, rules: dict[str, Any] | str) -> None:
    """Upload a rules tree (or a whole document's text)."""
    put_rules(server.url, ns, rules if isinstance(rules, str) else {"rules": rules})


def seed(server: Any, ns: str, path: str, value: Any) -> None:
    owner_put(server.url, ns, path, value)


def admin_get(server: Any, ns: str, path: str) -> Any:
    return owner_get(server.url, ns, path)


def denied(call: Any, *args: Any) -> JsError:
    with pytest.raises(JsError) as info:
        call(*args)
    return info.value


# --- .read / .write cascade ------------------------------------------------------------------


def test_read_and_write_cascade_down_and_cannot_be_revoked(rtdb_server, ns, js: JsFactory):
    load_rules(
        rtdb_server,
        ns,
        {
            "pub": {
                ".read": True,
                ".write": "auth != null",
                "secret": {".read": False, ".write": False},
            },
            "deep": {"a": {".read": True}},
        },
    )
    seed(rtdb_server, ns, "pub", {"secret": {"x": 1}, "y": 2})
    seed(rtdb_server, ns, "deep", {"a": 1, "b": 2})
    anon, alice = js(), js(ALICE)
    assert anon.val("pub/secret") == {"x": 1}  # granted above, the false below changes nothing
    alice.set("pub/secret/x", 5)  # same for writes
    assert admin_get(rtdb_server, ns, "pub/secret/x") == 5
    assert anon.val("deep/a") == 1
    err = denied(anon.get, "deep")  # a deeper grant never grants the parent
    assert err.message == "Permission denied"
    assert denied(anon.set, "pub/y", 3).code == "PERMISSION_DENIED"


# --- .validate -------------------------------------------------------------------------------


def test_validate_does_not_cascade_and_skips_deletes(rtdb_server, ns, js: JsFactory):
    load_rules(
        rtdb_server,
        ns,
        {
            ".read": True,
            ".write": True,
            "msgs": {
                "$id": {
                    ".validate": "newData.hasChildren(['text'])",
                    "text": {".validate": "newData.isString() && newData.val().length < 10"},
                    "n": {".validate": "newData.isNumber()"},
                    "$other": {".validate": False},
                }
            },
        },
    )
    c = js()
    c.set("msgs/m1", {"text": "hi"})
    assert denied(c.set, "msgs/m2", {"text": "way too long text"}).code == "PERMISSION_DENIED"
    assert denied(c.set, "msgs/m3", {"text": "hi", "extra": 1}).code == "PERMISSION_DENIED"
    assert denied(c.set, "msgs/m4", {"nottext": "x"}).code == "PERMISSION_DENIED"
    # A write below re-validates the ancestors that still exist afterwards.
    assert denied(c.set, "msgs/m1/text", 5).code == "PERMISSION_DENIED"
    c.set("msgs/m1/text", "ok")
    c.set("msgs/m1/n", 1)
    # Removing /msgs/m1/text would leave m1 without text: its ancestor's validate fails.
    assert denied(c.remove, "msgs/m1/text").code == "PERMISSION_DENIED"
    # Deleting the whole message runs no validate at all (.validate false children too).
    c.remove("msgs/m1")
    assert c.val("msgs") is None
    # Writing above the validated level validates every node the write leaves non-null.
    assert denied(c.set, "msgs", {"a": {"text": "x"}, "b": {"text": 1}}).code == "PERMISSION_DENIED"
    c.set("msgs", {"a": {"text": "x"}, "b": {"text": "y"}})
    assert sorted(c.val("msgs")) == ["a", "b"]


def test_write_denied_if_any_validate_fails_even_when_write_granted(rtdb_server, ns, js):
    load_rules(rtdb_server, ns, {".write": True, ".read": True, "n": {".validate": False}})
    c = js()
    assert denied(c.set, "n", 1).code == "PERMISSION_DENIED"
    assert denied(c.set, "/", {"n": 1, "m": 2}).code == "PERMISSION_DENIED"
    c.set("/", {"m": 2})
    assert c.val("/") == {"m": 2}


# --- rules are not filters -------------------------------------------------------------------


def test_rules_are_not_filters(rtdb_server, ns, js: JsFactory):
    load_rules(rtdb_server, ns, {"records": {"rec1": {".read": True}, "rec2": {".read": False}}})
    seed(rtdb_server, ns, "records", {"rec1": {"t": "a"}, "rec2": {"t": "b"}})
    c = js()
    lid = c.on("value", "records")
    cancel = c.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], lid)[0]
    assert cancel["code"] == "PERMISSION_DENIED"
    assert cancel["message"] == (
        "permission_denied at /records: Client doesn't have permission to access the desired data."
    )
    assert not c.events(lid, "value")  # nothing of rec1 leaked through the parent listen
    assert denied(c.get, "records").message == "Permission denied"
    assert c.val("records/rec1") == {"t": "a"}
    q = [["orderByKey"], ["limitToFirst", 1]]  # even a query that would only return rec1
    assert denied(c.get, "records", q).message == "Permission denied"


def test_query_based_rules(rtdb_server, ns, js: JsFactory):
    load_rules(
        rtdb_server,
        ns,
        {
            "baskets": {
                ".read": "auth.uid != null && query.orderByChild == 'owner' && "
                "query.equalTo == auth.uid",
                ".indexOn": "owner",
            },
            "messages": {".read": "query.orderByKey && query.limitToFirst <= 2"},
        },
    )
    seed(rtdb_server, ns, "baskets", {"b1": {"owner": "alice"}, "b2": {"owner": "bob"}})
    seed(rtdb_server, ns, "messages", {"m1": 1, "m2": 2, "m3": 3})
    alice = js(ALICE)
    mine = [["orderByChild", "owner"], ["equalTo", "alice"]]
    assert alice.val("baskets", mine) == {"b1": {"owner": "alice"}}
    assert denied(alice.get, "baskets").message == "Permission denied"
    theirs = [["orderByChild", "owner"], ["equalTo", "bob"]]
    assert denied(alice.get, "baskets", theirs).message == "Permission denied"
    lid = alice.on("value", "baskets", mine)
    alice.wait_value(lid, {"b1": {"owner": "alice"}})
    anon = js()
    assert anon.val("messages", [["orderByKey"], ["limitToFirst", 2]]) == {"m1": 1, "m2": 2}
    assert denied(anon.get, "messages", [["orderByKey"], ["limitToFirst", 3]]).message == (
        "Permission denied"
    )


# --- multi-path updates ----------------------------------------------------------------------


def test_multi_path_update_is_judged_as_a_whole(rtdb_server, ns, js: JsFactory):
    load_rules(
        rtdb_server,
        ns,
        {
            ".read": True,
            "a": {".write": True, ".validate": "newData.parent().child('b').exists()"},
            "b": {".write": True},
            "locked": {".write": False},
        },
    )
    c = js()
    # /a alone fails its validate: /b does not exist yet...
    assert denied(c.set, "a", 1).code == "PERMISSION_DENIED"
    # ...but together with /b in one update it is judged on the state after the update.
    c.update("/", {"a": 1, "b": 2})
    assert c.val("/") == {"a": 1, "b": 2}
    # One denied path denies the whole update: nothing of it is written.
    err = denied(c.update, "/", {"b": 3, "locked": 1})
    assert (err.code, err.message) == ("PERMISSION_DENIED", "PERMISSION_DENIED: Permission denied")
    assert c.val("/") == {"a": 1, "b": 2}
    # .validate runs only on the written locations (and their ancestors/descendants), so
    # removing /b does not re-run /a's rule even though it would now fail.
    c.update("/", {"b": None})
    assert c.val("/") == {"a": 1}
    assert denied(c.update, "/", {"a": 5}).code == "PERMISSION_DENIED"
    c.update("/", {"a": None})
    assert c.val("/") is None


def test_update_granted_per_child_path_not_at_its_parent(rtdb_server, ns, js: JsFactory):
    load_rules(
        rtdb_server, ns, {".read": True, "p": {"x": {".write": True}, "y": {".write": True}}}
    )
    c = js()
    c.update("p", {"x": 1, "y": 2})  # /p itself is not writable
    assert c.val("p") == {"x": 1, "y": 2}
    assert denied(c.set, "p", {"x": 1}).code == "PERMISSION_DENIED"
    assert denied(c.update, "p", {"x": 3, "z": 1}).code == "PERMISSION_DENIED"


# --- server values ---------------------------------------------------------------------------


def test_server_values_are_resolved_before_rules(rtdb_server, ns, js: JsFactory):
    load_rules(
        rtdb_server,
        ns,
        {
            ".read": True,
            "stamp": {".write": True, ".validate": "newData.val() == now"},
            "counter": {
                ".write": True,
                ".validate": "newData.val() == (data.exists() ? data.val() : 0) + 1",
            },
        },
    )
    c = js()
    c.set("stamp", sv_timestamp())
    assert isinstance(c.val("stamp"), int)
    assert denied(c.set, "stamp", 12345).code == "PERMISSION_DENIED"
    c.set("counter", sv_increment(1))
    c.set("counter", sv_increment(1))
    assert c.val("counter") == 2
    assert denied(c.set, "counter", sv_increment(2)).code == "PERMISSION_DENIED"
    c.update("/", {"counter": sv_increment(1), "stamp": sv_timestamp()})
    assert c.val("counter") == 3


# --- .indexOn --------------------------------------------------------------------------------


def test_unindexed_query_warns_like_firebase_and_indexed_does_not(rtdb_server, ns, js):
    load_rules(
        rtdb_server,
        ns,
        {
            ".read": True,
            ".write": True,
            "indexed": {".indexOn": ["score"]},
            "wild": {"$list": {".indexOn": ".value"}},
        },
    )
    data = {"a": {"score": 3}, "b": {"score": 1}, "c": {"score": 2}}
    seed(rtdb_server, ns, "indexed", data)
    seed(rtdb_server, ns, "plain", data)
    seed(rtdb_server, ns, "wild", {"l1": {"x": 3, "y": 1}})
    driver = js.driver()  # its own Node process: its stderr is only these listens
    c = driver.client(ns)
    q = [["orderByChild", "score"], ["limitToFirst", 2]]
    lid = c.on("value", "indexed", q)
    c.wait_value(lid, {"b": {"score": 1}, "c": {"score": 2}})
    lid = c.on("value", "wild/l1", [["orderByValue"], ["limitToFirst", 1]])
    c.wait_value(lid, {"y": 1})
    c.get("indexed", q)  # a round trip, so any warning would have been printed by now
    assert not [line for line in driver.stderr if UNSPECIFIED_INDEX in line]
    lid = c.on("value", "plain", q)
    c.wait_value(lid, {"b": {"score": 1}, "c": {"score": 2}})  # still served, and right
    warning = driver.wait_for(
        lambda _: [line for line in driver.stderr if UNSPECIFIED_INDEX in line]
    )[0]
    assert "FIREBASE WARNING" in warning
    assert '".indexOn": "score" at /plain' in warning


def test_rest_unindexed_query_is_served_as_by_the_emulator(rtdb_server, ns):
    """Lenient on purpose (see rtdb.transports.rest._warn_unindexed): Google's emulator serves
    unindexed queries; production would answer 400 "Index not defined"."""
    load_rules(rtdb_server, ns, {".read": True, "i": {".indexOn": "score"}})
    seed(rtdb_server, ns, "p", {"a": {"score": 3}, "b": {"score": 1}})
    reply = request(rtdb_server.url, "GET", f"/p.json?ns={ns}&orderBy=%22score%22&limitToFirst=1")
    assert (reply.status, reply.json) == (200, {"b": {"score": 1}})
