"""A client for the sans-I/O ``Session``: frames go in, delivered messages are collected.

Like python-websockets' tests drive ``Protocol`` without a socket, these drive
``rtdb.protocol.session.Session`` directly: ``receive`` is what a transport calls for each
incoming frame, and ``deliver`` (here, a list's ``append``) is what it sends back. The
session handles a request synchronously, so every message a request causes is in the
inbox when ``receive`` returns, in the order the client would read it.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from rtdb.core.database import Database
from rtdb.protocol.session import Session
from rtdb.rules import compile_rules

HOST = "127.0.0.1:9000"
Message = dict[str, Any]
Path = tuple[str, ...]


class Clock:
    """A settable server clock (ms), so server timestamps are predictable."""

    def __init__(self, now: int = 1_700_000_000_000) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


class Peer:
    """One connected client: sends v5 messages, keeps what the server delivered to it."""

    def __init__(self, db: Database, host: str = HOST) -> None:
        self.inbox: list[Message] = []
        self.session = Session(db, host, self.inbox.append)
        self.r = 0

    def take(self) -> list[Message]:
        """Everything delivered since the last take, in delivery order."""
        got, self.inbox[:] = list(self.inbox), []
        return got

    def frame(self, text: str) -> list[Message]:
        """Feed one raw frame; return what it caused."""
        self.session.receive(text)
        return self.take()

    def send(self, message: Message | str) -> list[Message]:
        """Send one whole message, split into frames as the JS SDK splits it."""
        text = message if isinstance(message, str) else json.dumps(message, ensure_ascii=False)
        if len(text) > 16384:
            chunks = [text[i : i + 16384] for i in range(0, len(text), 16384)]
            self.session.receive(str(len(chunks)))
            for chunk in chunks:
                self.session.receive(chunk)
            return self.take()
        return self.frame(text)

    def request(self, action: str, body: Message) -> list[Message]:
        """Send a data request; return all it caused, its response last (asserted)."""
        self.r += 1
        got = self.send({"t": "d", "d": {"r": self.r, "a": action, "b": body}})
        assert got, f"no response to {action!r}"
        assert got[-1]["d"].get("r") == self.r, got
        assert all("r" not in m["d"] for m in got[:-1]), got
        return got

    def call(self, action: str, body: Message) -> Message:
        """The response ``b`` of a request (any pushes it caused are dropped)."""
        return self.request(action, body)[-1]["d"]["b"]

    def listen(self, path: str, q: Message | None = None, tag: int | None = None) -> list[Message]:
        body: Message = {"p": path, "h": ""}
        if q is not None:
            body["q"], body["t"] = q, tag
        return self.request("q", body)

    def close(self) -> None:
        self.session.close()


def ok(r: int, d: Any = "") -> Message:
    return {"t": "d", "d": {"r": r, "b": {"s": "ok", "d": d}}}


def refused(r: int, status: str, d: str) -> Message:
    return {"t": "d", "d": {"r": r, "b": {"s": status, "d": d}}}


def push(action: str, body: Message) -> Message:
    return {"t": "d", "d": {"a": action, "b": body}}


def data(path: str, value: Any, tag: int | None = None) -> Message:
    """A ``d`` push as the SDK reads it (path without the leading slash)."""
    body: Message = {"p": path, "d": value}
    if tag is not None:
        body["t"] = tag
    return push("d", body)


def id_token(uid: str, **claims: Any) -> str:
    """An unsigned Firebase ID token, as the Auth emulator and ``mockUserToken`` make."""

    def part(obj: Any) -> str:
        raw = json.dumps(obj, separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    payload = {
        "iss": "https://securetoken.google.com/demo",
        "aud": "demo",
        "iat": 0,
        "exp": 3600,
        "sub": uid,
        "user_id": uid,
        "firebase": {"sign_in_provider": "custom", "identities": {}},
        **claims,
    }
    return f"{part({'alg': 'none', 'type': 'JWT'})}.{part(payload)}."


def use_rules(db: Database, rules: Message) -> None:
    db.rules = compile_rules(json.dumps({"rules": rules}))


# -- an independent model of what Firebase stores (plain JSON, no priorities) ---------


def norm(value: Any) -> Any:
    """Nulls pruned, empty objects gone: what a set stores."""
    if not isinstance(value, dict):
        return value
    kept = {k: n for k, v in value.items() if (n := norm(v)) is not None}
    return kept or None


def set_at(node: Any, path: Path, value: Any) -> Any:
    if not path:
        return norm(value)
    if norm(value) is None and not isinstance(node, dict):
        return node  # deleting below a leaf (or nothing) changes nothing
    base = dict(node) if isinstance(node, dict) else {}
    child = set_at(base.get(path[0]), path[1:], value)
    if child is None:
        base.pop(path[0], None)
    else:
        base[path[0]] = child
    return base or None


def get_at(node: Any, path: Path) -> Any:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node


def split_path(text: str) -> Path:
    return tuple(k for k in text.split("/") if k)
