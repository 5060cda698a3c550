"""Issue 9 item 12: an oversized WebSocket frame is refused from its header, and a message
split into many frames is not assembled past Firebase's 16 MB write limit.

Before the fix the server accepted frames of any size (``max_msg_size=0``) and buffered a
300 MB frame whole before looking at it, and assembled split messages up to 256 MB.
"""

from __future__ import annotations

import json
import socket
import struct
import time

import pytest

from rtdb.protocol.frames import MAX_MESSAGE_CHARS, FrameError, Reassembler
from tools.testing.rawws import listen_frame, raw_ws, ws_frame


def _read_frames(sock: socket.socket, timeout: float) -> list[tuple[int, bytes]]:
    """Server frames (opcode, payload) until it closes or ``timeout`` passes."""
    sock.settimeout(timeout)
    data = b""
    frames: list[tuple[int, bytes]] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except (TimeoutError, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
        while len(data) >= 2:
            opcode, length, start = data[0] & 0x0F, data[1] & 0x7F, 2
            if length == 126:
                length, start = struct.unpack("!H", data[2:4])[0], 4
            elif length == 127:
                length, start = struct.unpack("!Q", data[2:10])[0], 10
            if len(data) < start + length:
                break
            frames.append((opcode, data[start : start + length]))
            data = data[start + length :]
            if opcode == 8:
                return frames
    return frames


def test_frame_declaring_300_mb_is_refused_from_its_header(rtdb_server, ns):
    sock = raw_ws(rtdb_server.host, rtdb_server.port, ns)
    try:
        # Only the header and 1 KB follow: a server that waits for the rest never answers.
        sock.sendall(ws_frame(b"x" * 1024, declared=300 * 1024 * 1024)[: 14 + 1024])
        frames = _read_frames(sock, timeout=5)
    finally:
        sock.close()
    closes = [payload for opcode, payload in frames if opcode == 8]
    assert closes, f"no close frame within 5 s (got {frames[:2]})"
    assert struct.unpack("!H", closes[0][:2])[0] == 1009  # message too big


def test_other_clients_unaffected_by_a_refused_frame(rtdb_server, ns):
    other = raw_ws(rtdb_server.host, rtdb_server.port, ns)
    bad = raw_ws(rtdb_server.host, rtdb_server.port, ns)
    try:
        bad.sendall(ws_frame(b"", declared=300 * 1024 * 1024)[:14])
        other.sendall(listen_frame("/ok"))
        frames = _read_frames(other, timeout=2)
        assert any(b'"s":"ok"' in payload for _, payload in frames)
    finally:
        other.close()
        bad.close()


def test_split_message_over_the_limit_is_dropped_not_assembled():
    frames = Reassembler()
    head = json.dumps({"t": "d", "d": {"r": 7, "a": "p", "b": {"p": "/x", "d": ""}}})[:-4]
    count = MAX_MESSAGE_CHARS // 16384 + 20
    assert frames.feed(str(count)) is None
    assert frames.feed(head + "x" * (16384 - len(head))) is None
    for _ in range(count - 2):
        assert frames.feed("x" * 16384) is None
        kept = sum(len(p) for p in frames._parts)
        assert kept <= MAX_MESSAGE_CHARS  # nothing past the limit is kept
    assert sum(len(p) for p in frames._parts) == 0  # and what was kept is dropped once over
    with pytest.raises(FrameError) as refused:
        frames.feed("x" * 10 + '"}}}')
    assert refused.value.request == 7  # answered as write_too_big, not left hanging
    assert frames.feed('{"t":"c","d":{"t":"p","d":{}}}') == '{"t":"c","d":{"t":"p","d":{}}}'
