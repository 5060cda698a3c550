"""The long-polling transport (``/.lp``) browsers fall back to, and its upgrade to WebSocket.

A browser that once saw a WebSocket fail (localStorage ``previous_websocket_failure``)
starts here (``BrowserPollConnection`` in ``node_modules/@firebase/database/dist/
index.esm.js``): ``start`` opens a session and answers the handshake as JavaScript; each
poll (``id``, ``pw``) carries the client's messages and is held until the server has some
(:class:`~.longpoll_connection.LongPoll`); ``dframe`` is the hidden frame whose unload
says ``disconn``. The secondary WebSocket that takes the session over is
:func:`.websocket.handle`'s ``s=<sessionId>`` case.
"""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from aiohttp import web

from ..protocol.session import Session
from . import offload
from ._state import STATE
from .longpoll_connection import LongPoll

JS = "application/javascript"
NO_CACHE = {"Cache-Control": "no-cache, no-store, must-revalidate"}


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
        lp = LongPoll(
            session,
            query.get("cb", ""),
            durability=state.durability,
            sessions=state.sessions,
            registry=state.longpolls,
        )
        session.end_transport = lambda: asyncio.get_running_loop().create_task(lp.close())
        state.sessions.add(session)
        state.longpolls.add(lp)
        return _js(lp.start())
    lp = state.longpolls.by_id.get(query.get("id", ""))
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
