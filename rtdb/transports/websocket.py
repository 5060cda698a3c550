"""The WebSocket transport (``/.ws``) of protocol v5, as the JS SDK opens it."""

from __future__ import annotations

import contextlib

from aiohttp import WSMsgType, web

from ..protocol.frames import split
from ..protocol.session import Session
from .outbox import Outbox


async def handle(request: web.Request) -> web.StreamResponse:
    state = request.app["rtdb"]
    ws = web.WebSocketResponse(max_msg_size=0, autoping=True, compress=False)
    await ws.prepare(request)
    db = state.namespaces.get(request.query.get("ns"))

    async def send(texts: list[str]) -> None:
        for text in texts:
            for frame in split(text):
                await ws.send_str(frame)

    outbox = Outbox(state.durability, send)
    session = Session(db, request.host, outbox.put)
    state.sessions.add(session)
    outbox.start()
    outbox.put(session.handshake())
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
    return ws
