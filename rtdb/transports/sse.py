"""Server-Sent Events streaming (``GET <path>.json`` with ``Accept: text/event-stream``).

An :class:`SseStream` is a sink for the core's pushes, registered with ``db.listen`` like a
WebSocket session's listens, and turns them into the events firebase-admin-python's
``listen()`` parses (``_sseclient.py``): ``put``/``patch`` with paths relative to the
stream's location, ``keep-alive``, ``cancel`` when read access is lost and
``auth_revoked`` when the credential expires. Events are queued synchronously (so their
order is the order of writes) and written by the request's task once the journal has
made the data they reveal durable.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from ..core import paths
from ..core.auth import Auth
from ..core.database import Database, now_ms
from ..core.errors import DatabaseError
from ..core.listeners import Listener
from ..core.query import QuerySpec
from ..core.render import render
from ..core.tree import Path
from ._errors import error_for
from .outbox import MAX_BACKLOG_BYTES, Durability

KEEPALIVE_SECONDS = 30.0
POLL_SECONDS = 0.25  # how quickly a vanished client is noticed
AUTH_REVOKED = "credential is no longer valid"  # admin-python reconnects on exactly this
CANCEL_DENIED = "Permission denied"
KEEPALIVE_KEY = web.AppKey("rtdb_sse_keepalive", float)  # app config: seconds between keep-alives


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _expiry_ms(auth: Auth) -> int | None:
    """When a user's token runs out, if it was still valid when the stream opened."""
    token = (auth.variable or {}).get("token") if not auth.admin else None
    exp = token.get("exp") if isinstance(token, dict) else None
    if isinstance(exp, (int, float)) and not isinstance(exp, bool) and exp * 1000 > now_ms():
        return int(exp * 1000)
    return None


class SseStream:
    """One event stream: a Database sink with its own ordered, durability-gated queue."""

    def __init__(
        self,
        db: Database,
        path: Path,
        spec: QuerySpec | None,
        auth: Auth,
        export: bool,
        seq: Callable[[], int],
    ) -> None:
        self.db = db
        self.path = path
        self.spec = spec
        self.auth = auth
        self.export = export
        self._seq = seq  # () -> the journal position a queued event must wait for
        self._items: list[tuple[int, bytes]] = []
        self._backlog = 0  # bytes in _items (the batch being written is not counted)
        self.overflowed = False
        self.hang_up: Callable[[], object] = lambda: None  # set by stream(): abort the connection
        self.wake = asyncio.Event()
        self.ending = False
        self.listener: Listener | None = None

    # -- sink side (synchronous, called by the core and the server) ----------------------

    def push(self, action: str, body: dict[str, Any]) -> None:
        """A core push for this stream's listen, as an SSE event."""
        if self.ending:
            return
        if action == "c":  # the core revoked the listen (data, rules or auth changed)
            self.cancel()
            return
        where = tuple(k for k in str(body.get("p", "")).split("/") if k)
        rel = where[len(self.path) :] if paths.is_prefix(self.path, where) else ()
        rel_text = "/" + "/".join(rel)
        if action == "d":
            data = render(body.get("d"), export=self.export)
            self._queue(_event("put", _dumps({"path": rel_text, "data": data})))
        elif action == "m":
            merge = {k: render(v, export=self.export) for k, v in body.get("d", {}).items()}
            self._queue(_event("patch", _dumps({"path": rel_text, "data": merge})))

    def recheck_listens(self) -> None:
        """The rules changed: cancel the stream if its read is no longer allowed."""
        if not self.ending and self.listener is not None and not self.db.recheck(self.listener):
            self.cancel()

    def cancel(self, reason: str = CANCEL_DENIED) -> None:
        """Read access is gone: say so (``cancel``), stop listening, then end the stream."""
        if self.ending:
            return
        self._queue(_event("cancel", _dumps(reason)))
        self._end()

    def revoke_auth(self) -> None:
        if self.ending:
            return
        self._queue(_event("auth_revoked", AUTH_REVOKED))
        self._end()

    def keep_alive(self) -> None:
        self._queue(_event("keep-alive", "null"))

    def _end(self) -> None:
        self.ending = True
        self.detach()
        self.wake.set()

    def detach(self) -> None:
        if self.listener is not None:
            self.db.unlisten(self.listener)
            self.listener = None

    def _queue(self, event: bytes) -> None:
        if self.overflowed:
            return
        self._items.append((self._seq(), event))
        self._backlog += len(event)
        if self._backlog > MAX_BACKLOG_BYTES and len(self._items) > 1:
            # Too far behind: free the backlog, stop listening, drop the connection.
            self.overflowed = True
            self._items, self._backlog = [], 0
            self._end()
            self.hang_up()
            return
        self.wake.set()

    @property
    def pending(self) -> bool:
        return bool(self._items)

    def take(self) -> tuple[int, bytes] | None:
        """Everything queued so far, with the journal position it must wait for."""
        if not self._items:
            return None
        batch, self._items, self._backlog = self._items, [], 0
        return batch[-1][0], b"".join(e for _, e in batch)


async def stream(
    request: web.Request,
    db: Database,
    path: Path,
    spec: QuerySpec | None,
    auth: Auth,
    *,
    streams: set[SseStream],
    durability: Durability,
    export: bool = False,
) -> web.StreamResponse:
    """Answer one streaming GET until the client leaves or access ends.

    ``streams`` is the server's registry of live streams (a rules upload rechecks each);
    ``durability`` gates every event on the write it reveals. A read denied up front is an
    ordinary 401 JSON error (admin-python's ``raise_for_status`` turns it into
    ``UnauthenticatedError``), not a stream.
    """
    sse = SseStream(db, path, spec, auth, export, lambda: durability.last_seq)
    try:
        listener, first = db.listen(sse, path, spec, None, auth)
    except DatabaseError as exc:
        return error_for(exc)
    sse.listener = listener
    sse.hang_up = lambda: request.transport is not None and request.transport.abort()
    streams.add(sse)
    try:
        sse.push(first[1], first[2])
        response = web.StreamResponse(
            status=200,
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "Access-Control-Allow-Origin": "*",
            },
        )
        await response.prepare(request)
        await _pump(request, response, sse, durability)
        return response
    finally:
        sse.detach()
        streams.discard(sse)


async def _pump(
    request: web.Request, response: web.StreamResponse, sse: SseStream, dur: Durability
) -> None:
    keepalive = float(request.app.get(KEEPALIVE_KEY, KEEPALIVE_SECONDS))
    expires = _expiry_ms(sse.auth)
    last_write = time.monotonic()
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sse.wake.wait(), timeout=min(POLL_SECONDS, keepalive))
        sse.wake.clear()
        transport = request.transport
        if transport is None or transport.is_closing():
            return
        if expires is not None and now_ms() >= expires:
            sse.revoke_auth()
        if time.monotonic() - last_write >= keepalive and not sse.ending:
            sse.keep_alive()
        batch = sse.take()
        if batch is not None:
            seq, data = batch
            await dur.wait(seq)
            try:
                await response.write(data)
            except (ConnectionError, RuntimeError):
                return
            last_write = time.monotonic()
        if sse.ending and not sse.pending:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await response.write_eof()
            return
