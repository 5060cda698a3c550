"""Helpers for the hostile-input tests: a bystander that measures how long the server
leaves it waiting (the raw client that opens sockets and never reads them is
``tools.testing.rawws``)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass, field

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


if __name__ == "__main__":
    asyncio.run(_bystander_main(sys.argv[1], sys.argv[2]))
