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


# A consumer whose unsent messages pass this many bytes is too far behind: it is
# disconnected (as Firebase drops a client that cannot keep up) and its queue freed.
# The batch being written is not counted, so one message of any size (the first data of
# a big listen) still goes out; the backlog is what piles up behind it.
MAX_BACKLOG_BYTES = 8 * 1024 * 1024


class Outbox:
    """Queue messages now; a writer task sends them in order once they are durable.

    ``overflow`` is called (once) when the backlog passes :data:`MAX_BACKLOG_BYTES`; it
    should drop the connection. The outbox closes itself and forgets the backlog.
    """

    def __init__(
        self,
        durability: Durability,
        send: Callable[[list[str]], Awaitable[None]],
        overflow: Callable[[], object] = lambda: None,
    ) -> None:
        self._durability = durability
        self._send = send
        self._overflow = overflow
        self._items: list[tuple[int, str]] = []
        self._backlog = 0
        self._wake = asyncio.Event()
        self._closed = False
        self.overflowed = False
        self.task: asyncio.Task[None] | None = None

    def put(self, message: dict[str, Any]) -> None:
        if self._closed:
            return
        text = encode(message)
        # Control messages (pongs) reveal no data: they need not wait for the journal.
        seq = 0 if message.get("t") == "c" else self._durability.last_seq
        self._items.append((seq, text))
        self._backlog += len(text)
        if self._backlog > MAX_BACKLOG_BYTES and len(self._items) > 1:
            self._drop()
            return
        self._wake.set()

    def _drop(self) -> None:
        """Too far behind: free the backlog, stop writing, and have the transport hang up."""
        self.overflowed = True
        self._closed = True
        self._items, self._backlog = [], 0
        if self.task is not None:
            self.task.cancel()
        self._overflow()

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
            batch, self._items, self._backlog = self._items, [], 0
            await self._durability.wait(max(seq for seq, _ in batch))
            await self._send([text for _, text in batch])

    async def close(self, flush: bool = True) -> None:
        self._closed = True
        self._wake.set()
        if self.task is not None:
            if not flush:
                self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionError, RuntimeError):
                await self.task
