"""``Reference.listen()`` of firebase-admin-python: Server-Sent Events from the local server.

The server runs in-process with 0.2 s keep-alives: admin-python's ``close()`` blocks until
the next event arrives (30 s with Firebase's keep-alive), and its reader thread then dies
on the closed response, which pytest reports as an unhandled thread exception.
"""

from __future__ import annotations

import queue
import time

import firebase_admin
import pytest
from firebase_admin import db, exceptions

from rtdb.transports.sse import KEEPALIVE_KEY
from tools.testing.admin import admin_app as admin_app_on
from tools.testing.admin import admin_apps, refs
from tools.testing.inproc import inproc_server
from tools.testing.rawhttp import OWNER, request

pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")


@pytest.fixture(scope="module")
def server():
    with inproc_server({KEEPALIVE_KEY: 0.2}) as srv:
        yield srv


@pytest.fixture(scope="module")
def admin_app(server):
    app = admin_app_on(f"{server.url}?ns=unused", name="admin-listen")
    yield app
    firebase_admin.delete_app(app)


@pytest.fixture
def ref(server, ns, admin_app):
    return refs(admin_app, server.url, ns)


class Recorder:
    def __init__(self) -> None:
        self.events: queue.Queue[db.Event] = queue.Queue()

    def __call__(self, event: db.Event) -> None:
        self.events.put(event)

    def next(self) -> tuple[str, str, object]:
        ev = self.events.get(timeout=10)
        return ev.event_type, ev.path, ev.data


def test_listen_sees_initial_value_and_every_kind_of_change(ref):
    ref("room").set({"a": 0, "list": ["x", "y"]})
    rec = Recorder()
    reg = ref("room").listen(rec)
    try:
        assert rec.next() == ("put", "/", {"a": 0, "list": ["x", "y"]})
        ref("room/a").set(1)
        assert rec.next() == ("put", "/a", 1)
        ref("room").update({"b": 2, "c/d": 3})
        assert rec.next() == ("patch", "/", {"b": 2, "c/d": 3})
        ref("room/c").update({"e": True})
        assert rec.next() == ("patch", "/c", {"e": True})
        pushed = ref("room/msgs").push("")
        assert rec.next() == ("put", f"/msgs/{pushed.key}", "")
        ref("/").update({"room/z": "above"})
        assert rec.next() == ("put", "/z", "above")
        ref("/").set({"room": {"fresh": 1}, "elsewhere": 2})
        assert rec.next() == ("put", "/", {"fresh": 1})
        ref("elsewhere").set(3)  # outside the stream: nothing
        ref("room/fresh").delete()
        assert rec.next() == ("put", "/fresh", None)
    finally:
        reg.close()


def test_listen_on_missing_location_starts_with_null(ref):
    rec = Recorder()
    reg = ref("nothing/yet").listen(rec)
    try:
        assert rec.next() == ("put", "/", None)
        ref("nothing").set({"yet": {"k": "v"}})
        assert rec.next() == ("put", "/", {"k": "v"})
    finally:
        reg.close()


def test_priorities_are_not_streamed(ref):
    rec = Recorder()
    reg = ref("p").listen(rec)
    try:
        assert rec.next() == ("put", "/", None)
        ref("p").set({"a": {".value": 1, ".priority": 2}})
        assert rec.next() == ("put", "/", {"a": 1})
    finally:
        reg.close()


def test_two_listeners_and_unicode(ref):
    r1, r2 = Recorder(), Recorder()
    reg1, reg2 = ref("u").listen(r1), ref("u/deep").listen(r2)
    try:
        assert r1.next() == ("put", "/", None)
        assert r2.next() == ("put", "/", None)
        ref("u/deep/k").set("é😀")
        assert r1.next() == ("put", "/deep/k", "é😀")
        assert r2.next() == ("put", "/k", "é😀")
    finally:
        reg1.close()
        reg2.close()


def test_close_releases_the_server_listener(server, ns, ref):
    rec = Recorder()
    reg = ref("gone").listen(rec)
    assert rec.next() == ("put", "/", None)
    assert server.listener_count(ns) == 1
    reg.close()
    deadline = time.monotonic() + 5
    while server.listener_count(ns) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.listener_count(ns) == 0
    assert server.call(lambda: len(server.state.streams)) == 0


def test_listen_denied_at_start_raises(server, ns):
    rules = {"rules": {"mine": {".read": "auth.uid == 'u1'"}}}
    request(server.url, "PUT", f"/.settings/rules.json?ns={ns}", rules, OWNER)
    with admin_apps(
        f"{server.url}?ns={ns}", {"uid": "u2"}, {"uid": "u1"}, name="listen-auth"
    ) as apps:
        with pytest.raises(exceptions.UnauthenticatedError):
            db.reference("mine", app=apps[0]).listen(lambda e: None)
        rec = Recorder()
        reg = db.reference("mine", app=apps[1]).listen(rec)
        assert rec.next() == ("put", "/", None)
        reg.close()
