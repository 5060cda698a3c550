"""The long-polling transport (``/.lp``) browsers fall back to, and its upgrade to WebSocket.

A browser that once saw a WebSocket fail (localStorage ``previous_websocket_failure``)
starts here (``BrowserPollConnection.ts``): ``start`` opens a session and answers the
handshake as JavaScript; polls carry the client's messages as numbered segments of
web-safe base64 and are held until the server has messages, each answer taking the next
response number (the client reorders by it). Meanwhile the client opens a secondary
WebSocket with ``s=<sessionId>``; :func:`attach_secondary` moves the session onto it.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import json
import secrets
import time
from typing import Any

from aiohttp import web

from ..protocol.frames import encode
from ..protocol.session import Session
from . import offload
from ._state import STATE
from .outbox import MAX_BACKLOG_BYTES, Outbox

HOLD_SECONDS = 20.0  # under the client's 25 s keepalive re-poll
IDLE_SECONDS = 45.0  # no poll for this long: the page is gone
END_TRANSMISSION = {"t": "c", "d": {"t": "n", "d": {}}}
_END_TEXT = encode(END_TRANSMISSION)
JS = "application/javascript"
NO_CACHE = {"Cache-Control": "no-cache, no-store, must-revalidate"}


def decode_segment(data: str) -> bytes:
    """Web-safe base64 as the SDK writes it (``-_`` and ``.`` padding)."""
    text = data.replace("-", "+").replace("_", "/").replace(".", "=")
    text += "=" * (-len(text) % 4)
    return base64.b64decode(text, validate=True)


class LongPoll:
    """One long-poll connection: a :class:`Session` plus the polls that carry it."""

    def __init__(self, state: Any, session: Session, cb: str) -> None:
        self.state = state
        self.session = session
        self.cb = cb
        self.id = secrets.token_hex(8)
        self.pw = secrets.token_hex(8)
        self.outbox = Outbox(state.durability, self._queue)
        self.queue: list[str] = []
        self.queued_bytes = 0
        self.next_response = 0
        self.held: asyncio.Future[None] | None = None
        self.segments: dict[int, tuple[int, str]] = {}
        self.next_segment = 0
        self.last_seen = time.monotonic()
        self.upgraded = False
        self.secondary: Any = None  # the upgrade socket's deliver, once it connected
        self.ws_buffer: list[str] = []
        self.closing = False
        self.finished = False
        self.reaper: asyncio.Task[None] | None = None

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
            self.closing = True  # the answer carrying ``n`` also closes the long-poll
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

    def feed(self, query: Any) -> None:
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
        if self.finished:  # a poll that was already on its way: end it too
            return "pLPCommand('close');"
        self._release()  # at most one poll is held; an older one answers now
        if not self.queue and not self.closing:
            fut = self.held = asyncio.get_running_loop().create_future()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(fut), HOLD_SECONDS)
            if self.held is fut:
                self.held = None
        self.last_seen = time.monotonic()
        messages, self.queue, self.queued_bytes = self.queue, [], 0
        if self.closing and not self.finished:
            self.finished = True
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
        self.upgraded = True
        self.outbox.put(END_TRANSMISSION)
        self.session.deliver = self.secondary
        registry(self.state).by_session.pop(self.session.id, None)  # late polls still find it
        buffered, self.ws_buffer = self.ws_buffer, []
        for text in buffered:
            self.session.receive(text)

    async def close(self) -> None:
        """The page left (``disconn``, or no polls): end the session and its onDisconnects."""
        registry(self.state).pop(self)
        self.closing = True
        self._release()
        if not self.upgraded:
            self.state.sessions.discard(self.session)
            self.session.close()
        await self.outbox.close(flush=self.upgraded)
        if self.reaper is not None and self.reaper is not asyncio.current_task():
            self.reaper.cancel()

    async def _reap(self) -> None:
        while True:
            await asyncio.sleep(5)
            if self.upgraded and self.finished:
                await asyncio.sleep(IDLE_SECONDS)
                registry(self.state).pop(self)
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


class Registry:
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


def registry(state: Any) -> Registry:
    reg = state.__dict__.get("_longpolls")
    if reg is None:
        reg = state.__dict__["_longpolls"] = Registry()
    return reg


def _js(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type=JS, headers=NO_CACHE)


async def handle(request: web.Request) -> web.StreamResponse:
    """``GET /.lp?start=t`` | ``?dframe=t`` | ``?disconn=t`` | a poll (``id``, ``pw``)."""
    state = request.app[STATE]
    query = request.query
    if query.get("start") == "t":
        db = state.namespaces.get(query.get("ns"))
        lp: LongPoll | None = None

        def deliver(message: dict[str, Any]) -> None:
            assert lp is not None
            lp.outbox.put(message)

        state.end_session(query.get("ls"))
        session = Session(db, request.host, deliver)
        session.offload = offload
        lp = LongPoll(state, session, query.get("cb", ""))
        session.end_transport = lambda: asyncio.get_running_loop().create_task(lp.close())
        state.sessions.add(session)
        registry(state).add(lp)
        return _js(lp.start())
    lp = registry(state).by_id.get(query.get("id", ""))
    if lp is None or not secrets.compare_digest(query.get("pw", ""), lp.pw):
        if query.get("dframe") == "t" or query.get("disconn") == "t":
            return web.Response(text="", content_type="text/html")
        # Unknown session: the helpers the start script defined in the page's frame end it.
        return _js("pLPCommand('close');")
    if query.get("dframe") == "t":
        return web.Response(text=_dframe(request, lp), content_type="text/html", headers=NO_CACHE)
    if query.get("disconn") == "t":
        if not lp.upgraded:
            await lp.close()
        return web.Response(text="", content_type="text/html")
    lp.feed(query)
    return _js(await lp.poll())


def _dframe(request: web.Request, lp: LongPoll) -> str:
    """The hidden frame whose unload tells the server the page is gone."""
    ns = request.query.get("ns", "")
    url = json.dumps(f"/.lp?disconn=t&id={lp.id}&pw={lp.pw}&ns={ns}")
    return (
        "<html><body><script>"
        "function bye(){try{if(navigator.sendBeacon&&navigator.sendBeacon("
        ""
        f"{url}))return;var x=new XMLHttpRequest();"
        f"x.open('GET',{url},false);x.send(null);}}catch(e){{}}}}"
        "window.addEventListener('pagehide',bye);window.addEventListener('unload',bye);"
        "</script></body></html>"
    )
