"""One client's realtime session: handshake, requests, pushes, onDisconnect.

Sans I/O: a transport feeds frames in with :meth:`Session.receive` and sends whatever
the session hands its ``deliver`` callback. Requests are handled strictly in order, and a
write's pushes are queued before its acknowledgement, which is what the JS SDK's caches
assume (``viewProcessorAckUserWrite``, which re-applies the server cache on ack, in
``node_modules/@firebase/database/dist/index.esm.js``).

The client side is the SDK's ``PersistentConnection`` (same file): ``sendRequest(action,
body, onResponse)`` sends ``{"r": n, "a": action, "b": body}``, ``onDataMessage_`` hands an
answer ``{"r": n, "b": {"s": status, "d": data}}`` to the request's callback and anything
with ``a`` to ``onDataPush_`` (``d``, ``m``, ``c``, ``ac``, ``apc``, ``sd``).
:attr:`Session.ACTIONS` maps each action the SDK sends to its handler.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Callable
from typing import Any, ClassVar

from ..core import auth as authmod
from ..core import paths, tree
from ..core.auth import ANONYMOUS, Auth
from ..core.database import Database, deliver, now_ms
from ..core.errors import DatabaseError, InvalidData
from ..core.listeners import Listener
from ..core.query import QuerySpec
from .frames import PONG, FrameError, Reassembler

log = logging.getLogger(__name__)

Deliver = Callable[[dict[str, Any]], None]
Handler = Callable[["Session", Any, dict[str, Any]], None]  # (session, r, b)


def _query_id(q: dict[str, Any] | None) -> str:
    return json.dumps(q, sort_keys=True, separators=(",", ":")) if q else "default"


MAX_WRITE_BYTES = 16 * 1024 * 1024  # Firebase's limit for one write over the realtime protocol
WRITE_TOO_BIG = "Data to write exceeds the maximum size that can be modified with a single request."
_WRITE_ACTIONS = frozenset({"p", "m", "o", "om"})


def _is_write(action: Any) -> bool:
    """Whether ``action`` writes (a JSON list or object as ``a`` must not raise here)."""
    return isinstance(action, str) and action in _WRITE_ACTIONS


def _utf8_len_over(text: str, limit: int) -> bool:
    """Whether ``text`` encodes to more than ``limit`` UTF-8 bytes (cheap for short text)."""
    if len(text) * 4 <= limit:
        return False
    return len(text) > limit or len(text.encode("utf-8", "surrogatepass")) > limit


class _BigMessage:
    """A message parsed (and later freed) in the offload worker, never on the loop."""

    def __init__(self, text: str) -> None:
        self.text: str | None = text
        self.msg: Any = None
        self.r: Any = None
        self.action: Any = None
        self.b: dict[str, Any] = {}
        self.data: Any = None

    def parse(self) -> None:
        assert self.text is not None
        msg, self.text = self.offload_loads(self.text), None
        self.msg = msg
        body = msg.get("d") if isinstance(msg, dict) and msg.get("t") == "d" else None
        if isinstance(body, dict):
            self.r, self.action, b = body.get("r"), body.get("a"), body.get("b")
            self.b = b if isinstance(b, dict) else {}
            self.data = self.b.get("d")

    def release(self) -> None:
        self.msg = self.data = None
        self.b = {}

    offload_loads: Any = staticmethod(json.loads)


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
        # Set by the transport (``rtdb.transports.offload``): where messages over
        # ``offload.BIG`` are parsed and their writes prepared, off the event loop.
        self.offload: Any = None
        self._held: list[str] | None = None  # frames that arrived while a big one ran
        self._held_size = 0
        self._frames = Reassembler()
        self._listens: dict[tuple[str, str], Listener] = {}
        self._on_disconnect: list[tuple[str, tree.Path, Any]] = []

    # -- output ----------------------------------------------------------------------

    def handshake(self) -> dict[str, Any]:
        hello = {"ts": now_ms(), "v": "5", "h": self.host, "s": self.id}
        return {"t": "c", "d": {"t": "h", "d": hello}}

    def push(self, action: str, body: dict[str, Any]) -> None:
        """A server push (``d`` data, ``m`` merge, ``c`` listen revoked) for ``onDataPush_``."""
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
        if self._held is not None:
            self._hold(frame)
            return
        try:
            text = self._frames.feed(frame)
        except FrameError as exc:
            if exc.request is not None:  # a message over the limit: refused, not parsed
                self._respond(exc.request, "write_too_big", WRITE_TOO_BIG)
            else:
                self.deliver({"t": "c", "d": {"t": "e", "d": str(exc)}})
            return
        if text is None:
            return
        if self.offload is not None and len(text) > self.offload.BIG:
            self._held, self._held_size = [], 0
            self.offload.spawn(self._receive_big(text))
            return
        try:
            msg = json.loads(text)
        except (ValueError, RecursionError):
            self.deliver({"t": "c", "d": {"t": "e", "d": "Invalid JSON frame"}})
            return
        self._dispatch(text, msg)

    def _dispatch(self, text: str, msg: Any) -> None:
        if not isinstance(msg, dict):
            self.deliver({"t": "c", "d": {"t": "e", "d": "Invalid message: not an object"}})
            return
        layer, body = msg.get("t"), msg.get("d")
        if layer == "c" and isinstance(body, dict):
            self._control(body)
        elif layer == "d" and isinstance(body, dict):
            if _is_write(body.get("a")) and _utf8_len_over(text, MAX_WRITE_BYTES):
                self._respond(body.get("r"), "write_too_big", WRITE_TOO_BIG)
                return
            self._request(body)

    def _control(self, body: dict[str, Any]) -> None:
        kind = body.get("t")
        if kind == "p":
            self.deliver(PONG)

    def _request(self, body: dict[str, Any]) -> None:
        r, action, b = body.get("r"), body.get("a"), body.get("b")
        if not isinstance(b, dict):
            b = {}
        handler = self.ACTIONS.get(action) if isinstance(action, str) else None
        if handler is None:
            self._respond(r, "invalid_action", f"Unknown action {action!r}")
            return
        try:
            handler(self, r, b)
        except Exception as exc:
            self._refuse(r, action, exc)

    def _refuse(self, r: Any, action: Any, exc: Exception) -> None:
        """Answer a request that raised; a bug must cost one request, never the connection."""
        if isinstance(exc, DatabaseError):
            self._respond(r, exc.code, exc.message)
        elif isinstance(exc, (TypeError, KeyError, ValueError, AttributeError, RecursionError)):
            self._respond(r, "invalid_data", f"Invalid request: {exc}")
        else:
            log.error("request %r failed", action, exc_info=exc)
            self._respond(r, "internal_error", f"Internal error: {type(exc).__name__}")

    # -- big messages (off the loop) -------------------------------------------------

    def _hold(self, frame: str) -> None:
        """Keep order behind a big message; a client that floods meanwhile is cut off."""
        assert self._held is not None
        self._held.append(frame)
        self._held_size += len(frame)
        if self._held_size > MAX_WRITE_BYTES:
            self._held.clear()
            self.end_transport()

    async def _receive_big(self, text: str) -> None:
        """``receive`` for one big message: parsed and, if a write, prepared in the
        offload worker and committed on the loop; then the frames held meanwhile."""
        try:
            await self._handle_big(text)
        finally:
            held, self._held = self._held or [], None
            for frame in held:
                self.receive(frame)

    async def _handle_big(self, text: str) -> None:
        job = _BigMessage(text)
        job.offload_loads = self.offload.loads  # decodes letting the loop run meanwhile
        try:
            await self.offload.run(job.parse)
        except (ValueError, RecursionError):
            self.deliver({"t": "c", "d": {"t": "e", "d": "Invalid JSON frame"}})
            return
        if not _is_write(job.action):
            self._dispatch(text, job.msg)
            return
        r, action = job.r, job.action
        if _utf8_len_over(text, MAX_WRITE_BYTES):
            self._respond(r, "write_too_big", WRITE_TOO_BIG)
            await self.offload.run(job.release)
            return
        db, auth = self.db, self.auth
        try:
            if action in ("p", "o"):
                path = self._path(job.b, allow_priority=True)
                expected = job.b.get("h") if action == "p" else None

                def prepare() -> Any:
                    return db.prepare_set(path, job.data, auth, expected)
            else:
                path = self._path(job.b)

                def prepare() -> Any:
                    return db.prepare_update(path, job.data, auth)

            if action in ("p", "m"):
                deliver(await self.offload.write(db, prepare))
            else:
                await self.offload.run(prepare)
                self._on_disconnect.append(("set" if action == "o" else "update", path, job.data))
            self._respond(r, "ok")
        except Exception as exc:
            self._refuse(r, action, exc)
        if action in ("p", "m"):
            await self.offload.run(job.release)  # millions of parsed objects: freed there

    def _path(self, b: dict[str, Any], *, allow_priority: bool = False) -> tree.Path:
        p = b.get("p")
        if not isinstance(p, str):
            raise InvalidData("Invalid request: missing path")
        return paths.parse(p, allow_priority=allow_priority)

    # -- actions (the table is ACTIONS, below) ----------------------------------------

    def _stats(self, r: Any, b: dict[str, Any]) -> None:
        self._respond(r, "ok")

    def _auth(self, r: Any, b: dict[str, Any]) -> None:
        cred = b.get("cred")
        override: Any = ...
        if "authvar" in b:
            override = b["authvar"]
        elif b.get("noauth"):
            override = None
        self._set_auth(authmod.from_credential(cred if isinstance(cred, str) else None, override))
        self._respond(r, "ok")

    def _unauth(self, r: Any, b: dict[str, Any]) -> None:
        self._set_auth(ANONYMOUS)
        self._respond(r, "ok", "unauthenticated")

    def _app_check(self, r: Any, b: dict[str, Any]) -> None:
        self._respond(r, "ok")

    def _listen(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        qobj = b.get("q")
        spec = QuerySpec.from_wire(qobj) if qobj else None
        tag = b.get("t")
        key = (paths.wire_path(path), _query_id(qobj))
        old = self._listens.pop(key, None)
        if old is not None:
            self.db.unlisten(old)
        listener, push = self.db.listen(self, path, spec, tag, self.auth)
        listener.wire_query = qobj
        self._listens[key] = listener
        deliver([push])
        warn = {"w": ["no_index"]} if self.db.unindexed(path, spec) else {}
        self._respond(r, "ok", warn)

    def _unlisten(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        listener = self._listens.pop((paths.wire_path(path), _query_id(b.get("q"))), None)
        if listener is not None:
            self.db.unlisten(listener)
        self._respond(r, "ok")

    def _get(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        qobj = b.get("q")
        spec = QuerySpec.from_wire(qobj) if qobj else None
        self._respond(r, "ok", self.db.read(path, spec, self.auth))

    def _put(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b, allow_priority=True)
        expected = b.get("h")
        pushes = self.db.set(path, b.get("d"), self.auth, expected)
        deliver(pushes)
        self._respond(r, "ok")

    def _merge(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        pushes = self.db.update(path, b.get("d"), self.auth)
        deliver(pushes)
        self._respond(r, "ok")

    def _on_disconnect_put(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b, allow_priority=True)
        self.db.set(path, b.get("d"), self.auth, dry_run=True)
        self._on_disconnect.append(("set", path, b.get("d")))
        self._respond(r, "ok")

    def _on_disconnect_merge(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b)
        self.db.update(path, b.get("d"), self.auth, dry_run=True)
        self._on_disconnect.append(("update", path, b.get("d")))
        self._respond(r, "ok")

    def _on_disconnect_cancel(self, r: Any, b: dict[str, Any]) -> None:
        path = self._path(b, allow_priority=True)
        self._on_disconnect = [op for op in self._on_disconnect if not paths.is_prefix(path, op[1])]
        self._respond(r, "ok")

    # Each client action -> its handler. The comments name the ``PersistentConnection``
    # method that sends it (node_modules/@firebase/database/dist/index.esm.js); ``l`` is
    # the listen of older SDKs (rtdb-notes 1.5). Any other action is ``invalid_action``.
    ACTIONS: ClassVar[dict[str, Handler]] = {
        "q": _listen,  # sendListen_ (and simpleListen)
        "l": _listen,
        "n": _unlisten,  # sendUnlisten_
        "g": _get,  # get
        "p": _put,  # put -> putInternal -> sendPut_; a transaction adds the hash "h"
        "m": _merge,  # merge -> putInternal -> sendPut_
        "o": _on_disconnect_put,  # onDisconnectPut -> sendOnDisconnect_
        "om": _on_disconnect_merge,  # onDisconnectMerge -> sendOnDisconnect_
        "oc": _on_disconnect_cancel,  # onDisconnectCancel -> sendOnDisconnect_
        "auth": _auth,  # tryAuth, when the token is a JWT (isValidFormat)
        "gauth": _auth,  # tryAuth otherwise (an OAuth token, or "owner")
        "unauth": _unauth,  # refreshAuthToken(null) while connected
        "appcheck": _app_check,  # tryAppCheck
        "unappeck": _app_check,  # refreshAppCheckToken(null) (the SDK's own spelling)
        "s": _stats,  # reportStats
    }

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
