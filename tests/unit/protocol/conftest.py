"""Fixtures for driving the realtime ``Session`` without a server (see ``session_peer``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from session_peer import Clock, Peer

from rtdb.core.database import Database


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db(clock: Clock) -> Database:
    return Database("unit", clock=clock)


@pytest.fixture
def connect(db: Database) -> Callable[..., Peer]:
    """A factory of peers on ``db``; ``auth`` signs the new peer in with that credential."""

    def make(auth: str | None = None) -> Peer:
        peer = Peer(db)
        if auth is not None:
            assert peer.call("auth", {"cred": auth}) == {"s": "ok", "d": ""}
        return peer

    return make
