"""Transactions, onDisconnect, auth and ``.info`` through the real JS SDK."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from tools.testing.jsclient import JsError, JsFactory, js_fixture
from tools.testing.rawhttp import owner_get, put_rules
from tools.testing.rtdb_process import RtdbServer, start_server, stop_server

# -- transactions ---------------------------------------------------------------------


def test_transaction_commits_and_aborts(js: JsFactory) -> None:
    a = js()
    assert a.transaction("/t", "increment", 1) == {"committed": True, "val": 1}
    assert a.transaction("/t", "increment", 2) == {"committed": True, "val": 3}
    # The update function first runs on the local cache (empty here): it aborts at once.
    assert a.transaction("/t", "abort")["committed"] is False
    assert a.val("/t") == 3
    assert a.transaction("/new", "createIfAbsent", {"owner": "a"})["committed"] is True
    b = js()
    assert b.transaction("/new", "createIfAbsent", {"owner": "b"})["committed"] is False
    assert b.val("/new") == {"owner": "a"}


def test_transaction_on_stale_local_data_retries_with_fresh_data(js: JsFactory) -> None:
    a, b = js(), js()
    a.set("/stale", {"n": 5, ".priority": 2})
    assert b.val("/stale") == {"n": 5}
    a.set("/stale/n", 6)  # b's cache is now stale: its first attempt hashes 5
    res = b.transaction("/stale/n", "increment", 10)
    assert res == {"committed": True, "val": 16}


def test_transactions_under_contention_are_exact(js: JsFactory) -> None:
    """Three connections, each with its own Node process, racing on one counter."""
    clients = [js.driver().client(js.ns) for _ in range(3)]
    per_client = 15
    errors: list[BaseException] = []

    def worker(c: Any) -> None:
        try:
            for _ in range(per_client):
                assert c.transaction("/counter", "increment", 1)["committed"]
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    assert clients[0].val("/counter") == 3 * per_client
    keys = [js.driver().client(js.ns) for _ in range(2)]
    threads = [
        threading.Thread(
            target=lambda c=c, i=i: [
                c.transaction("/set", "appendKey", f"c{i}k{j}") for j in range(8)
            ]
        )
        for i, c in enumerate(keys)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(keys[0].val("/set")) == 16


# -- onDisconnect ---------------------------------------------------------------------


def test_on_disconnect_runs_when_the_process_dies(js: JsFactory) -> None:
    watcher = js()
    lid = watcher.on("value", "/presence")
    d = js.driver()
    c = d.client(js.ns)
    c.set("/presence/u1", "online")
    c.on_disconnect("set", "/presence/u1", "offline")
    c.on_disconnect("update", "/presence", {"lastSeen/u1": {"$sv": "timestamp"}, "count": 1})
    c.on_disconnect("set", "/presence/gone", "never")
    c.on_disconnect("cancel", "/presence/gone")
    watcher.wait_value(lid, {"u1": "online"})
    d.kill()  # abrupt: no close handshake
    ev = watcher.wait_for(
        lambda evs: evs and (evs[-1]["val"] or {}).get("count") == 1 and evs[-1],
        lid,
    )
    assert ev["val"]["u1"] == "offline" and isinstance(ev["val"]["lastSeen"]["u1"], int)
    assert "gone" not in ev["val"]


def test_on_disconnect_on_destroyed_socket_and_go_offline(js: JsFactory) -> None:
    watcher, c = js(), js()
    lid = watcher.on("value", "/od")
    c.set("/od/x", 1)
    c.on_disconnect("remove", "/od/x")
    c.on_disconnect("set", "/od/y", "y")
    watcher.wait_value(lid, {"x": 1})
    c.destroy_socket()
    watcher.wait_value(lid, {"y": "y"})
    # Registered again after the SDK reconnects, then run by goOffline.
    c.on_disconnect("set", "/od/z", "z")
    c.go_offline()
    watcher.wait_value(lid, {"y": "y", "z": "z"})


def test_on_disconnect_is_judged_by_rules_when_queued(
    js: JsFactory, rtdb_server: RtdbServer
) -> None:
    put_rules(rtdb_server.url, js.ns, {"rules": {"open": {".read": True, ".write": True}}})
    c = js()
    with pytest.raises(JsError) as err:
        c.on_disconnect("set", "/closed", 1)
    assert err.value.code == "PERMISSION_DENIED"
    c.on_disconnect("set", "/open/x", 1)
    c.go_offline()
    assert js().val("/open/x") == 1


# -- auth -----------------------------------------------------------------------------

RULES = {
    "rules": {
        "users": {
            "$uid": {
                ".read": "auth != null && auth.uid == $uid",
                ".write": "auth != null && auth.uid == $uid",
            }
        },
        "admins": {".read": "auth.token.role == 'admin'"},
    }
}


def test_mock_tokens_and_owner_under_rules(js: JsFactory, rtdb_server: RtdbServer) -> None:
    put_rules(rtdb_server.url, js.ns, RULES)
    alice = js({"sub": "alice"})
    anon = js()
    owner = js("owner")
    alice.set("/users/alice", {"name": "A"})
    with pytest.raises(JsError) as err:
        alice.set("/users/bob", {"name": "B"})
    assert err.value.code == "PERMISSION_DENIED"
    with pytest.raises(JsError) as err:
        anon.get("/users/alice")
    assert "ermission" in err.value.message
    owner.set("/admins/list", {"x": 1})  # owner bypasses rules
    assert owner.val("/users/alice") == {"name": "A"}
    boss = js({"sub": "boss", "role": "admin"})
    assert boss.val("/admins") == {"list": {"x": 1}}
    lid = alice.on("value", "/users/bob")
    ev = alice.wait_for(lambda evs: evs and evs[-1], lid)
    assert ev["type"] == "cancel" and ev["code"] == "PERMISSION_DENIED"


def test_listen_is_revoked_when_rules_change(js: JsFactory, rtdb_server: RtdbServer) -> None:
    c = js({"sub": "u"})
    lid = c.on("value", "/doc")
    c.set("/doc", 1)
    c.wait_value(lid, 1)
    put_rules(rtdb_server.url, js.ns, {"rules": {".read": False, ".write": False}})
    ev = c.wait_for(lambda evs: evs and evs[-1]["type"] == "cancel" and evs[-1], lid)
    assert ev["code"] == "PERMISSION_DENIED"


# -- .info ----------------------------------------------------------------------------


def test_info_connected_across_go_offline_and_online(js: JsFactory) -> None:
    c = js()
    lid = c.on("value", "/.info/connected")
    c.wait_value(lid, True)
    c.go_offline()
    c.wait_value(lid, False)
    c.go_online()
    c.wait_value(lid, True)
    offset = c.on("value", "/.info/serverTimeOffset")
    ev = c.wait_for(lambda evs: evs and evs[-1], offset)
    assert isinstance(ev["val"], (int, float)) and abs(ev["val"]) < 5000


def test_info_connected_across_a_server_restart(tmp_path: Path) -> None:
    server = start_server(tmp_path / "data")
    try:
        for factory in js_fixture(server, "restart"):
            c = factory()
            lid = c.on("value", "/.info/connected")
            c.wait_value(lid, True)
            c.set("/kept", 42)
            stop_server(server)
            c.wait_value(lid, False)
            server = start_server(tmp_path / "data", server.port)
            c.wait_value(lid, True, timeout=30)  # the SDK's backoff decides when
            assert c.val("/kept") == 42
            c.set("/after", 1)
            assert owner_get(server.url, "restart", "after") == 1
    finally:
        stop_server(server)
