"""Rules are enforced in every transport, and denials look exactly like Firebase's.

WebSocket: the official JS SDK (and a raw v5 socket where the SDK cannot express the case,
such as changing auth on a live connection or ``authvar``). REST and SSE:
firebase-admin-python and raw HTTP.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import aiohttp
import firebase_admin
import pytest
from firebase_admin import exceptions
from test_rules_semantics import ALICE, admin_get, denied, load_rules, seed

from tools.testing.admin import AS_ADMIN, admin_app, refs
from tools.testing.jsclient import JsFactory
from tools.testing.rawhttp import open_stream, request
from tools.testing.tokens import id_token
from tools.testing.waiting import wait_until

LISTEN_DENIED = (
    "permission_denied at /{}: Client doesn't have permission to access the desired data."
)
USERS = {
    "users": {
        "$uid": {
            ".read": "auth != null && auth.uid === $uid",
            ".write": "auth != null && auth.uid === $uid",
        }
    },
    "pub": {".read": True},
}


# --- JS SDK over the WebSocket ----------------------------------------------------------------


def test_sdk_denials_have_firebase_codes_and_messages(rtdb_server, ns, js: JsFactory):
    load_rules(rtdb_server, ns, USERS)
    seed(rtdb_server, ns, "users", {"alice": {"n": 1}, "bob": {"n": 2}})
    alice = js(ALICE)
    for call, args in [
        (alice.set, ("users/bob/n", 5)),
        (alice.update, ("users/bob", {"n": 5})),
        (alice.remove, ("users/bob",)),
        (alice.update, ("users", {"alice/n": 3, "bob/n": 3})),  # one bad path: all refused
        (alice.push, ("users/bob", 1)),
        (alice.set_with_priority, ("users/bob/n", 1, 1)),
        (alice.set_priority, ("users/bob", 1)),
    ]:
        err = denied(call, *args)
        assert (err.code, err.message) == (
            "PERMISSION_DENIED",
            "PERMISSION_DENIED: Permission denied",
        ), call
    assert admin_get(rtdb_server, ns, "users") == {"alice": {"n": 1}, "bob": {"n": 2}}
    err = denied(alice.get, "users/bob")
    assert err.message == "Permission denied"
    lid = alice.on("value", "users/bob")
    cancel = alice.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], lid)[0]
    assert cancel["code"] == "PERMISSION_DENIED"
    assert cancel["message"] == LISTEN_DENIED.format("users/bob")
    err = denied(alice.transaction, "users/bob/n", "increment", 1)
    assert err.message == "permission_denied"
    # The user's own data stays fully usable.
    alice.update("users/alice", {"n": 10})
    assert alice.transaction("users/alice/n", "increment", 1)["val"] == 11
    assert alice.val("users/alice") == {"n": 11}


def test_owner_bypasses_rules_and_validate(rtdb_server, ns, js: JsFactory):
    load_rules(rtdb_server, ns, {".read": False, ".write": False, "v": {".validate": False}})
    owner = js("owner")
    owner.set("v", {"anything": True})
    assert owner.val("/") == {"v": {"anything": True}}
    lid = owner.on("value", "v")
    owner.wait_value(lid, {"anything": True})


def test_listen_revoked_when_rules_upload_forbids_it(rtdb_server, ns, js: JsFactory):
    load_rules(rtdb_server, ns, {".read": True, "other": {".read": True}})
    seed(rtdb_server, ns, "/", {"a": 1, "other": 2})
    c = js()
    lid = c.on("value", "a")
    c.wait_value(lid, 1)
    keep = c.on("value", "other")
    c.wait_value(keep, 2)
    load_rules(rtdb_server, ns, {"other": {".read": True}})
    cancel = c.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], lid)[0]
    assert cancel["message"] == LISTEN_DENIED.format("a")
    seed(rtdb_server, ns, "other", 3)
    c.wait_value(keep, 3)  # still allowed, still live
    assert not c.events(keep, "cancel")


def test_query_listen_revoked_by_rules_upload(rtdb_server, ns, js: JsFactory):
    load_rules(rtdb_server, ns, {"l": {".read": True, ".indexOn": "s"}})
    seed(rtdb_server, ns, "l", {"a": {"s": 1}, "b": {"s": 2}})
    c = js()
    lid = c.on("value", "l", [["orderByChild", "s"], ["limitToFirst", 1]])
    c.wait_value(lid, {"a": {"s": 1}})
    load_rules(rtdb_server, ns, {"l": {".read": "query.limitToFirst == 5", ".indexOn": "s"}})
    cancel = c.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], lid)[0]
    assert cancel["message"] == LISTEN_DENIED.format("l")


def test_on_disconnect_checked_when_queued(rtdb_server, ns, js: JsFactory):
    load_rules(rtdb_server, ns, USERS)
    alice = js(ALICE)
    err = denied(alice.on_disconnect, "set", "users/bob/online", False)
    assert (err.code, err.message) == ("PERMISSION_DENIED", "PERMISSION_DENIED: Permission denied")
    err = denied(alice.on_disconnect, "update", "users", {"alice/x": 1, "bob/x": 1})
    assert err.code == "PERMISSION_DENIED"
    err = denied(alice.on_disconnect, "remove", "users/bob")
    assert err.code == "PERMISSION_DENIED"


@pytest.mark.parametrize("change", ["none", "rules", "data"])
def test_on_disconnect_rechecked_when_run(rtdb_server, ns, js: JsFactory, change: str):
    """Allowed when queued; between then and the disconnect the rules or the data change."""
    load_rules(
        rtdb_server,
        ns,
        {
            ".read": True,
            "presence": {
                "$uid": {".write": "auth.uid === $uid && root.child('open').val() === true"}
            },
            "log": {".write": "auth != null"},
        },
    )
    seed(rtdb_server, ns, "open", True)
    driver = js.driver()
    alice = driver.client(ns, ALICE)
    alice.set("presence/alice", "online")
    alice.on_disconnect("set", "presence/alice", "offline")
    alice.on_disconnect("update", "presence", {"alice": "gone"})
    alice.on_disconnect("set", "log/alice", "bye")  # unaffected by the change: always runs
    if change == "rules":
        load_rules(rtdb_server, ns, {".read": True, "log": {".write": "auth != null"}})
    elif change == "data":
        seed(rtdb_server, ns, "open", False)
    driver.kill()
    wait_until(lambda: admin_get(rtdb_server, ns, "log/alice") == "bye")
    expected = "gone" if change == "none" else "online"
    assert admin_get(rtdb_server, ns, "presence/alice") == expected


# --- raw v5 WebSocket: auth changes and admin overrides --------------------------------------


class RawWs:
    """A bare protocol-v5 client for what the SDK cannot do on demand."""

    def __init__(self, url: str, ns: str) -> None:
        self.url = url.replace("http://", "ws://") + f"/.ws?v=5&ns={ns}"
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.msgs: list[dict[str, Any]] = []
        self.r = 0
        self._run(self._open())

    def _run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(15)

    async def _open(self) -> None:
        self.session = aiohttp.ClientSession()
        self.ws = await self.session.ws_connect(self.url)
        self.loop.create_task(self._pump())

    async def _pump(self) -> None:
        async for msg in self.ws:
            self.msgs.append(json.loads(msg.data))

    def request(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        self.r += 1
        r = self.r
        frame = json.dumps({"t": "d", "d": {"r": r, "a": action, "b": body}})
        self._run(self.ws.send_str(frame))
        return wait_until(
            lambda: next(
                (m["d"]["b"] for m in self.msgs if m["t"] == "d" and m["d"].get("r") == r), None
            )
        )

    def pushes(self, action: str) -> list[dict[str, Any]]:
        return [
            m["d"]["b"]
            for m in self.msgs
            if m["t"] == "d" and "r" not in m["d"] and m["d"].get("a") == action
        ]

    def close(self) -> None:
        async def shut() -> None:
            await self.ws.close()
            await self.session.close()

        self._run(shut())
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.fixture
def raw_ws(rtdb_server, ns):
    sockets: list[RawWs] = []

    def make() -> RawWs:
        sockets.append(RawWs(rtdb_server.url, ns))
        return sockets[-1]

    yield make
    for s in sockets:
        s.close()


def test_listen_revoked_on_auth_change(rtdb_server, ns, raw_ws):
    load_rules(rtdb_server, ns, USERS)
    seed(rtdb_server, ns, "users/alice", {"n": 1})
    ws = raw_ws()
    assert ws.request("auth", {"cred": id_token("alice")})["s"] == "ok"
    assert ws.request("q", {"p": "/users/alice", "h": ""}) == {"s": "ok", "d": {}}
    assert ws.pushes("d") == [{"p": "users/alice", "d": {"n": 1}}]
    assert ws.request("q", {"p": "/pub", "h": ""})["s"] == "ok"
    assert ws.request("auth", {"cred": id_token("bob")})["s"] == "ok"
    assert wait_until(lambda: ws.pushes("c")) == [{"p": "/users/alice"}]
    seed(rtdb_server, ns, "users/alice/n", 2)  # no longer sent to this connection
    assert ws.request("unauth", {}) == {"s": "ok", "d": "unauthenticated"}
    assert ws.request("q", {"p": "/users/alice", "h": ""}) == {
        "s": "permission_denied",
        "d": "Permission denied",
    }
    assert [p for p in ws.pushes("d") if p["p"] == "users/alice"] == [
        {"p": "users/alice", "d": {"n": 1}}
    ]
    assert ws.pushes("c") == [{"p": "/users/alice"}]  # /pub was never revoked


def test_admin_authvar_and_noauth_are_evaluated_as_that_user(rtdb_server, ns, raw_ws):
    load_rules(rtdb_server, ns, USERS)
    ws = raw_ws()
    assert ws.request("gauth", {"cred": "owner", "authvar": {"uid": "alice"}})["s"] == "ok"
    assert ws.request("p", {"p": "/users/alice/n", "d": 1})["s"] == "ok"
    assert ws.request("p", {"p": "/users/bob/n", "d": 1})["s"] == "permission_denied"
    assert ws.request("gauth", {"cred": "owner", "noauth": True})["s"] == "ok"
    assert ws.request("g", {"p": "/users/alice", "q": {}})["s"] == "permission_denied"
    assert ws.request("g", {"p": "/pub", "q": {}})["s"] == "ok"
    assert ws.request("gauth", {"cred": "owner"})["s"] == "ok"
    assert ws.request("p", {"p": "/users/bob/n", "d": 1})["s"] == "ok"
    assert admin_get(rtdb_server, ns, "users") == {"alice": {"n": 1}, "bob": {"n": 1}}


# --- REST and SSE with firebase-admin-python ----------------------------------------------------


@pytest.fixture
def apps(rtdb_server):
    """``apps(ns, override)`` -> a ``path -> Reference`` function of a new admin app."""
    made: list[firebase_admin.App] = []

    def factory(ns: str, override: Any = AS_ADMIN) -> Any:
        app = admin_app(f"{rtdb_server.url}?ns=unused", override, project_id="demo-x", name="rules")
        made.append(app)
        return refs(app, rtdb_server.url, ns)

    yield factory
    for app in made:
        firebase_admin.delete_app(app)


def test_admin_sdk_default_bypasses_and_override_is_enforced(rtdb_server, ns, apps):
    load_rules(rtdb_server, ns, USERS | {"v": {".validate": False}})
    admin = apps(ns)
    admin("v").set(1)  # default admin credentials skip rules, .validate included
    admin("users/bob").set({"n": 1})
    alice = apps(ns, {"uid": "alice"})
    alice("users/alice").set({"n": 2})
    alice("users/alice").update({"m": 3})
    assert alice("users/alice").get() == {"n": 2, "m": 3}
    for op in (
        lambda: alice("users/bob").get(),
        lambda: alice("users/bob").set(5),
        lambda: alice("users/bob").update({"n": 5}),
        lambda: alice("users/bob").push(5),
        lambda: alice("users/bob").delete(),
        lambda: alice("users").listen(lambda e: None),
    ):
        with pytest.raises(exceptions.UnauthenticatedError) as info:
            op()
        assert str(info.value) == "Permission denied"
    signed_out = apps(ns, None)
    with pytest.raises(exceptions.UnauthenticatedError):
        signed_out("users/alice").get()
    assert signed_out("pub").get() is None
    assert admin("/").get() == {"v": 1, "users": {"bob": {"n": 1}, "alice": {"n": 2, "m": 3}}}


def test_rest_writes_and_reads_denied_with_401(rtdb_server, ns):
    load_rules(rtdb_server, ns, USERS)
    bob = {"Authorization": f"Bearer {id_token('bob')}"}
    for method, body in [
        ("GET", None),
        ("PUT", 1),
        ("PATCH", {"n": 1}),
        ("POST", 1),
        ("DELETE", None),
    ]:
        reply = request(rtdb_server.url, method, f"/users/alice.json?ns={ns}", body, bob)
        assert (reply.status, reply.json) == (401, {"error": "Permission denied"}), method
    assert request(rtdb_server.url, "PUT", f"/users/bob.json?ns={ns}", 1, bob).status == 200
    stream = open_stream(rtdb_server.url, f"/users/alice.json?ns={ns}", bob)
    assert (stream.status, json.loads(stream.body)) == (401, {"error": "Permission denied"})


def test_sse_cancelled_when_rules_upload_forbids_it(rtdb_server, ns):
    load_rules(rtdb_server, ns, {".read": True})
    stream = open_stream(rtdb_server.url, f"/a.json?ns={ns}")
    try:
        assert stream.status == 200
        assert stream.next().json == {"path": "/", "data": None}
        load_rules(rtdb_server, ns, {".read": False})
        event = stream.next()
        assert (event.name, event.json) == ("cancel", "Permission denied")
        assert stream.next() is None  # and the stream is closed
    finally:
        stream.close()


def test_sse_cancelled_when_data_dependent_read_turns_false(rtdb_server, ns):
    load_rules(
        rtdb_server,
        ns,
        {
            "doc": {".read": "root.child('acl').child(auth.uid).val() === true"},
        },
    )
    seed(rtdb_server, ns, "/", {"acl": {"alice": True}, "doc": "v1"})
    alice = {"Authorization": f"Bearer {id_token('alice')}"}
    stream = open_stream(rtdb_server.url, f"/doc.json?ns={ns}", alice)
    try:
        assert stream.next().json == {"path": "/", "data": "v1"}
        seed(rtdb_server, ns, "doc", "v2")
        assert stream.next().json == {"path": "/", "data": "v2"}
        seed(rtdb_server, ns, "acl/alice", False)
        event = stream.next()
        assert (event.name, event.json) == ("cancel", "Permission denied")
        seed(rtdb_server, ns, "doc", "v3")
        assert stream.next() is None  # v3 never reached the stream
    finally:
        stream.close()


def test_admin_listen_with_override_gets_cancel(rtdb_server, ns, apps):
    load_rules(rtdb_server, ns, {"room": {".read": "auth.uid == 'alice'"}})
    seed(rtdb_server, ns, "room", {"m": 1})
    events: list[Any] = []
    alice = apps(ns, {"uid": "alice"})
    reg = alice("room").listen(lambda e: events.append((e.event_type, e._sse_event.data)))
    try:
        wait_until(lambda: events)
        assert events[0] == (
            "put",
            json.dumps({"path": "/", "data": {"m": 1}}, separators=(",", ":")),
        )
        load_rules(rtdb_server, ns, {"room": {".read": False}})
        wait_until(lambda: len(events) == 2)
        assert events[1] == ("cancel", '"Permission denied"')
    finally:
        reg.close()
    with pytest.raises(exceptions.UnauthenticatedError):
        apps(ns, {"uid": "bob"})("room").listen(lambda e: None)
