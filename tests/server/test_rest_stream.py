"""Raw Server-Sent Events, as curl streams them: events, cancel, keep-alive, clean close."""

from __future__ import annotations

import json
import time

import pytest

from rtdb.transports.sse import KEEPALIVE_KEY
from tools.testing.inproc import inproc_server
from tools.testing.rawhttp import OWNER, open_stream, put_rules, request
from tools.testing.tokens import id_token


def test_stream_headers_and_events(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/s.json?ns={ns}", {"a": 1})
    stream = open_stream(rtdb_server.url, f"/s.json?ns={ns}")
    try:
        assert stream.status == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        first = stream.next()
        assert (first.name, first.json) == ("put", {"path": "/", "data": {"a": 1}})
        request(rtdb_server.url, "PATCH", f"/s.json?ns={ns}", {"b": 2})
        ev = stream.next()
        assert (ev.name, ev.json) == ("patch", {"path": "/", "data": {"b": 2}})
        request(rtdb_server.url, "PUT", f"/s/a.json?ns={ns}", {".value": 5, ".priority": 1})
        ev = stream.next()
        assert (ev.name, ev.json) == ("put", {"path": "/a", "data": 5})
    finally:
        stream.close()


def test_export_format_stream_keeps_priorities(rtdb_server, ns):
    stream = open_stream(rtdb_server.url, f"/e.json?ns={ns}&format=export")
    try:
        assert stream.next().json == {"path": "/", "data": None}
        request(rtdb_server.url, "PUT", f"/e/a.json?ns={ns}", {".value": 5, ".priority": 1})
        assert stream.next().json == {"path": "/a", "data": {".value": 5, ".priority": 1}}
    finally:
        stream.close()


def test_query_stream_sends_the_filtered_window(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/q.json?ns={ns}", {"a": 1, "b": 2, "c": 3})
    stream = open_stream(rtdb_server.url, f"/q.json?ns={ns}&orderBy=%22$value%22&limitToFirst=2")
    try:
        assert stream.next().json == {"path": "/", "data": {"a": 1, "b": 2}}
        request(rtdb_server.url, "PUT", f"/q/a.json?ns={ns}", 10)
        assert stream.next().json == {"path": "/", "data": {"b": 2, "c": 3}}
    finally:
        stream.close()


def test_denied_stream_is_a_401_not_a_stream(rtdb_server, ns):
    put_rules(rtdb_server.url, ns, {"rules": {".read": False}})
    stream = open_stream(rtdb_server.url, f"/x.json?ns={ns}")
    assert stream.status == 401
    assert json.loads(stream.body) == {"error": "Permission denied"}


def test_rules_upload_cancels_a_stream(rtdb_server, ns):
    put_rules(rtdb_server.url, ns, {"rules": {"doc": {".read": "auth != null"}}})
    stream = open_stream(rtdb_server.url, f"/doc.json?ns={ns}&auth={id_token('u1')}")
    try:
        assert stream.next().name == "put"
        put_rules(rtdb_server.url, ns, {"rules": {"doc": {".read": False}}})
        ev = stream.next()
        assert ev.name == "cancel" and ev.json == "Permission denied"
        assert stream.next() is None  # the server ended the stream
    finally:
        stream.close()


def test_data_dependent_rules_cancel_without_leaking(rtdb_server, ns):
    rules = {
        "rules": {
            "rooms": {"$r": {".read": "root.child('members').child($r).child(auth.uid).exists()"}},
            "doc": {".read": "data.child('public').val() == true"},
        }
    }
    put_rules(rtdb_server.url, ns, rules)
    seed = {"members": {"r1": {"u1": True}}, "rooms": {"r1": {"t": 1}}, "doc": {"public": True}}
    request(rtdb_server.url, "PUT", f"/.json?ns={ns}", seed, OWNER)
    token = id_token("u1")
    room = open_stream(rtdb_server.url, f"/rooms/r1.json?ns={ns}&auth={token}")
    doc = open_stream(rtdb_server.url, f"/doc.json?ns={ns}&auth={token}")
    try:
        assert room.next().json == {"path": "/", "data": {"t": 1}}
        assert doc.next().json == {"path": "/", "data": {"public": True}}
        # A write elsewhere in the tree revokes the room.
        request(rtdb_server.url, "DELETE", f"/members/r1/u1.json?ns={ns}", None, OWNER)
        assert room.next().name == "cancel"
        assert room.next() is None
        # A write to the streamed data itself: cancel, and the new data is never sent.
        secret = {"public": False, "secret": "s3cr3t"}
        request(rtdb_server.url, "PUT", f"/doc.json?ns={ns}", secret, OWNER)
        ev = doc.next()
        assert ev.name == "cancel" and "s3cr3t" not in ev.data
        assert doc.next() is None
    finally:
        room.close()
        doc.close()


@pytest.fixture(scope="module")
def fast():
    with inproc_server({KEEPALIVE_KEY: 0.2}) as srv:
        yield srv


def test_keep_alive(fast, ns):
    stream = open_stream(fast.url, f"/k.json?ns={ns}")
    try:
        assert stream.next().name == "put"
        ev = stream.next(timeout=5, skip_keepalive=False)
        assert (ev.name, ev.data) == ("keep-alive", "null")
    finally:
        stream.close()


def test_client_disconnect_releases_listener(fast, ns):
    streams = [open_stream(fast.url, f"/c/{i}.json?ns={ns}") for i in range(3)]
    for s in streams:
        assert s.next().name == "put"
    assert fast.listener_count(ns) == 3
    for s in streams:
        s.close()
    deadline = time.monotonic() + 5
    while fast.listener_count(ns) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert fast.listener_count(ns) == 0
    assert fast.call(lambda: len(fast.state.streams)) == 0
    # The server is fine afterwards.
    assert request(fast.url, "PUT", f"/c/0.json?ns={ns}", 1).status == 200


def test_auth_revoked_when_the_token_expires(fast, ns):
    token = id_token("u1", exp=time.time() + 1)
    stream = open_stream(fast.url, f"/r.json?ns={ns}&auth={token}")
    try:
        assert stream.next().name == "put"
        ev = stream.next(timeout=5)
        assert (ev.name, ev.data) == ("auth_revoked", "credential is no longer valid")
        assert stream.next() is None
    finally:
        stream.close()
    assert fast.listener_count(ns) == 0
