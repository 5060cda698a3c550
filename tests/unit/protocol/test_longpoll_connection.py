"""A long-poll connection's life, driven without HTTP: polls, close, and the upgrade.

``LongPoll`` is what ``/.lp`` requests drive (``rtdb.transports.longpoll``); here a test
plays the requests: ``feed`` takes a poll's segments, ``poll`` is the answer the browser
would get, and a list's ``append`` stands in for the secondary WebSocket. The browser
round trip is ``tests/server/test_ws_longpoll.py``.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
from typing import Any

import pytest

from rtdb.core.database import Database
from rtdb.core.render import plain
from rtdb.protocol.session import Session
from rtdb.transports.longpoll_connection import END_TRANSMISSION, LongPoll, LongPolls, Phase
from rtdb.transports.outbox import NoDurability

P = Phase


@pytest.mark.parametrize(
    ("phase", "upgraded", "closing", "finished"),
    [
        (P.POLLING, False, False, False),
        (P.CLOSING, False, True, False),
        (P.CLOSED, False, True, True),
        (P.UPGRADED, True, False, False),
        (P.UPGRADED_CLOSING, True, True, False),
        (P.UPGRADED_CLOSED, True, True, True),
    ],
)
def test_each_phase_says_who_carries_the_session_and_how_far_polls_ended(
    phase: Phase, upgraded: bool, closing: bool, finished: bool
) -> None:
    assert (phase.upgraded, phase.closing, phase.finished) == (upgraded, closing, finished)


def test_transitions_keep_the_other_dimension() -> None:
    assert [P.POLLING.close(), P.CLOSING.finish(), P.CLOSED.close()] == [
        P.CLOSING,
        P.CLOSED,
        P.CLOSED,
    ]
    assert [P.POLLING.upgrade(), P.UPGRADED.close(), P.UPGRADED_CLOSING.finish()] == [
        P.UPGRADED,
        P.UPGRADED_CLOSING,
        P.UPGRADED_CLOSED,
    ]
    assert [P.CLOSING.upgrade(), P.CLOSED.upgrade()] == [P.UPGRADED_CLOSING, P.UPGRADED_CLOSED]
    assert [P.POLLING.finish(), P.UPGRADED.finish()] == [P.POLLING, P.UPGRADED]  # not closing


def segment(message: dict[str, Any]) -> dict[str, str]:
    """One poll carrying ``message`` as segment 0 of 1, web-safe base64 as the SDK sends."""
    raw = base64.b64encode(json.dumps(message).encode()).decode()
    return {"seg0": "0", "ts0": "1", "d0": raw.replace("+", "-").replace("/", "_")}


class Rig:
    """A long-poll connection on a fresh database, registered as the server would."""

    def __init__(self) -> None:
        self.db = Database("unit")
        self.sessions: set[Session] = set()
        self.registry = LongPolls()
        self.lp: LongPoll

    def open(self) -> str:
        lp: LongPoll | None = None

        def deliver(message: dict[str, Any]) -> None:
            assert lp is not None
            lp.outbox.put(message)

        session = Session(self.db, "127.0.0.1:9000", deliver)
        lp = self.lp = LongPoll(
            session,
            "cb1",
            durability=NoDurability(),
            sessions=self.sessions,
            registry=self.registry,
        )
        self.sessions.add(session)
        self.registry.add(lp)
        return lp.start()

    async def answer(self, query: dict[str, str] | None = None) -> tuple[int, list[Any], bool]:
        """Feed a poll and await its answer: (response number, messages, closes)."""
        if query:
            self.lp.feed(query)
        await asyncio.sleep(0.01)  # the outbox task moves queued messages to the poll queue
        text = await asyncio.wait_for(self.lp.poll(), 5)
        match = re.fullmatch(r"pRTLPCB\((\d+),(\[.*\])\);(pLPCommand\('close',\d+\);)?", text)
        assert match, text
        return int(match[1]), json.loads(match[2]), match[3] is not None


def request(r: int, action: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"t": "d", "d": {"r": r, "a": action, "b": body}}


def test_polls_carry_requests_and_answers_in_numbered_responses() -> None:
    async def scenario() -> None:
        rig = Rig()
        start = rig.open()
        assert "pLPCommand('start'," in start and "pRTLPCB(0,[" in start
        n, messages, closes = await rig.answer(segment(request(1, "p", {"p": "/a", "d": 1})))
        assert (n, messages, closes) == (
            1,
            [{"t": "d", "d": {"r": 1, "b": {"s": "ok", "d": ""}}}],
            False,
        )
        assert rig.lp.phase is P.POLLING
        await rig.lp.close()

    asyncio.run(scenario())


def test_a_page_that_leaves_gets_close_once_and_its_session_ends() -> None:
    async def scenario() -> None:
        rig = Rig()
        rig.open()
        session = rig.lp.session
        rig.lp.session.receive(json.dumps(request(1, "o", {"p": "/online", "d": False})))
        await rig.lp.close()  # disconn, or no poll for IDLE_SECONDS
        assert rig.lp.phase is P.CLOSING
        assert session.closed and session not in rig.sessions and not rig.registry.by_id
        assert plain(rig.db.read(("online",))) is False  # its onDisconnect ran
        _, _, closes = await rig.answer()
        assert closes and rig.lp.phase is P.CLOSED
        assert await rig.lp.poll() == "pLPCommand('close');"  # a poll already on its way

    asyncio.run(scenario())


def test_the_upgrade_moves_the_session_onto_the_socket_after_the_clients_n() -> None:
    async def scenario() -> None:
        rig = Rig()
        rig.open()
        socket: list[dict[str, Any]] = []
        rig.lp.secondary = socket.append  # the secondary WebSocket connected
        rig.lp.from_secondary(json.dumps(request(2, "p", {"p": "/b", "d": 2})))  # waits
        assert rig.lp.phase is P.POLLING and socket == []
        rig.lp.feed(segment(END_TRANSMISSION))  # the client's last poll: it sends on the socket
        assert rig.lp.phase is P.UPGRADED
        await asyncio.sleep(0.01)
        assert rig.lp.phase is P.UPGRADED_CLOSING  # our ``n`` is queued for the polls
        n, messages, closes = await rig.answer()
        assert n == 1 and rig.lp.phase is P.UPGRADED_CLOSED
        assert (messages, closes) == ([END_TRANSMISSION], True)  # ``n`` back, then close
        # The request sent on the socket before the switch ran after it, answered there.
        assert socket == [{"t": "d", "d": {"r": 2, "b": {"s": "ok", "d": ""}}}]
        assert rig.lp.session in rig.sessions  # the session lives on, on the socket
        assert rig.lp.id in rig.registry.by_id and rig.lp.session.id not in rig.registry.by_session
        rig.lp.from_secondary(json.dumps(request(3, "g", {"p": "/b", "q": {}})))
        assert socket[-1] == {"t": "d", "d": {"r": 3, "b": {"s": "ok", "d": 2}}}
        assert await rig.lp.poll() == "pLPCommand('close');"
        await rig.lp.close()
        assert not rig.lp.session.closed  # closing the polls does not end an upgraded session

    asyncio.run(scenario())
