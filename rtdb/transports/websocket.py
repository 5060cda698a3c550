"""The WebSocket transport (``/.ws``) of protocol v5, as the JS SDK opens it.

A socket opened with ``s=<sessionId>`` is a long-poll client's *secondary* (the SDK's
``Connection`` upgrade, ``onSecondaryControl_``, in the bundle
``node_modules/@firebase/database/dist/index.esm.js``): it gets the switch ack ``a``
instead of a handshake, is pinged healthy, and takes over the long-poll's session when the
client acks back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json

from aiohttp import WSMsgType, web

from ..protocol.frames import MAX_MESSAGE_CHARS, PONG, split
from ..protocol.session import Session
from . import offload
from ._state import STATE, ServerState
from .longpoll_connection import LongPoll
from .outbox import Outbox

# The SDK sends frames of at most 16384 characters; a frame whose declared length is over
# Firebase's 16 MB write limit (plus room for the envelope) cannot be a valid message, and
# aiohttp refuses it from its header (close 1009) before buffering any of it.
MAX_FRAME_BYTES = MAX_MESSAGE_CHARS + 64 * 1024
SWITCH_ACK = {"t": "c", "d": {"t": "a", "d": {}}}


async def handle(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    ws = web.WebSocketResponse(max_msg_size=MAX_FRAME_BYTES, autoping=True, compress=False)
    await ws.prepare(request)

    async def send(texts: list[str]) -> None:
        for text in texts:
            for frame in split(text):
                await ws.send_str(frame)

    def hang_up() -> None:  # a consumer too far behind: drop it now, mid-write or not
        if request.transport is not None:
            request.transport.abort()

    outbox = Outbox(state.durability, send, hang_up)
    outbox.start()
    secondary = request.query.get("s")
    if secondary:
        lp = state.longpolls.by_session.get(secondary)
        if lp is None:  # nothing to upgrade: the client gives up on this socket
            await outbox.close()
            await ws.close()
            return ws
        await _serve_secondary(ws, lp, outbox)
        return ws
    state.end_session(request.query.get("ls"))
    db = state.namespaces.get(request.query.get("ns"))
    session = Session(db, request.host, outbox.put)
    session.offload = offload
    session.end_transport = lambda: asyncio.get_running_loop().create_task(ws.close())
    state.sessions.add(session)
    outbox.put(session.handshake())
    await _serve(ws, session, state, outbox)
    return ws


async def _serve(
    ws: web.WebSocketResponse, session: Session, state: ServerState, outbox: Outbox
) -> None:
    """Feed the session until the socket ends (cleanly or not), then close it."""
    try:
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                session.receive(msg.data)
            elif msg.type == WSMsgType.BINARY:
                session.receive(msg.data.decode("utf-8", "replace"))
            elif msg.type in (WSMsgType.ERROR, WSMsgType.CLOSE):
                break
    finally:
        state.sessions.discard(session)
        session.close()
        await outbox.close(flush=False)
        with contextlib.suppress(Exception):
            await ws.close()


async def _serve_secondary(ws: web.WebSocketResponse, lp: LongPoll, outbox: Outbox) -> None:
    """Answer pings until the upgrade; the long-poll's ``n`` moves the session here.

    Data the client sends here before its polls have ended waits for them (order).
    """
    lp.secondary = outbox.put
    outbox.put(SWITCH_ACK)
    try:
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                text = msg.data
            elif msg.type == WSMsgType.BINARY:
                text = msg.data.decode("utf-8", "replace")
            else:
                break
            if lp.upgraded:
                lp.session.receive(text)
                continue
            try:
                message = json.loads(text)
            except ValueError:
                message = None
            if isinstance(message, dict) and message.get("t") == "c":
                inner = message.get("d")
                if isinstance(inner, dict) and inner.get("t") == "p":
                    outbox.put(PONG)
                continue  # the client's switch ack "a", or other control
            if isinstance(message, dict):
                lp.from_secondary(text)
    finally:
        if lp.upgraded:
            lp.sessions.discard(lp.session)
            lp.session.close()
        else:
            lp.secondary = None
        await outbox.close(flush=False)
        with contextlib.suppress(Exception):
            await ws.close()
