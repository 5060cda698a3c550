"""The real server application on a real loopback socket, but inside the test process.

For what a subprocess hides: tests that must look at the server's state (are a closed
stream's listeners gone?) or shorten a timer (SSE keep-alives every 0.2 s instead of 30 s
so that firebase-admin's ``ListenerRegistration.close()``, which blocks until the next
event arrives, returns quickly).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

from aiohttp import web

from rtdb.server import ServerState, create_app
from tools.testing.ports import free_port

T = TypeVar("T")


@dataclass
class InprocServer:
    state: ServerState
    port: int
    loop: asyncio.AbstractEventLoop

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the server's loop (server state is only touched there)."""

        async def run() -> T:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def listener_count(self, ns: str) -> int:
        return self.call(lambda: self.state.namespaces.get(ns).listeners.count)


@contextmanager
def inproc_server(config: dict[web.AppKey[Any], Any] | None = None) -> Iterator[InprocServer]:
    """The server on a free port, on its own loop in a daemon thread; ``config`` sets app keys."""
    state = ServerState()
    app = create_app(state)
    for key, value in (config or {}).items():
        app[key] = value
    port = free_port()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2)
    ready = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", port).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert ready.wait(10), "in-process server did not start"
    try:
        yield InprocServer(state, port, loop)
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
