"""A test HTTP sink standing in for the Functions emulator's background-trigger route.

It only records what ``POST /functions/projects/<project>/triggers/<key>`` receives and
answers with the status the test asks for; it runs no function (the lead's tests run the
real Functions emulator). It can be stopped and started again on the same port, which is
how a test takes "the emulator" down and brings it back.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tools.testing.ports import free_port


@dataclass
class Received:
    project: str
    key: str
    content_type: str
    body: dict[str, Any]
    raw: bytes
    at: float


@dataclass
class Sink:
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    # Status to answer for the n-th request (0-based); 200 when None.
    answer: Callable[[int], int] | None = None
    # Called (in a worker thread) with each event before answering.
    on_event: Callable[[Received], None] | None = None
    requests: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        with self._lock:
            n = self.requests
            self.requests += 1
        status = self.answer(n) if self.answer else 200
        item = Received(
            request.match_info["project"],
            request.match_info["key"],
            request.headers.get("Content-Type", ""),
            json.loads(raw),
            raw,
            time.monotonic(),
        )
        if self.on_event is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.on_event, item)
        if 200 <= status < 300:
            with self._lock:
                self.received.append(item)
        return web.Response(status=status, text="OK" if status < 300 else "boom")

    def start(self) -> Sink:
        ready = threading.Event()
        loop = asyncio.new_event_loop()
        app = web.Application()
        app.router.add_post("/functions/projects/{project}/triggers/{key}", self._handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)

        def serve() -> None:
            asyncio.set_event_loop(loop)
            loop.run_until_complete(runner.setup())
            site = web.TCPSite(runner, "127.0.0.1", self.port, reuse_address=True)
            loop.run_until_complete(site.start())
            ready.set()
            loop.run_forever()

        self._loop, self._runner = loop, runner
        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        assert ready.wait(10), "sink did not start"
        return self

    def stop(self) -> None:
        if self._loop is None or self._runner is None or self._thread is None:
            return
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()
        self._loop = self._runner = self._thread = None

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self._lock:
            got = len(self.received)
        raise AssertionError(f"sink received {got} events, expected {count} within {timeout} s")
