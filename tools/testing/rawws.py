"""A protocol-v5 WebSocket opened and framed by hand: for what no client library will send
(oversized or malformed frames, a reader that never reads) and for benches that need
thousands of frames without a client library's per-message cost."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct


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
