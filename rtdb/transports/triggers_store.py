"""The durable half of trigger delivery: ``<data>/triggers/`` survives restarts.

* ``registry.json``: the registered triggers, rewritten atomically on each registration
  (firebase-tools registers once, at its start, so a restarted database must remember).
* ``events.log``: checksummed lines (``rtdb.storage.codec``), ``{"add": event}`` when an
  event is queued and ``{"done": id}`` once it was delivered (or dropped, logged). Adds are
  group-committed and fsync'd; the server holds a write's acknowledgement until the adds
  it caused are on disk (:class:`GatedDurability`), so a crash after an acknowledged write
  never loses its events. A restart re-queues every add without a done, with its id, so a
  function can recognise a redelivery. The file is rewritten with only the pending events
  once it is mostly done records.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ..storage import codec
from ..storage.datadir import write_atomically
from .outbox import Durability

log = logging.getLogger("rtdb.triggers")

REGISTRY = "registry.json"
EVENTS = "events.log"
COMPACT_MIN_DEAD = 1024


class TriggerStore:
    """Pending events and registered triggers of one data directory."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.last_seq = 0  # adds queued
        self.durable_seq = 0  # adds on disk
        self._live: dict[str, dict[str, Any]] = {}
        self._dead = 0
        self._buffer: list[dict[str, Any]] = []
        self._wake = asyncio.Event()
        self._flushed = asyncio.Condition()
        self._closing = False
        self._failed = False
        self._io = ThreadPoolExecutor(1, thread_name_prefix="rtdb-triggers")
        self._file: Any = None
        self._task: asyncio.Task[None] | None = None

    # -- loading ---------------------------------------------------------------------

    def load_triggers(self) -> list[Any]:
        path = self.folder / REGISTRY
        if not path.exists():
            return []
        try:
            value = json.loads(path.read_text("utf-8"))
        except ValueError as exc:
            log.error("rtdb: %s is not JSON (%s); no triggers restored", path, exc)
            return []
        return value if isinstance(value, list) else []

    def load_events(self) -> list[dict[str, Any]]:
        """Every queued event not yet delivered, in queue order; cuts a torn tail."""
        path = self.folder / EVENTS
        if path.exists():
            decoded = codec.decode(path.read_bytes())
            for record in decoded.records:
                if "add" in record:
                    self._live[record["add"]["id"]] = record["add"]
                else:
                    self._live.pop(record.get("done"), None)
            if decoded.bad_bytes:
                log.warning(
                    "rtdb: dropped a torn tail of %d bytes from %s (%s)",
                    decoded.bad_bytes,
                    path,
                    decoded.reason,
                )
        # Start from a compact file holding exactly what is pending.
        write_atomically(path, b"".join(codec.encode({"add": r}) for r in self._live.values()))
        self._file = open(path, "ab")  # noqa: SIM115 - lives as long as the store
        return list(self._live.values())

    # -- writing ---------------------------------------------------------------------

    async def save_triggers(self, triggers: Iterable[dict[str, Any]]) -> None:
        data = json.dumps(list(triggers), indent=1).encode("utf-8")
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._io, write_atomically, self.folder / REGISTRY, data)

    def add(self, event: dict[str, Any]) -> None:
        """Queue an event record; durable once ``wait(last_seq)`` returns."""
        self._live[event["id"]] = event
        self._buffer.append({"add": event})
        self.last_seq += 1
        self._wake.set()

    def done(self, event_id: str) -> None:
        if self._live.pop(event_id, None) is not None:
            self._dead += 1
            self._buffer.append({"done": event_id})
            self._wake.set()

    async def wait(self, seq: int) -> None:
        if seq <= self.durable_seq or self._failed:
            return
        async with self._flushed:
            await self._flushed.wait_for(lambda: seq <= self.durable_seq or self._failed)

    # -- lifecycle -------------------------------------------------------------------

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="rtdb-triggers")

    async def close(self) -> None:
        self._closing = True
        self._wake.set()
        if self._task is not None:
            await self._task
        if self._file is not None:
            self._file.close()
        self._io.shutdown()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._failed:
                self._buffer.clear()
            if self._buffer:
                batch, self._buffer = self._buffer, []
                end = self.last_seq
                sync = any("add" in r for r in batch)
                compact = self._dead >= COMPACT_MIN_DEAD and self._dead > 2 * len(self._live)
                if compact:
                    self._dead = 0
                    batch = [{"add": r} for r in self._live.values()]
                data = b"".join(codec.encode(r) for r in batch)
                try:
                    await loop.run_in_executor(self._io, self._write, data, sync, compact)
                except OSError as exc:
                    self._failed = True
                    log.critical(
                        "rtdb: cannot write %s (%r): queued trigger events are kept in memory "
                        "only from now on; a restart would lose them",
                        self.folder / EVENTS,
                        exc,
                    )
                self.durable_seq = end
                async with self._flushed:
                    self._flushed.notify_all()
            if self._closing and not self._buffer:
                return

    def _write(self, data: bytes, sync: bool, compact: bool) -> None:
        """In the store's thread: append (or rewrite) and fsync when adds are in it."""
        path = self.folder / EVENTS
        if compact:
            self._file.close()
            write_atomically(path, data)
            self._file = open(path, "ab")  # noqa: SIM115
            return
        self._file.write(data)
        self._file.flush()
        if sync:
            os.fdatasync(self._file.fileno())


class GatedDurability:
    """The journal's durability, plus: the trigger events a write caused are on disk too."""

    def __init__(self, journal: Durability, store: TriggerStore) -> None:
        self._journal = journal
        self._store = store

    @property
    def last_seq(self) -> int:
        return self._journal.last_seq

    async def wait(self, seq: int) -> None:
        await self._journal.wait(seq)
        await self._store.wait(self._store.last_seq)
