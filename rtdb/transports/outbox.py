"""Ordered, durability-gated delivery of a connection's outgoing messages.

Messages are queued synchronously by the core (so their order is the order of causes)
and written by one task per connection; before writing, that task waits until the
journal has made durable everything those messages may reveal, so no client ever sees
(or is acknowledged) a write that a crash could lose.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from ..protocol.frames import encode


class Durability(Protocol):
    last_seq: int

    async def wait(self, seq: int) -> None: ...


class NoDurability:
    """For an in-memory server: everything is 'durable' at once."""

    last_seq = 0

    async def wait(self, seq: int) -> None:
        return None


class Outbox:
    """Queue messages now; a writer task sends them in order once they are durable."""

    def __init__(
        self, durability: Durability, send: Callable[[list[str]], Awaitable[None]]
    ) -> None:
        self._durability = durability
        self._send = send
        self._items: list[tuple[int, str]] = []
        self._wake = asyncio.Event()
        self._closed = False
        self.task: asyncio.Task[None] | None = None

    def put(self, message: dict[str, Any]) -> None:
        if self._closed:
            return
        self._items.append((self._durability.last_seq, encode(message)))
        self._wake.set()

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if not self._items:
                if self._closed:
                    return
                continue
            batch, self._items = self._items, []
            await self._durability.wait(batch[-1][0])
            await self._send([text for _, text in batch])

    async def close(self, flush: bool = True) -> None:
        self._closed = True
        self._wake.set()
        if self.task is not None:
            if not flush:
                self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError, RuntimeError):
                await self.task
