"""Helpers for the hostile-input tests: a bystander that measures how long the server
leaves it waiting, and a raw client that opens sockets and then never reads them."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

PING = json.dumps({"t": "c", "d": {"t": "p", "d": {}}})


@dataclass
class Bystander:
    """An ordinary client pinging the server (protocol v5 keepalive) every 10 ms."""

    ws: aiohttp.ClientWebSocketResponse
    worst_ms: float = 0.0
    pongs: int = 0
    _task: asyncio.Task[None] | None = field(default=None, repr=False)

    @classmethod
    async def start(cls, session: aiohttp.ClientSession, base: str, ns: str) -> Bystander:
        ws = await session.ws_connect(f"{base.replace('http', 'ws')}/.ws?v=5&ns={ns}")
        await ws.receive(timeout=10)  # the handshake
        me = cls(ws)
        me._task = asyncio.get_running_loop().create_task(me._run())
        return me

    async def _run(self) -> None:
        while True:
            sent = time.monotonic()
            await self.ws.send_str(PING)
            while True:
                msg = await self.ws.receive()
                if msg.type != aiohttp.WSMsgType.TEXT:
                    return
                if '"t":"o"' in msg.data:
                    break
            self.worst_ms = max(self.worst_ms, (time.monotonic() - sent) * 1000)
            self.pongs += 1
            await asyncio.sleep(0.01)

    async def stop(self) -> float:
        """The longest ping round trip seen (ms)."""
        assert self._task is not None
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        await self.ws.close()
        return self.worst_ms


class BystanderProcess:
    """A :class:`Bystander` in its own process, so the test's own work (encoding a 12 MB
    request) cannot delay its pongs: only the server can."""

    def __init__(self, base: str, ns: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, base, ns],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "ready"

    def stop(self) -> tuple[float, int]:
        """(worst ping round trip in ms, pongs received)."""
        out, _ = self.proc.communicate("stop\n", timeout=30)
        worst, pongs = out.split()
        return float(worst), int(pongs)


async def _bystander_main(base: str, ns: str) -> None:
    async with aiohttp.ClientSession() as session:
        me = await Bystander.start(session, base, ns)
        await asyncio.sleep(0.2)
        me.worst_ms = 0.0
        print("ready", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        pongs = me.pongs
        print(f"{await me.stop():.1f} {pongs}", flush=True)


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
    return ws_frame(json.dumps({"t": "d", "d": {"r": r, "a": "q", "b": {"p": path, "h": ""}}}))


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def wait_for(check: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)


if __name__ == "__main__":
    asyncio.run(_bystander_main(sys.argv[1], sys.argv[2]))
