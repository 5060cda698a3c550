"""One client's realtime session: handshake, requests, pushes, onDisconnect.

Sans I/O: a transport feeds frames in with :meth:`Session.receive` and sends whatever
:meth:`Session.send` is handed (through the ``deliver`` callback). Requests are handled
strictly in order, and a write's pushes are queued before its acknowledgement, which is
what the JS SDK's caches assume (rtdb-notes 1.4).
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from typing import Any

from ..core import auth as authmod
from ..core import paths, tree
from ..core.auth import ANONYMOUS, Auth
from ..core.database import Database, deliver, now_ms
from ..core.errors import DatabaseError, InvalidData
from ..core.listeners import Listener
from ..core.query import QuerySpec
from .frames import FrameError, Reassembler

log = logging.getLogger(__name__)

Deliver = Callable[[dict[str, Any]], None]


def _query_id(q: dict[str, Any] | None) -> str:
    return json.dumps(q, sort_keys=True, separators=(",", ":")) if q else "default"


MAX_WRITE_BYTES = 16 * 1024 * 1024  # Firebase's limit for one write over the realtime protocol
WRITE_TOO_BIG = "Data to write exceeds the maximum size that can be modified with a single request."
_WRITE_ACTIONS = frozenset({"p", "m", "o", "om"})


def _utf8_len_over(text: str, limit: int) -> bool:
    """Whether ``text`` encodes to more than ``limit`` UTF-8 bytes (cheap for short text)."""
    if len(text) * 4 <= limit:
        return False
    return len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit


class Session:
    """A v5 session on one namespace; ``deliver`` sends one message to the client."""

    def __init__(self, db: Database, host: str, deliver: Deliver) -> None:
        self.db = db
        self.host = host
        self.id = secrets.token_hex(8)
        self.auth: Auth = ANONYMOUS
        self.deliver = deliver
        self.closed = False
        # Set by the transport: drop the client's connection (see ServerState.end_session).
        self.end_transport: Callable[[], object] = lambda: None
        self._frames = Reassembler()
        self._listens: dict[tuple[str, str], Listener] = {}
        self._on_disconnect: list[tuple[str, tree.Path, Any]] = []

    # -- output ----------------------------------------------------------------------

    def handshake(self) -> dict[str, Any]:
        hello = {"ts": now_ms(), "v": "5", "h": self.host, "s": self.id}
        return {"t": "c", "d": {"t": "h", "d": hello}}

    def push(self, action: str, body: dict[str, Any]) -> None:
        """A server push (data, merge, listen revoked, ...) for this client."""
        if action == "c":  # the core revoked a listen: forget it here too
            self._listens = {k: li for k, li in self._listens.items() if not li.revoked}
        if not self.closed:
            self.deliver({"t": "d", "d": {"a": action, "b": body}})

    def _respond(self, r: Any, status: str, data: Any = "") -> None:
        if r is not None and not self.closed:
            self.deliver({"t": "d", "d": {"r": r, "b": {"s": status, "d": data}}})

    # -- input -----------------------------------------------------------------------

    def receive(self, frame: str) -> None:
        """Handle one incoming frame; a malformed one is answered, never fatal."""
        try:
            text = self._frames.feed(frame)
        except FrameError as exc:
            self.deliver({"t": "c", "d": {"t": "e", "d": str(exc)}})
            return
        if text is None:
            return
        try:
            msg = json.loads(text)
        except (ValueError, RecursionError):
            self.deliver({"t": "c", "d": {"t": "e", "d": "Invalid JSON frame"}})
            return
        if not isinstance(msg, dict):
            self.deliver({"t": "c", "d": {"t": "e", "d": "Invalid message: not an object"}})
            return
        layer, body = msg.get("t"), msg.get("d")
        if layer == "c" and isinstance(body, dict):
            self._control(body)
        elif layer == "d" and isinstance(body, dict):
            if body.get("a") in _WRITE_ACTIONS and _utf8_len_over(text, MAX_WRITE_BYTES):
                self._respond(body.get("r"), "write_too_big", WRITE_TOO_BIG)
                return
            self._request(body)

    def _control(self, body: dict[str, Any]) -> None:
        kind = body.get("t")
        if kind == "p":
            self.deliver({"t": "c", "d": {"t": "o", "d": {}}})

    def _request(self, body: dict[str, Any]) -> None:
        r, action, b = body.get("r"), body.get("a"), body.get("b")
        if not isinstance(b, dict):
            b = {}
        handler = getattr(self, "_a_" + str(action), None)
        if handler is None:
            self._respond(r, "invalid_action", f"Unknown action {action!r}")
            return
        try:
            handler(r, b)
        except DatabaseError as exc:
            self._respond(r, exc.code, exc.message)
        except (TypeError, KeyError, ValueError, AttributeError, RecursionError) as exc:
            self._respond(r, "invalid_data", f"Invalid request: {exc}")
        except Exception as exc:  # a bug must cost one request, never the connection
            log.exception("request %r failed", action)
            self._respond(r, "internal_error", f"Internal error: {type(exc).__name__}")

    def _path(self, b: dict[str, Any], *, allow_priority: bool = False) -> tree.Path:
        p = b.get("p")
        if not isinstance(p, str):
            raise InvalidData("Invalid request: missing path")
        return paths.parse(p, allow_priority=allow_priority)

    # -- actions ---------------------------------------------------------------------

    def _a_s(self, r: Any, b: dict[str, Any]) -> None:
        self._respond(r, "ok")

    def _a_auth(self, r: Any, b: dict[str, Any]) -> None:
        cred = b.get("cred")
        override: Any = ...
        if "authvar" in b:
            override = b["authvar"]
        elif b.get("noauth"):
            override = None
        self._set_auth(authmod.from_credential(cred if isinstance(cred, str) else None, override))
        self._respond(r, "ok")

    _a_gauth = _a_auth

    def _a_unauth(self, r: Any, b: dict[str, Any]) -> None:
        self._set_auth(ANONYMOUS)
        self._respond(r, "ok", "unauthenticated")

    def _a_appcheck(self, r: Any, b: dict[str, Any]) -> None:
        self._respond(r, "ok")

    _a_unappeck = _a_appcheck

    def _a_q(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        qobj = b.get("q")
        spec = QuerySpec.from_wire(qobj) if qobj else None
        tag = b.get("t")
        key = (paths.to_str(path), _query_id(qobj))
        old = self._listens.pop(key, None)
        if old is not None:
            self.db.unlisten(old)
        listener, push = self.db.listen(self, path, spec, tag, self.auth)
        listener.wire_query = qobj
        self._listens[key] = listener
        deliver([push])
        warn = {"w": ["no_index"]} if self.db.unindexed(path, spec) else {}
        self._respond(r, "ok", warn)

    _a_l = _a_q

    def _a_n(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        listener = self._listens.pop((paths.to_str(path), _query_id(b.get("q"))), None)
        if listener is not None:
            self.db.unlisten(listener)
        self._respond(r, "ok")

    def _a_g(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        qobj = b.get("q")
        spec = QuerySpec.from_wire(qobj) if qobj else None
        self._respond(r, "ok", self.db.read(path, spec, self.auth))

    def _a_p(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b, allow_priority=True)
        expected = b.get("h")
        pushes = self.db.set(path, b.get("d"), self.auth, expected)
        deliver(pushes)
        self._respond(r, "ok")

    def _a_m(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        pushes = self.db.update(path, b.get("d"), self.auth)
        deliver(pushes)
        self._respond(r, "ok")

    def _a_o(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b, allow_priority=True)
        self.db.set(path, b.get("d"), self.auth, dry_run=True)
        self._on_disconnect.append(("set", path, b.get("d")))
        self._respond(r, "ok")

    def _a_om(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        self.db.update(path, b.get("d"), self.auth, dry_run=True)
        self._on_disconnect.append(("update", path, b.get("d")))
        self._respond(r, "ok")

    def _a_oc(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b, allow_priority=True)
        self._on_disconnect = [op for op in self._on_disconnect if not paths.is_prefix(path, op[1])]
        self._respond(r, "ok")

    # -- auth changes and closing ----------------------------------------------------

    def _set_auth(self, auth: Auth) -> None:
        self.auth = auth
        self.recheck_listens()

    def recheck_listens(self) -> None:
        """Revoke listens the current auth and rules no longer allow (``c`` push).

        Data changes are the core's to notice (``Database.revoke`` in every commit).
        """
        revoked = []
        for listener in list(self._listens.values()):
            listener.auth = self.auth
            if not listener.revoked and not self.db.recheck(listener):
                revoked.append(self.db.revoke(listener))
        deliver(revoked)

    def close(self) -> None:
        """The client is gone: drop its listens, then run its onDisconnect writes in order."""
        if self.closed:
            return
        self.closed = True
        for listener in self._listens.values():
            self.db.unlisten(listener)
        self._listens.clear()
        ops, self._on_disconnect = self._on_disconnect, []
        for op, path, data in ops:
            try:
                if op == "set":
                    pushes = self.db.set(path, data, self.auth)
                else:
                    pushes = self.db.update(path, data, self.auth)
            except DatabaseError:
                continue
            deliver(pushes)

    def __repr__(self) -> str:
        return f"<Session {self.id} ns={self.db.name}>"
