"""Group commit: the Durability the transports wait on before acknowledging anything.

``append`` (called synchronously by the core for every write) only queues the record and
bumps ``last_seq``. A single flusher task takes everything queued during the current
event-loop turn (plus whatever piled up while the previous fsync ran), writes and fsyncs
it in a worker thread, then advances ``durable_seq`` and wakes every waiter at once. One
fsync thus covers as many writes as arrive while the disk is busy, which is what keeps
1,000 acknowledged writes/s cheap.

Compaction: once the journal outgrows ``compact_bytes`` the flusher starts a new journal
generation at a batch boundary, captures every namespace's root at that exact point (free:
trees are immutable) and writes the snapshot in another thread while writes continue.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from . import codec
from .datadir import DataDir

log = logging.getLogger("rtdb.storage")

DEFAULT_COMPACT_BYTES = 64 * 1024 * 1024


class JournalFailed(RuntimeError):
    """The disk refused a write: nothing after it may be acknowledged."""


class GroupCommitJournal:
    """Implements the transports' ``Durability`` protocol on top of a ``DataDir``."""

    def __init__(
        self,
        datadir: DataDir,
        capture: Callable[[], dict[str, Any]],
        compact_bytes: int = DEFAULT_COMPACT_BYTES,
    ) -> None:
        self.datadir = datadir
        self.last_seq = 0
        self.durable_seq = 0
        self.batches = 0
        self._capture = capture
        self._compact_bytes = compact_bytes
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._pending_future: asyncio.Future[None] | None = None
        self._flight_future: asyncio.Future[None] | None = None
        self._flight_end = 0
        self._wake = asyncio.Event()
        self._closing = False
        self._failed: BaseException | None = None
        self._want_snapshot = False
        self._snapshot_task: asyncio.Task[None] | None = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="rtdb-journal")
        self._snapshotter = ThreadPoolExecutor(1, thread_name_prefix="rtdb-snapshot")
        self._task: asyncio.Task[None] | None = None

    # -- Durability ------------------------------------------------------------------

    def append(self, ns: str, record: dict[str, Any]) -> None:
        """Queue one resolved write of namespace ``ns``; it is durable once ``wait`` says so."""
        self._pending.append((ns, record))
        self.last_seq += 1
        self._wake.set()

    async def wait(self, seq: int) -> None:
        """Return once every record up to ``seq`` is on disk (fsync'd)."""
        if seq <= self.durable_seq:
            return
        if self._failed is not None:
            raise JournalFailed(str(self._failed))
        if seq <= self._flight_end:  # a flush covering ``seq`` is running
            if self._flight_future is None:
                self._flight_future = asyncio.get_running_loop().create_future()
            fut = self._flight_future
        else:
            if self._pending_future is None:
                self._pending_future = asyncio.get_running_loop().create_future()
            fut = self._pending_future
        await asyncio.shield(fut)

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="rtdb-journal")

    async def close(self, snapshot: bool = True) -> None:
        """Flush everything, optionally snapshot (a fast next start), release the files."""
        if snapshot:
            self._want_snapshot = True
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._snapshot_task is not None:
            await self._snapshot_task
        journal = self.datadir.journal
        if snapshot and self._failed is None and journal is not None and journal.size:
            await self._snapshot_now()
        self._writer.shutdown()
        self._snapshotter.shutdown()

    # -- the flusher -----------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._pending:
                await self._flush()
            if self._failed is not None or (self._closing and not self._pending):
                return
            if self._want_snapshot and self._snapshot_task is None and not self._closing:
                await self._flush(rotate=True)

    async def _flush(self, rotate: bool = False) -> None:
        batch, self._pending = self._pending, []
        end = self.last_seq
        self._flight_future, self._pending_future = self._pending_future, None
        self._flight_end = end
        journal = self.datadir.journal
        assert journal is not None
        rotate = rotate or (journal.size >= self._compact_bytes and self._snapshot_task is None)
        roots, gen = None, 0
        if rotate and not self._closing:
            roots = self._capture()  # the state after exactly the records up to ``end``
            gen = self.datadir.rotate()  # later batches go to the new generation
        loop = asyncio.get_running_loop()
        # Encoded in the writer thread, in pieces (``codec.dumps_in_pieces``): a 16 MB
        # update's record would otherwise hold the event loop for its whole encoding.
        try:
            await loop.run_in_executor(self._writer, _write, journal, batch, roots is not None)
        except BaseException as exc:
            self._fail(exc)
            return
        self.batches += 1
        self.durable_seq = end
        fut, self._flight_future = self._flight_future, None
        if fut is not None and not fut.done():
            fut.set_result(None)
        if roots is not None:
            self._want_snapshot = False
            self._snapshot_task = loop.create_task(self._snapshot(gen, roots))

    def _fail(self, exc: BaseException) -> None:
        log.critical("rtdb: journal write failed, no further write will be acknowledged: %r", exc)
        self._failed = exc
        for fut in (self._flight_future, self._pending_future):
            if fut is not None and not fut.done():
                fut.set_exception(JournalFailed(repr(exc)))

    async def _snapshot(self, gen: int, roots: dict[str, Any]) -> None:
        started = time.monotonic()
        loop = asyncio.get_running_loop()
        try:
            await loop.run_in_executor(self._snapshotter, self.datadir.write_snapshot, gen, roots)
            log.info("rtdb: snapshot %d written in %.3f s", gen, time.monotonic() - started)
        except Exception:
            log.exception("rtdb: snapshot %d failed; the journal still holds everything", gen)
        finally:
            self._snapshot_task = None

    async def _snapshot_now(self) -> None:
        """At shutdown, once nothing can be appended: rotate and snapshot synchronously."""
        old = self.datadir.journal
        roots = self._capture()
        gen = self.datadir.rotate()
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._writer, _write, old, b"", True)
        await loop.run_in_executor(self._writer, _write, self.datadir.journal, b"", False)
        await loop.run_in_executor(self._snapshotter, self.datadir.write_snapshot, gen, roots)


def _write(journal: Any, batch: list[tuple[str, dict[str, Any]]] | bytes, last: bool) -> None:
    """Runs in the writer thread: encode, append and fsync one batch."""
    if not isinstance(batch, bytes):
        batch = b"".join(
            [
                record.line if type(record) is codec.Encoded else codec.encode({"ns": ns, **record})
                for ns, record in batch
            ]
        )
    journal.write([batch])
    if last:  # the generation was rotated away: nothing more goes to this file
        journal.close()
