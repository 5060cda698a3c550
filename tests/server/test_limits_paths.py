"""Key, path and priority limits: the server stores nothing the official clients refuse.

The JS SDK limits a whole path (location plus every key below it) to 768 UTF-8 bytes and
32 keys (``MAX_PATH_LENGTH_BYTES``/``MAX_PATH_DEPTH`` in @firebase/database), and a
priority to a string, a finite number, a server value or null (``isValidPriority``), a
string priority being data like any other string (10 MB). A node the server accepted
beyond those limits could never be read, changed or deleted by the SDK, so the server
refuses it the same way over REST (raw HTTP and firebase-admin) and the realtime protocol,
and the largest path it accepts is one the SDK can read back.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import aiohttp
import firebase_admin
import pytest
from firebase_admin import db as admin_db
from firebase_admin import exceptions

from tools.testing.admin import admin_app as admin_app_on
from tools.testing.jsclient import JsFactory
from tools.testing.rawhttp import OWNER, request
from tools.testing.rawws import RawWs

LONG = "has a key path longer than 768 bytes"
PRIORITY_TYPES = "(a string, finite number, server value, or null)"


@pytest.fixture(scope="module")
def admin_app(rtdb_server):
    app = admin_app_on(
        f"http://127.0.0.1:{rtdb_server.port}?ns=x", project_id="demo", name="limits"
    )
    yield app
    firebase_admin.delete_app(app)


def sdk_bytes(*keys: str) -> int:
    """The SDK's measure of a path: one byte per '/' plus the keys' UTF-8 bytes."""
    return max(1, len(keys)) + sum(len(k.encode()) for k in keys)


def at(*keys: str) -> str:
    """A REST target for ``keys`` (URL-quoted, as an HTTP client sends it)."""
    return "/" + "/".join(quote(k) for k in keys) + ".json"


# Two keys whose path is exactly 768 bytes, and the same with one byte more.
A, B = "a" * 400, "é" * 182  # 2 + 400 + 364 = 766 bytes
B_EXACT = B + "b" * (768 - sdk_bytes(A, B))
B_OVER = B_EXACT + "c"


def test_the_longest_path_fits_exactly() -> None:
    assert sdk_bytes(A, B_EXACT) == 768 and sdk_bytes(A, B_OVER) == 769


def test_rest_refuses_a_location_longer_than_768_bytes(rtdb_server, ns):
    url = rtdb_server.url
    r = request(url, "PUT", f"{at(A, B_OVER)}?ns={ns}", 1)
    assert r.status == 400 and LONG in r.json["error"], r.body[:200]
    for method in ("GET", "DELETE", "PATCH"):
        body = {"x": 1} if method == "PATCH" else None
        r = request(url, method, f"{at(A, B_OVER)}?ns={ns}", body)
        assert r.status == 400 and LONG in r.json["error"], method
    assert request(url, "PUT", f"{at(A, B_EXACT)}?ns={ns}", 1).status == 200
    assert request(url, "GET", f"{at(A, B_EXACT)}?ns={ns}").json == 1


def test_rest_refuses_data_whose_keys_make_the_path_too_long(rtdb_server, ns):
    url = rtdb_server.url
    for method, target, body in [
        ("PUT", at(A), {B_OVER: 1}),
        ("POST", at(A), {B_OVER: 1}),  # the push id lengthens the path: refused too
        ("PUT", "/.json", {A: {"ok": 1, B_OVER: 2}}),
        ("PATCH", at(A), {B_OVER: 1}),
        ("PATCH", "/.json", {f"{A}/{B_OVER}": 1}),
        ("PATCH", "/.json", {A: {B_OVER: 1}}),
    ]:
        r = request(url, method, f"{target}?ns={ns}", body)
        assert r.status == 400 and LONG in r.json["error"], (method, target, r.body[:200])
    assert request(url, "GET", f"/.json?ns={ns}").json is None  # nothing was written
    assert request(url, "PUT", f"{at(A)}?ns={ns}", {B_EXACT: 1}).status == 200


def test_firebase_admin_gets_invalid_argument(rtdb_server, ns, admin_app):
    root = admin_db.reference("/", app=admin_app, url=f"{rtdb_server.url}?ns={ns}")
    with pytest.raises(exceptions.InvalidArgumentError) as info:
        root.child(A).set({B_OVER: True})
    assert LONG in str(info.value)
    with pytest.raises(exceptions.InvalidArgumentError):
        root.child(A).update({B_OVER: True})
    with pytest.raises(exceptions.InvalidArgumentError):
        root.child(A).child(B_OVER).get()
    root.child(A).update({B_EXACT: True})
    assert root.child(A).get() == {B_EXACT: True}


def test_what_the_server_accepts_the_js_sdk_can_address(rtdb_server, ns, js: JsFactory):
    """The boundary is the SDK's: the longest stored path is readable and removable by it."""
    request(rtdb_server.url, "PUT", f"{at(A)}?ns={ns}", {B_EXACT: {".value": 1}}, OWNER)
    c = js()
    assert c.val(f"{A}/{B_EXACT}") == 1
    lid = c.on("value", A)
    c.wait_value(lid, {B_EXACT: 1})
    c.remove(f"{A}/{B_EXACT}")
    c.wait_value(lid, None)
    with pytest.raises(Exception, match="longer than 768 bytes"):
        c.set(f"{A}/{B_OVER}", 1)  # the SDK itself refuses one byte more


def test_raw_realtime_protocol_refuses_too_long_paths(rtdb_server, ns):
    async def go() -> list[dict[str, Any]]:
        async with aiohttp.ClientSession() as session:
            ws = await RawWs.connect(session, rtdb_server.url, ns)
            answers = [
                await ws.call("p", {"p": f"/{A}/{B_OVER}", "d": 1}),
                await ws.call("p", {"p": f"/{A}", "d": {B_OVER: 1}}),
                await ws.call("m", {"p": f"/{A}", "d": {B_OVER: 1}}),
                await ws.call("m", {"p": "/", "d": {f"{A}/{B_OVER}": 1}}),
                await ws.call("o", {"p": f"/{A}", "d": {B_OVER: 1}}),
                await ws.call("q", {"p": f"/{A}/{B_OVER}", "h": ""}),
                await ws.call("g", {"p": f"/{A}/{B_OVER}", "q": {}}),
            ]
            ok = await ws.call("p", {"p": f"/{A}", "d": {B_EXACT: 2}})
            assert ok["s"] == "ok"
            assert (await ws.call("g", {"p": f"/{A}", "q": {}}))["d"] == {B_EXACT: 2}
            await ws.ws.close()
            return answers

    for answer in asyncio.run(go()):
        assert answer["s"] != "ok" and LONG in answer["d"], answer


def test_depth_counts_the_location_and_the_data(rtdb_server, ns):
    deep = "/".join(["d"] * 31)
    assert request(rtdb_server.url, "PUT", f"/{deep}.json?ns={ns}", {"k": 1}).status == 200
    r = request(rtdb_server.url, "PUT", f"/{deep}.json?ns={ns}", {"k": {"j": 1}})
    assert r.status == 400 and "32" in r.json["error"]
    r = request(rtdb_server.url, "PATCH", f"/{deep}.json?ns={ns}", {"k/j": 1})
    assert r.status == 400


# --- priorities ---------------------------------------------------------------------------


def test_priority_types_follow_the_sdk(rtdb_server, ns):
    url = rtdb_server.url
    for bad in (True, {"a": 1}, [1]):
        r = request(url, "PUT", f"/p.json?ns={ns}", {"v": 1, ".priority": bad})
        assert r.status == 400 and PRIORITY_TYPES in r.json["error"], bad
        r = request(url, "PUT", f"/p/.priority.json?ns={ns}", bad)
        assert r.status == 400 and PRIORITY_TYPES in r.json["error"], bad
    for good in ("s", 1.5, -3, None):
        r = request(url, "PUT", f"/p.json?ns={ns}&format=export", {"v": 1, ".priority": good})
        assert r.status == 200
        got = request(url, "GET", f"/p.json?ns={ns}&format=export").json
        assert got == ({"v": 1} if good is None else {"v": 1, ".priority": good})
    r = request(url, "PUT", f"/p.json?ns={ns}", {"v": 1, ".priority": {".sv": "timestamp"}})
    assert r.status == 200
    assert isinstance(request(url, "GET", f"/p.json?ns={ns}&format=export").json[".priority"], int)


def test_priority_strings_are_limited_like_any_string(rtdb_server, ns):
    url = rtdb_server.url
    big = "p" * (10 * 1024 * 1024 + 1)
    for target, body in [
        (f"/p.json?ns={ns}", {"v": 1, ".priority": big}),
        (f"/p.json?ns={ns}", {".value": 1, ".priority": big}),
        (f"/p.json?ns={ns}", {"kid": {"v": 1, ".priority": big}}),
    ]:
        r = request(url, "PUT", target, body)
        assert r.status == 400 and "10 MB" in r.json["error"], target
    request(url, "PUT", f"/p.json?ns={ns}", {"v": 1})
    r = request(url, "PUT", f"/p/.priority.json?ns={ns}", big)
    assert r.status == 400 and "10 MB" in r.json["error"]
    assert request(url, "GET", f"/p.json?ns={ns}&format=export").json == {"v": 1}

    async def go() -> dict[str, Any]:
        async with aiohttp.ClientSession() as session:
            ws = await RawWs.connect(session, url, ns)
            answer = await ws.call("p", {"p": "/p/.priority", "d": big})
            await ws.ws.close()
            return answer

    answer = asyncio.run(go())
    assert answer["s"] != "ok" and "10 MB" in answer["d"]
    assert request(url, "GET", f"/p.json?ns={ns}&format=export").json == {"v": 1}
