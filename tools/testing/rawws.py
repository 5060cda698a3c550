"""Protocol v5 spoken raw, for what the SDK never sends (bad input, out-of-order requests)
and what it hides (message order, splitting, the handshake).

``RawWs`` is an aiohttp client that speaks whole messages, split like the SDK's
``WebSocketConnection.ts``. ``raw_ws``/``ws_frame`` go one level lower: a socket opened and
framed by hand, for oversized or malformed frames, a reader that never reads, and benches
that need thousands of frames without a client library's per-message cost.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
from typing import Any

import aiohttp

MAX_FRAME = 16384  # the SDK's and the server's frame size; longer messages are split


class RawWs:
    """A minimal protocol-v5 client: requests numbered in order, answers matched by ``r``.

    ``call`` keeps what arrives before its answer: pushes in ``pushes``, control messages
    in ``controls``; ``recv`` returns the next whole message as it is.
    """

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.r = 0
        self.hello: dict[str, Any] = {}
        self.pushes: list[dict[str, Any]] = []
        self.controls: list[dict[str, Any]] = []

    @classmethod
    async def connect(cls, session: aiohttp.ClientSession, base: str, ns: str) -> RawWs:
        """Open ``/.ws?v=5&ns=...`` on ``base`` (http://host:port) and read the handshake."""
        ws = await session.ws_connect(
            f"{base.replace('http', 'ws')}/.ws?v=5&ns={ns}", max_msg_size=0
        )
        client = cls(ws)
        client.hello = await client.recv()
        assert client.hello["t"] == "c" and client.hello["d"]["t"] == "h", client.hello
        return client

    async def recv(self, timeout: float = 20) -> dict[str, Any]:
        """The next whole message (a split one joined)."""
        msg = await self.ws.receive(timeout)
        assert msg.type == aiohttp.WSMsgType.TEXT, msg
        text = msg.data
        if len(text) <= 6 and text.isdigit():
            parts = []
            for _ in range(int(text)):
                part = await self.ws.receive(timeout)
                parts.append(part.data)
            text = "".join(parts)
        return json.loads(text)

    async def send(self, message: dict[str, Any] | str) -> None:
        """Send one message, split into a count frame and its parts when it is long."""
        text = message if isinstance(message, str) else json.dumps(message)
        if len(text) <= MAX_FRAME:
            await self.ws.send_str(text)
            return
        chunks = [text[i : i + MAX_FRAME] for i in range(0, len(text), MAX_FRAME)]
        await self.ws.send_str(str(len(chunks)))
        for chunk in chunks:
            await self.ws.send_str(chunk)

    async def call(self, action: str, body: dict[str, Any]) -> dict[str, Any]:
        """Send one request and return its response body ``{"s": ..., "d": ...}``."""
        self.r += 1
        r = self.r
        await self.send({"t": "d", "d": {"r": r, "a": action, "b": body}})
        return await self.answer(r)

    async def answer(self, r: int) -> dict[str, Any]:
        """The response to request ``r``; pushes and controls before it are kept."""
        while True:
            msg = await self.recv()
            if msg["t"] == "c":
                self.controls.append(msg["d"])
                continue
            d = msg["d"]
            if d.get("r") == r:
                return d["b"]
            self.pushes.append(d)


def ws_frame(text: str | bytes, opcode: int = 1, declared: int | None = None) -> bytes:
    """One masked client frame; ``declared`` overrides the length in its header."""
    payload = text.encode() if isinstance(text, str) else text
    length = len(payload) if declared is None else declared
    head = bytes([0x80 | opcode])
    if length < 126:
        head += bytes([0x80 | length])
    elif length < 65536:
        head += bytes([0x80 | 126]) + struct.pack("!H", length)
    else:
        head += bytes([0x80 | 127]) + struct.pack("!Q", length)
    mask = os.urandom(4)
    if not payload:
        return head + mask
    # XOR as one big integer: the bench masks 16 KB frames by the thousand.
    whole = (mask * (len(payload) // 4 + 1))[: len(payload)]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(whole, "big")).to_bytes(
        len(payload), "big"
    )
    return head + mask + masked


def raw_ws(host: str, port: int, ns: str, rcvbuf: int = 4096) -> socket.socket:
    """A WebSocket opened by hand, by default on a socket with a tiny receive buffer (a
    slow reader); ``rcvbuf=0`` keeps the system's buffer."""
    sock = socket.socket()
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.connect((host, port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /.ws?v=5&ns={ns} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
        ).encode()
    )
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head.split(b"\r\n")[0], head
    return sock


def listen_frame(path: str, r: int = 1) -> bytes:
    """The frame of a listen (``q``) on ``path`` with request number ``r``."""
    return ws_frame(json.dumps({"t": "d", "d": {"r": r, "a": "q", "b": {"p": path, "h": ""}}}))
