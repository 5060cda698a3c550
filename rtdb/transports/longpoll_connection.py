"""One long-poll connection (``/.lp``): its session, its polls, its upgrade to WebSocket.

The SDK's side is ``BrowserPollConnection`` (``node_modules/@firebase/database/dist/
index.esm.js``): polls carry the client's messages as numbered segments of web-safe
base64 and are held until the server has messages, each answer taking the next response
number (the client reorders by it). Meanwhile the client may open a secondary WebSocket
(``Connection``'s upgrade, ``s=<sessionId>``); once the client's ``n`` ends its polls, the
session moves onto that socket. The HTTP endpoint is :mod:`.longpoll`.

Where a connection is in that life is one :class:`Phase`.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import enum
import json
import secrets
import time
from collections.abc import Callable, Mapping
from typing import Any

from ..protocol.frames import encode
from ..protocol.session import Session
from .outbox import MAX_BACKLOG_BYTES, Durability, Outbox

HOLD_SECONDS = 20.0  # under the client's 25 s keepalive re-poll
IDLE_SECONDS = 45.0  # no poll for this long: the page is gone
END_TRANSMISSION = {"t": "c", "d": {"t": "n", "d": {}}}
_END_TEXT = encode(END_TRANSMISSION)


def decode_segment(data: str) -> bytes:
    """Web-safe base64 as the SDK writes it (``-_`` and ``.`` padding)."""
    text = data.replace("-", "+").replace("_", "/").replace(".", "=")
    text += "=" * (-len(text) % 4)
    return base64.b64decode(text, validate=True)


class Phase(enum.Enum):
    """A long-poll connection's state: who carries the session, and how far the polls ended.

    ``POLLING`` -> ``CLOSING`` -> ``CLOSED`` when the page leaves (``disconn``, idle, too
    far behind); ``POLLING`` -> ``UPGRADED`` -> ``UPGRADED_CLOSING`` -> ``UPGRADED_CLOSED``
    when the secondary socket takes over.
    """

    POLLING = "polling"  # polls carry the session (a secondary socket may be waiting)
    CLOSING = "closing"  # the session ended: the next poll answers what is left, then close
    CLOSED = "closed"  # close was answered: any later poll is told to close at once
    UPGRADED = "upgraded"  # the socket carries the session; polls drain what was queued
    UPGRADED_CLOSING = "upgraded-closing"  # the ``n`` is queued: the poll carrying it closes
    UPGRADED_CLOSED = "upgraded-closed"  # the polls are over; forgotten after IDLE_SECONDS

    @property
    def upgraded(self) -> bool:
        """The secondary WebSocket carries the session."""
        return self in (Phase.UPGRADED, Phase.UPGRADED_CLOSING, Phase.UPGRADED_CLOSED)

    @property
    def closing(self) -> bool:
        """The polls are ending: no poll is held any more."""
        return self not in (Phase.POLLING, Phase.UPGRADED)

    @property
    def finished(self) -> bool:
        """A poll's answer has said ``close``."""
        return self in (Phase.CLOSED, Phase.UPGRADED_CLOSED)

    def upgrade(self) -> Phase:
        return _UPGRADE[self]

    def close(self) -> Phase:
        return _CLOSE.get(self, self)

    def finish(self) -> Phase:
        return _FINISH.get(self, self)


_UPGRADE = {
    Phase.POLLING: Phase.UPGRADED,
    Phase.CLOSING: Phase.UPGRADED_CLOSING,
    Phase.CLOSED: Phase.UPGRADED_CLOSED,
    Phase.UPGRADED: Phase.UPGRADED,
    Phase.UPGRADED_CLOSING: Phase.UPGRADED_CLOSING,
    Phase.UPGRADED_CLOSED: Phase.UPGRADED_CLOSED,
}
_CLOSE = {Phase.POLLING: Phase.CLOSING, Phase.UPGRADED: Phase.UPGRADED_CLOSING}
_FINISH = {Phase.CLOSING: Phase.CLOSED, Phase.UPGRADED_CLOSING: Phase.UPGRADED_CLOSED}


class LongPoll:
    """One long-poll connection: a :class:`Session` plus the polls that carry it.

    ``sessions`` and ``registry`` are the server's (``ServerState``): the connection takes
    its session out of the first and itself out of the second when it ends.
    """

    def __init__(
        self,
        session: Session,
        cb: str,
        *,
        durability: Durability,
        sessions: set[Session],
        registry: LongPolls,
    ) -> None:
        self.session = session
        self.cb = cb
        self.sessions = sessions
        self.registry = registry
        self.id = secrets.token_hex(8)
        self.pw = secrets.token_hex(8)
        self.outbox = Outbox(durability, self._queue)
        self.queue: list[str] = []
        self.queued_bytes = 0
        self.next_response = 0
        self.held: asyncio.Future[None] | None = None
        self.segments: dict[int, tuple[int, str]] = {}
        self.next_segment = 0
        self.last_seen = time.monotonic()
        self.phase = Phase.POLLING
        # The secondary socket's ``Outbox.put``, once it connected (before the upgrade).
        self.secondary: Callable[[dict[str, Any]], None] | None = None
        self.ws_buffer: list[str] = []
        self.reaper: asyncio.Task[None] | None = None

    @property
    def upgraded(self) -> bool:
        return self.phase.upgraded

    # -- outgoing ----------------------------------------------------------------------

    async def _queue(self, texts: list[str]) -> None:
        self.queue.extend(texts)
        self.queued_bytes += sum(len(t) for t in texts)
        if self.queued_bytes > MAX_BACKLOG_BYTES and not self.upgraded:
            # Too far behind (polls stopped coming): end the connection, free the queue.
            self.queue, self.queued_bytes = [], 0
            asyncio.get_running_loop().create_task(self.close())
            return
        if self.upgraded and _END_TEXT in texts:
            self.phase = self.phase.close()  # the answer carrying ``n`` also closes the polls
        self._release()

    def _release(self) -> None:
        if self.held is not None and not self.held.done():
            self.held.set_result(None)

    def script(self, messages: list[str], close: bool = False) -> str:
        """One response: ``pRTLPCB(<n>,[...])`` with the next number, then maybe ``close``."""
        n = self.next_response
        self.next_response += 1
        body = f"pRTLPCB({n},[{','.join(messages)}]);"  # helpers: defined by ``start``
        if close:
            body += f"pLPCommand('close',{n});"
        return body

    # -- incoming ----------------------------------------------------------------------

    def feed(self, query: Mapping[str, str]) -> None:
        """Take the segments ``seg<i>/ts<i>/d<i>`` of one poll; run every message completed."""
        i = 0
        while f"d{i}" in query:
            try:
                seg, total = int(query[f"seg{i}"]), int(query[f"ts{i}"])
            except (KeyError, ValueError):
                break
            if seg >= self.next_segment and 0 < total <= 1_000_000:
                self.segments[seg] = (total, query[f"d{i}"])
            i += 1
        while self.next_segment in self.segments:
            total = self.segments[self.next_segment][0]
            span = range(self.next_segment, self.next_segment + total)
            if not all(s in self.segments for s in span):
                break
            data = "".join(self.segments.pop(s)[1] for s in span)
            self.next_segment += total
            try:
                text = decode_segment(data).decode("utf-8")
            except (binascii.Error, ValueError):
                self.session.deliver({"t": "c", "d": {"t": "e", "d": "Invalid poll segment"}})
                continue
            self._message(text)

    def _message(self, text: str) -> None:
        if not self.upgraded and self.secondary is not None:
            with contextlib.suppress(ValueError):
                if json.loads(text) == END_TRANSMISSION:  # the client now sends on the socket
                    self._switch()
                    return
        self.session.receive(text)

    def from_secondary(self, text: str) -> None:
        """A data message that came on the secondary socket: it follows every poll's."""
        if self.upgraded:
            self.session.receive(text)
        else:
            self.ws_buffer.append(text)

    async def poll(self) -> str:
        """Answer one poll: at once if messages wait, else when some arrive (or in 20 s)."""
        self.last_seen = time.monotonic()
        if self.phase.finished:  # a poll that was already on its way: end it too
            return "pLPCommand('close');"
        self._release()  # at most one poll is held; an older one answers now
        if not self.queue and not self.phase.closing:
            fut = self.held = asyncio.get_running_loop().create_future()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(fut), HOLD_SECONDS)
            if self.held is fut:
                self.held = None
        self.last_seen = time.monotonic()
        messages, self.queue, self.queued_bytes = self.queue, [], 0
        if self.phase.closing and not self.phase.finished:
            self.phase = self.phase.finish()
            return self.script(messages, close=True)
        return self.script(messages)

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> str:
        self.outbox.start()
        self.reaper = asyncio.get_running_loop().create_task(self._reap())
        hello = json.dumps(self.session.handshake(), separators=(",", ":"))
        return (
            _callbacks(self.cb)
            + f"pLPCommand('start','{self.id}','{self.pw}');"
            + self.script([hello])
        )

    def _switch(self) -> None:
        """The upgrade, once the client's ``n`` ended its polls: ``n`` back, then the socket."""
        assert self.secondary is not None
        self.phase = self.phase.upgrade()
        self.outbox.put(END_TRANSMISSION)
        self.session.deliver = self.secondary
        self.registry.by_session.pop(self.session.id, None)  # late polls still find it
        buffered, self.ws_buffer = self.ws_buffer, []
        for text in buffered:
            self.session.receive(text)

    async def close(self) -> None:
        """The page left (``disconn``, or no polls): end the session and its onDisconnects."""
        self.registry.pop(self)
        self.phase = self.phase.close()
        self._release()
        if not self.upgraded:
            self.sessions.discard(self.session)
            self.session.close()
        await self.outbox.close(flush=self.upgraded)
        if self.reaper is not None and self.reaper is not asyncio.current_task():
            self.reaper.cancel()

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(5)
            if self.phase is Phase.UPGRADED_CLOSED:
                await asyncio.sleep(IDLE_SECONDS)
                self.registry.pop(self)
                await self.outbox.close(flush=True)
                return
            idle = time.monotonic() - self.last_seen
            if self.held is None and idle > IDLE_SECONDS:
                await self.close()
                return


def _callbacks(cb: str) -> str:
    cb = "".join(c for c in cb if c.isalnum())
    return (
        "function pLPCommand(c,a1,a2,a3,a4){"
        f'parent.window["pLPCommand{cb}"]&&parent.window["pLPCommand{cb}"](c,a1,a2,a3,a4);}}'
        "function pRTLPCB(pN,data){"
        f'parent.window["pRTLPCB{cb}"]&&parent.window["pRTLPCB{cb}"](pN,data);}}'
    )


class LongPolls:
    """Live long-poll connections, by long-poll id and by session id (for the upgrade)."""

    def __init__(self) -> None:
        self.by_id: dict[str, LongPoll] = {}
        self.by_session: dict[str, LongPoll] = {}

    def add(self, lp: LongPoll) -> None:
        self.by_id[lp.id] = lp
        self.by_session[lp.session.id] = lp

    def pop(self, lp: LongPoll) -> None:
        self.by_id.pop(lp.id, None)
        self.by_session.pop(lp.session.id, None)
