"""The aiohttp application: routes every transport onto one set of namespaces."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from .core.database import Database
from .core.namespaces import DEFAULT_NAMESPACE, Namespaces
from .protocol.session import Session
from .transports import longpoll, rest, triggers, websocket
from .transports._state import STATE
from .transports.outbox import Durability, NoDurability

CORS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, PUT, POST, PATCH, DELETE, OPTIONS",
    "Access-Control-Allow-Headers": (
        "Authorization, Content-Type, X-Firebase-ETag, if-match, if-none-match, "
        "X-HTTP-Method-Override, X-Firebase-GMPID, X-Firebase-AppCheck"
    ),
    "Access-Control-Max-Age": "3600",
}


class ServerState:
    """What every transport shares: the namespaces, live sessions, the journal."""

    def __init__(self, default_ns: str = DEFAULT_NAMESPACE, durability: Durability | None = None):
        self.namespaces = Namespaces(default_ns)
        self.sessions: set[Session] = set()
        self.streams: set[Any] = set()  # live SSE streams (rtdb.transports.sse)
        self.durability: Durability = durability or NoDurability()
        self.push_ids = rest.PushIds()
        # Set by ``--data``: keeps each namespace's uploaded rules source across restarts.
        self.rules_store: Callable[[str, str], None] | None = None
        # Function triggers (``/.settings/functionTriggers.json``), as Google's emulator has.
        self.triggers = triggers.TriggerService(self.namespaces)

    def end_session(self, session_id: str | None) -> None:
        """A reconnecting client names its previous session (``ls=<id>``): end that one now.

        Its onDisconnect writes then run before the new session's first message, instead
        of whenever the old socket times out, so a presence flag set again on reconnect is
        not overwritten by the old session's "offline" (the JS SDK's skipped test
        "disconnect old session on new connection" in connection.test.ts).
        """
        if not session_id:
            return
        for session in [s for s in self.sessions if s.id == session_id]:
            self.sessions.discard(session)
            session.close()
            session.end_transport()

    def set_rules(self, db: Database, ruleset: Any) -> None:
        """Install rules and revoke every listen they no longer allow."""
        db.rules = ruleset
        if self.rules_store is not None:
            self.rules_store(db.name, ruleset.source)
        for session in [*self.sessions, *self.streams]:
            if session.db is db:
                session.recheck_listens()


@web.middleware
async def cors(request: web.Request, handler: Any) -> web.StreamResponse:
    if request.method == "OPTIONS":
        return web.Response(status=200, headers=CORS)
    response = await handler(request)
    if not response.prepared:
        response.headers.update({"Access-Control-Allow-Origin": "*"})
    return response


async def dispatch(request: web.Request) -> web.StreamResponse:
    tail = request.match_info["tail"]
    if tail == ".ws" or request.path == "/.ws":
        return await websocket.handle(request)
    if tail == ".lp":
        return await longpoll.handle(request)
    if tail == ".settings/rules.json":
        return await rest.handle_rules(request)
    if tail == ".settings/functionTriggers.json":
        return await triggers.handle(request)
    if tail == ".inspect/databases.json":
        names = request.app[STATE].namespaces.names()
        return web.json_response([{"name": n} for n in names])
    if tail.endswith(".json"):
        return await rest.handle_data(request, tail[: -len(".json")])
    if tail == ".upload" or tail.endswith("/.upload"):
        return await rest.handle_upload(request, tail[: -len(".upload")])
    return rest.error(404, "Append .json to your request URI to use the REST API.")


def create_app(state: ServerState | None = None) -> web.Application:
    app = web.Application(middlewares=[cors], client_max_size=256 * 1024 * 1024)
    app[STATE] = state or ServerState()
    app.router.add_route("*", "/{tail:.*}", dispatch)
    return app
