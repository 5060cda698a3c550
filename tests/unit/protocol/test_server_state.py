"""``ServerState``'s registries without a server: a reconnect's ``ls=`` and a rules upload.

Sessions are driven as ``session_peer`` drives them and SSE streams are real
``SseStream`` sinks (their queued events are read with ``take``), both registered where
the transports register them (``state.sessions``, ``state.streams``).
"""

from __future__ import annotations

import json

from session_peer import Peer, push

from rtdb.core.auth import ANONYMOUS
from rtdb.core.render import plain
from rtdb.rules import compile_rules
from rtdb.rules.ruleset import Ruleset
from rtdb.transports._state import ServerState
from rtdb.transports.sse import SseStream

OPEN = {".read": True, ".write": True}
CLOSED = {".read": False, ".write": True}


def ruleset(rules: dict) -> Ruleset:
    return compile_rules(json.dumps({"rules": rules}))


def peer(state: ServerState, ns: str | None = None) -> Peer:
    p = Peer(state.namespaces.get(ns))
    state.sessions.add(p.session)
    return p


def stream(state: ServerState, path: tuple[str, ...], ns: str | None = None) -> SseStream:
    db = state.namespaces.get(ns)
    sse = SseStream(db, path, None, ANONYMOUS, False, lambda: 0)
    sse.listener, _first = db.listen(sse, path, None, None, ANONYMOUS)
    state.streams.add(sse)
    return sse


def test_a_reconnect_ends_the_session_it_names_and_runs_its_on_disconnect() -> None:
    state = ServerState()
    old, other = peer(state), peer(state)
    old.call("o", {"p": "/online", "d": False})
    old.call("p", {"p": "/online", "d": True})
    ended: list[str] = []
    old.session.end_transport = lambda: ended.append("old")
    other.session.end_transport = lambda: ended.append("other")
    state.end_session(old.session.id)
    assert ended == ["old"] and old.session.closed and not other.session.closed
    assert state.sessions == {other.session}
    assert plain(state.namespaces.get(None).read(("online",))) is False
    state.end_session(None)
    state.end_session("")
    state.end_session("no-such-session")
    assert state.sessions == {other.session} and ended == ["old"]


def test_a_rules_upload_revokes_listens_of_that_namespace_only_and_is_stored() -> None:
    state = ServerState()
    stored: list[tuple[str, str]] = []
    state.rules_store = lambda ns, source: stored.append((ns, source))
    here, elsewhere = peer(state), peer(state, "other-db")
    here.listen("/secret")
    elsewhere.listen("/secret")
    here.take()
    elsewhere.take()
    sse, sse_elsewhere = stream(state, ("secret",)), stream(state, ("secret",), "other-db")
    db = state.namespaces.get(None)
    closed = ruleset(CLOSED)
    state.set_rules(db, closed)
    assert db.rules is closed and stored == [(db.name, closed.source)]
    assert here.take() == [push("c", {"p": "/secret"})]
    assert elsewhere.take() == []
    batch = sse.take()
    assert batch is not None and b"event: cancel" in batch[1] and sse.ending
    assert sse_elsewhere.take() is None and not sse_elsewhere.ending


def test_rules_that_still_allow_a_listen_keep_it() -> None:
    state = ServerState()
    watcher = peer(state)
    watcher.listen("/open")
    watcher.take()
    sse = stream(state, ("open",))
    state.set_rules(state.namespaces.get(None), ruleset(OPEN))
    assert watcher.take() == [] and sse.take() is None and not sse.ending
