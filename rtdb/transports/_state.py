"""What every transport shares, declared in one place: :class:`ServerState` and its app key.

Each registry the transports keep is a typed field here (live realtime sessions, SSE
streams, long-poll connections), so a newcomer finds in one class everything a rules
upload, a reconnect (``ls=``) or a WebSocket upgrade (``s=``) has to look through.
"""

from __future__ import annotations

from collections.abc import Callable

from aiohttp import web

from ..core.database import Database
from ..core.namespaces import DEFAULT_NAMESPACE, Namespaces
from ..core.push_ids import PushIds
from ..protocol.session import Session
from ..rules.ruleset import Ruleset
from .longpoll_connection import LongPolls
from .outbox import Durability, NoDurability
from .sse import SseStream
from .triggers import TriggerService


class ServerState:
    """The namespaces, the live connections of every transport, the journal, the triggers."""

    def __init__(self, default_ns: str = DEFAULT_NAMESPACE, durability: Durability | None = None):
        self.namespaces = Namespaces(default_ns)
        # Realtime sessions (WebSocket, long-poll, upgraded long-poll), until they close.
        self.sessions: set[Session] = set()
        # Live ``Accept: text/event-stream`` GETs (rtdb.transports.sse).
        self.streams: set[SseStream] = set()
        # Long-poll connections by id and by session id (rtdb.transports.longpoll).
        self.longpolls = LongPolls()
        self.durability: Durability = durability or NoDurability()
        self.push_ids = PushIds()
        # Set by ``--data``: keeps each namespace's uploaded rules source across restarts.
        self.rules_store: Callable[[str, str], None] | None = None
        # Function triggers (``/.settings/functionTriggers.json``), as Google's emulator has.
        self.triggers = TriggerService(self.namespaces)

    def end_session(self, session_id: str | None) -> None:
        """A reconnecting client names its previous session (``ls=<id>``): end that one now.

        Its onDisconnect writes then run before the new session's first message, instead
        of whenever the old socket times out, so a presence flag set again on reconnect is
        not overwritten by the old session's "offline" (rtdb-notes 1.1, ``ls``: the JS
        SDK's skipped test "disconnect old session on new connection").
        """
        if not session_id:
            return
        for session in [s for s in self.sessions if s.id == session_id]:
            self.sessions.discard(session)
            session.close()
            session.end_transport()

    def set_rules(self, db: Database, ruleset: Ruleset) -> None:
        """Install rules and revoke every listen they no longer allow."""
        db.rules = ruleset
        if self.rules_store is not None:
            self.rules_store(db.name, ruleset.source)
        for session in [*self.sessions, *self.streams]:
            if session.db is db:
                session.recheck_listens()


STATE = web.AppKey("rtdb", ServerState)
