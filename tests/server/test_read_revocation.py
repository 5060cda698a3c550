"""Read revocation: when data a read rule depends on changes, live listens lose access.

Firebase re-evaluates a listen's read rules when the data they read changes and, if the
read is no longer allowed, revokes it: the server sends ``{"a":"c","b":{"p":<path>}}``
(``"q":[<query>]`` for a tagged query) and the JS SDK (``PersistentConnection``'s
``onListenRevoked_``) fails the listen with ``permission_denied``, firing its cancel
callback; the data the client may no longer read is never sent. Checked with the official
JS SDK over WebSocket, a raw v5 WebSocket, and a raw long-poll session (the browser's
fallback transport; same session core), with a learner whose enrolment is removed.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from typing import Any

import aiohttp
import pytest
from test_rules_semantics import load_rules, seed

from tools.testing.rawhttp import OWNER, request
from tools.testing.rawws import RawWs
from tools.testing.tokens import id_token

LISTEN_DENIED = (
    "permission_denied at /{}: Client doesn't have permission to access the desired data."
)
ENROLLED = "root.child('enrolments/' + $c + '/' + auth.uid).exists()"
RULES = {
    ".write": False,
    "enrolments": {"$c": {"$uid": {".read": "auth != null && auth.uid == $uid"}}},
    "courses": {
        "$c": {
            "posts": {".read": ENROLLED, ".indexOn": "at"},
            "title": {".read": "auth != null"},
        }
    },
    "public": {".read": True},
}
WORLD = {
    "enrolments": {"c1": {"alice": True, "bob": True}},
    "courses": {"c1": {"title": "Python", "posts": {"p1": {"at": 1, "text": "hello"}}}},
    "public": {"n": 0},
}
ALICE = {"sub": "alice"}


@pytest.fixture
def world(rtdb_server, ns) -> None:
    load_rules(rtdb_server, ns, RULES)
    seed(rtdb_server, ns, "/", WORLD)


def unenrol(rtdb_server, ns, uid: str = "alice") -> None:
    r = request(rtdb_server.url, "DELETE", f"/enrolments/c1/{uid}.json?ns={ns}", None, OWNER)
    assert r.status == 200


def post(rtdb_server, ns, key: str, text: str) -> None:
    body = {"at": 2, "text": text}
    r = request(rtdb_server.url, "PUT", f"/courses/c1/posts/{key}.json?ns={ns}", body, OWNER)
    assert r.status == 200


def cancels(c: Any, lid: int) -> list[dict[str, Any]]:
    return c.events(lid, "cancel")


# --- the official JS SDK over WebSocket ---------------------------------------------------


def test_sdk_listener_is_cancelled_when_the_enrolment_goes(rtdb_server, ns, world, js):
    alice = js(ALICE)
    posts = alice.on("value", "courses/c1/posts")
    alice.wait_value(posts, WORLD["courses"]["c1"]["posts"])
    title = alice.on("value", "courses/c1/title")  # needs no enrolment: stays live
    alice.wait_value(title, "Python")
    post(rtdb_server, ns, "p2", "still enrolled")  # a write that keeps access: delivered
    alice.wait_for(lambda evs: [e for e in evs if e["type"] == "value" and "p2" in e["val"]], posts)

    unenrol(rtdb_server, ns)
    cancel = alice.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], posts)[0]
    assert (cancel["code"], cancel["message"]) == (
        "PERMISSION_DENIED",
        LISTEN_DENIED.format("courses/c1/posts"),
    )
    post(rtdb_server, ns, "p3", "after the enrolment was removed")
    seed(rtdb_server, ns, "courses/c1/title", "Python 2")
    alice.wait_value(title, "Python 2")  # the other listen is still served...
    seen = [e for e in alice.events(posts) if e["type"] == "value"]
    assert all("p3" not in (e["val"] or {}) for e in seen)  # ...the revoked one got nothing
    assert len(cancels(alice, posts)) == 1
    assert alice.val("courses/c1/title") == "Python 2"  # the connection itself is fine


def test_sdk_query_listener_is_cancelled_too(rtdb_server, ns, world, js):
    alice = js(ALICE)
    lid = alice.on("value", "courses/c1/posts", [["orderByChild", "at"], ["limitToLast", 5]])
    alice.wait_value(lid, WORLD["courses"]["c1"]["posts"])
    unenrol(rtdb_server, ns)
    cancel = alice.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], lid)[0]
    assert cancel["message"] == LISTEN_DENIED.format("courses/c1/posts")


def test_sdk_other_learners_keep_their_listens(rtdb_server, ns, world, js):
    alice, bob = js(ALICE), js({"sub": "bob"})
    a = alice.on("value", "courses/c1/posts")
    b = bob.on("value", "courses/c1/posts")
    alice.wait_value(a, WORLD["courses"]["c1"]["posts"])
    bob.wait_value(b, WORLD["courses"]["c1"]["posts"])
    unenrol(rtdb_server, ns, "alice")
    alice.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], a)
    post(rtdb_server, ns, "p2", "for bob")
    bob.wait_for(lambda evs: [e for e in evs if e["type"] == "value" and "p2" in e["val"]], b)
    assert not cancels(bob, b)


def test_sdk_re_enrolled_learner_can_listen_again(rtdb_server, ns, world, js):
    alice = js(ALICE)
    lid = alice.on("value", "courses/c1/posts")
    alice.wait_value(lid, WORLD["courses"]["c1"]["posts"])
    unenrol(rtdb_server, ns)
    alice.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], lid)
    seed(rtdb_server, ns, "enrolments/c1/alice", True)
    again = alice.on("value", "courses/c1/posts")
    alice.wait_value(again, WORLD["courses"]["c1"]["posts"])
    unenrol(rtdb_server, ns)  # and the new listen is watched like the first
    alice.wait_for(lambda evs: [e for e in evs if e["type"] == "cancel"], again)


# --- raw protocol v5 over WebSocket ----------------------------------------------------------


async def _ws(rtdb_server, ns, token: str) -> tuple[aiohttp.ClientSession, RawWs]:
    session = aiohttp.ClientSession()
    ws = await RawWs.connect(session, rtdb_server.url, ns)
    assert (await ws.call("auth", {"cred": token}))["s"] == "ok"
    return session, ws


async def _push(ws: RawWs, pred: Any, timeout: float = 10) -> dict[str, Any]:
    """The first server push (already received or next) matching ``pred``."""
    deadline = time.monotonic() + timeout
    while True:
        for d in ws.pushes:
            if pred(d):
                return d
        if time.monotonic() > deadline:
            raise TimeoutError(ws.pushes)
        msg = await asyncio.wait_for(ws.recv(), timeout)
        if msg["t"] == "d":
            ws.pushes.append(msg["d"])


def test_raw_ws_revocation_push_comes_before_the_data_it_would_leak(rtdb_server, ns, world):
    """One atomic update removes the enrolment and adds a post: ``c``, never the post."""

    async def go() -> list[dict[str, Any]]:
        session, ws = await _ws(rtdb_server, ns, id_token("alice"))
        try:
            assert (await ws.call("q", {"p": "/courses/c1/posts", "h": ""}))["s"] == "ok"
            q = {"i": "at", "l": 5, "vf": "r"}
            body = {"p": "/courses/c1/posts", "q": q, "t": 7, "h": ""}
            assert (await ws.call("q", body))["s"] == "ok"
            assert (await ws.call("q", {"p": "/public", "h": ""}))["s"] == "ok"
            update = {"enrolments/c1/alice": None, "courses/c1/posts/p9": {"at": 9, "text": "x"}}
            reply = request(rtdb_server.url, "PATCH", f"/.json?ns={ns}", update, OWNER)
            assert reply.status == 200
            await _push(ws, lambda d: d.get("a") == "c" and "q" in d["b"])
            await _push(ws, lambda d: d.get("a") == "c" and "q" not in d["b"])
            seed(rtdb_server, ns, "public/n", 1)  # a marker: everything before it has arrived
            await _push(ws, lambda d: d.get("a") == "d" and d["b"]["p"].endswith("public/n"))
            return list(ws.pushes)
        finally:
            await ws.ws.close()
            await session.close()

    pushes = asyncio.run(go())
    revoked = [d["b"] for d in pushes if d.get("a") == "c"]
    assert revoked == [
        {"p": "/courses/c1/posts", "q": [{"i": "at", "l": 5, "vf": "r"}]},
        {"p": "/courses/c1/posts"},
    ] or revoked == [
        {"p": "/courses/c1/posts"},
        {"p": "/courses/c1/posts", "q": [{"i": "at", "l": 5, "vf": "r"}]},
    ]
    assert "p9" not in json.dumps(pushes)


def test_raw_ws_unrelated_writes_never_revoke(rtdb_server, ns, world):
    async def go() -> list[dict[str, Any]]:
        session, ws = await _ws(rtdb_server, ns, id_token("alice"))
        try:
            assert (await ws.call("q", {"p": "/courses/c1/posts", "h": ""}))["s"] == "ok"
            for i in range(5):
                post(rtdb_server, ns, f"n{i}", "more")
                seed(rtdb_server, ns, "enrolments/c1/bob", i)  # someone else's enrolment
            await _push(ws, lambda d: d.get("a") == "d" and d["b"]["p"].endswith("n4"))
            return list(ws.pushes)
        finally:
            await ws.ws.close()
            await session.close()

    pushes = asyncio.run(go())
    assert not [d for d in pushes if d.get("a") == "c"]


# --- raw long-polling (the browser fallback) ---------------------------------------------


class RawLongPoll:
    """A /.lp session spoken by hand: one request at a time, so responses stay in order."""

    def __init__(self, http: aiohttp.ClientSession, base: str, ns: str) -> None:
        self.http, self.base, self.ns = http, base, ns
        self.ser = 0
        self.seg = 0
        self.r = 0
        self.messages: list[dict[str, Any]] = []

    async def _get(self, params: dict[str, Any]) -> str:
        self.ser += 1
        params = {**params, "ser": self.ser, "ns": self.ns}
        async with self.http.get(f"{self.base}/.lp", params=params) as resp:
            return await resp.text()

    def _take(self, script: str) -> None:
        for m in re.finditer(r"pRTLPCB\(\d+,(\[.*?\])\);", script, re.S):
            self.messages.extend(json.loads(m.group(1)))

    async def start(self) -> None:
        script = await self._get({"start": "t", "cb": 1, "v": 5})
        self.id, self.pw = re.search(r"pLPCommand\('start','([^']+)','([^']+)'\)", script).groups()
        self._take(script)

    async def call(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        self.r += 1
        r = self.r
        text = json.dumps({"t": "d", "d": {"r": r, "a": action, "b": body}})
        data = base64.urlsafe_b64encode(text.encode()).decode().replace("=", ".")
        self._take(
            await self._get({"id": self.id, "pw": self.pw, "seg0": self.seg, "ts0": 1, "d0": data})
        )
        self.seg += 1
        return await self.until(lambda m: m["t"] == "d" and m["d"].get("r") == r)

    async def until(self, pred: Any, timeout: float = 15) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            for m in self.messages:
                if pred(m):
                    return m
            if time.monotonic() > deadline:
                raise TimeoutError(self.messages)
            self._take(await self._get({"id": self.id, "pw": self.pw}))


def test_raw_long_poll_listen_is_revoked(rtdb_server, ns, world):
    async def go() -> list[dict[str, Any]]:
        async with aiohttp.ClientSession() as http:
            lp = RawLongPoll(http, rtdb_server.url, ns)
            await lp.start()
            auth = await lp.call("auth", {"cred": id_token("alice")})
            assert auth["d"]["b"]["s"] == "ok"
            listen = await lp.call("q", {"p": "/courses/c1/posts", "h": ""})
            assert listen["d"]["b"]["s"] == "ok"
            unenrol(rtdb_server, ns)
            post(rtdb_server, ns, "p5", "not for alice")
            await lp.until(lambda m: m["t"] == "d" and m["d"].get("a") == "c")
            got = await lp.call("g", {"p": "/public", "q": {}})  # the session still works
            assert got["d"]["b"] == {"s": "ok", "d": {"n": 0}}
            return list(lp.messages)

    messages = asyncio.run(go())
    revoked = [m["d"]["b"] for m in messages if m["t"] == "d" and m["d"].get("a") == "c"]
    assert revoked == [{"p": "/courses/c1/posts"}]
    assert "p5" not in json.dumps(messages)
