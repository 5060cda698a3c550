"""What a curl user does: plain HTTP requests and SSE streams against the local server.

Deliberately not the SDK: these helpers send exactly the bytes a test spells out, so the
tests see the server's raw answers (status, headers, body) as a curl user would.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import queue
import socket
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

OWNER = {"Authorization": "Bearer owner"}


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def request(
    base: str,
    method: str,
    target: str,
    body: Any = None,
    headers: dict[str, str] | None = None,
    *,
    raw: bytes | None = None,
    timeout: float = 30,
) -> Reply:
    """One request; ``body`` is JSON-encoded unless ``raw`` bytes are given."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    try:
        conn.request(method, target, body=data, headers=headers or {})
        resp = conn.getresponse()
        out = resp.read()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, out)
    finally:
        conn.close()


def put_rules(base: str, ns: str, document: dict[str, Any] | str) -> None:
    """Upload a rules document (``{"rules": ...}``, or its text as given) as the owner."""
    raw = (document if isinstance(document, str) else json.dumps(document)).encode()
    reply = request(base, "PUT", f"/.settings/rules.json?ns={ns}", raw=raw, headers=OWNER)
    assert reply.status == 200, reply.body


def owner_put(base: str, ns: str, path: str, value: Any) -> None:
    """Set ``path`` (no leading ``/``) as the owner, past the rules."""
    assert request(base, "PUT", f"/{path}.json?ns={ns}", value, OWNER).status == 200


def owner_get(base: str, ns: str, path: str) -> Any:
    """The value at ``path`` (no leading ``/``) as the owner reads it."""
    return request(base, "GET", f"/{path}.json?ns={ns}", headers=OWNER).json


@dataclass
class Event:
    name: str
    data: str

    @property
    def json(self) -> Any:
        return json.loads(self.data)


@dataclass
class Stream:
    """A raw ``Accept: text/event-stream`` GET read on a thread; events arrive in a queue."""

    status: int
    headers: dict[str, str]
    sock: socket.socket
    events: queue.Queue[Event | None] = field(default_factory=queue.Queue)
    body: bytes = b""

    def next(self, timeout: float = 10, skip_keepalive: bool = True) -> Event | None:
        """The next event; None when the server ended the stream."""
        while True:
            ev = self.events.get(timeout=timeout)
            if ev is None or not (skip_keepalive and ev.name == "keep-alive"):
                return ev

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


def open_stream(base: str, target: str, headers: dict[str, str] | None = None) -> Stream:
    """Open an SSE stream with a bare socket, so closing it is a real client disconnect."""
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30)
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}", "Accept: text/event-stream"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    reader = sock.makefile("rb")
    status_line = reader.readline().decode()
    status = int(status_line.split()[1])
    hdrs: dict[str, str] = {}
    while True:
        line = reader.readline().decode().strip()
        if not line:
            break
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    stream = Stream(status, hdrs, sock)
    if status != 200:
        length = int(hdrs.get("content-length", "0"))
        stream.body = reader.read(length)
        sock.close()
        return stream

    def pump() -> None:
        buf = b""
        try:
            while True:
                chunk = _read_chunk(reader, hdrs)
                if chunk is None:
                    break
                buf += chunk
                while b"\n\n" in buf:
                    raw, buf = buf.split(b"\n\n", 1)
                    name, data = "message", ""
                    for line in raw.decode().split("\n"):
                        key, _, value = line.partition(": ")
                        if key == "event":
                            name = value
                        elif key == "data":
                            data = value
                    stream.events.put(Event(name, data))
        except (OSError, ValueError):
            pass
        stream.events.put(None)

    threading.Thread(target=pump, daemon=True).start()
    return stream


def _read_chunk(reader: Any, headers: dict[str, str]) -> bytes | None:
    if headers.get("transfer-encoding") == "chunked":
        size_line = reader.readline()
        if not size_line:
            return None
        size = int(size_line.strip().split(b";")[0], 16)
        if size == 0:
            return None
        data = reader.read(size)
        reader.readline()
        return data
    data = reader.read1(65536)
    return data or None
