"""Delivering function triggers' events to the Functions emulator (aiohttp client).

Google's database emulator posts each event to the Functions emulator's background route,
``POST http://<functions host>:<port>/functions/projects/<project>/triggers/<trigger key>``;
this adapter does the same with the CloudEvents :mod:`rtdb.core.triggers` makes:

* The writer never waits for a function: events are queued during the commit and sent by
  a background task per trigger (so each trigger sees its events in commit order), and
  only once the write is durable, i.e. acknowledged.
* An unreachable emulator (refused, reset, timed out) is retried with exponential backoff
  for as long as it takes; a 5xx/429 answer is retried ``HTTP_ATTEMPTS`` times (a function
  that raises on an event would otherwise block its trigger forever), then dropped, logged.
  A 404 is retried for ``NOT_FOUND_GRACE`` seconds, because firebase-tools answers 404
  while a (re)started emulator is still loading functions; a trigger still unknown after
  that is gone (a reload gave it a new key and firebase-tools never removes old ones): it
  is unregistered, its events dropped, logged. Queues are bounded per trigger; an event
  over the bound is dropped, logged.
* With ``--data`` the queue is durable (:mod:`.triggers_store`): a restart resends every
  event not yet delivered, with the same id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from urllib.parse import quote

import aiohttp

from ..core.database import Commit, Database
from ..core.namespaces import Namespaces
from ..core.trigger_delivery import (
    BACKOFF_FIRST,
    BACKOFF_MAX,
    MAX_QUEUE,
    NOT_FOUND_GRACE,
    Attempts,
    Backlog,
    Verdict,
)
from ..core.triggers import (
    EventMaker,
    Trigger,
    TriggerError,
    TriggerEvent,
    TriggerRegistry,
    parse_trigger,
)
from .outbox import Durability, NoDurability
from .triggers_store import TriggerStore

log = logging.getLogger("rtdb.triggers")

CONTENT_TYPE = "application/cloudevents+json; charset=utf-8"
REQUEST_TIMEOUT = 70.0  # a function's default timeout is 60 s
SINGLE_PROJECT_MODES = ("warning", "error", "none")


@dataclass
class _Pending:
    event: TriggerEvent
    seq: int  # the journal position that makes the write behind it durable


@dataclass
class _Queue:
    items: Backlog[_Pending] = field(default_factory=Backlog)
    task: asyncio.Task[None] | None = None


class TriggerService:
    """Registered triggers, the events commits make for them, and their delivery."""

    def __init__(self, namespaces: Namespaces) -> None:
        self.namespaces = namespaces
        self.registry = TriggerRegistry()
        self.maker = EventMaker(self.registry, "127.0.0.1:9000")
        self.functions: str | None = None  # "host:port" of the Functions emulator
        self.single_project_mode = "none"
        self.max_queue = MAX_QUEUE
        self.backoff = (BACKOFF_FIRST, BACKOFF_MAX)
        self.not_found_grace = NOT_FOUND_GRACE
        self.durability: Durability = NoDurability()
        self.store: TriggerStore | None = None
        self.delivered = 0
        self.dropped = 0
        self._queues: dict[str, _Queue] = {}
        self._session: aiohttp.ClientSession | None = None
        self._closing = False
        namespaces.on_create.append(self._sync)

    def configure(
        self,
        db_host: str,
        functions_host: str | None = None,
        functions_port: int | None = None,
        single_project_mode: str | None = None,
        max_queue: int = MAX_QUEUE,
        backoff: tuple[float, float] = (BACKOFF_FIRST, BACKOFF_MAX),
        not_found_grace: float = NOT_FOUND_GRACE,
    ) -> None:
        """Set what ``python -m rtdb``'s flags say (before :meth:`start`)."""
        self.not_found_grace = not_found_grace
        self.maker.host = db_host
        if functions_port is not None:
            self.functions = f"{functions_host or '127.0.0.1'}:{functions_port}"
        self.single_project_mode = (single_project_mode or "none").lower()
        self.max_queue = max_queue
        self.backoff = backoff

    async def start(self, durability: Durability, store: TriggerStore | None = None) -> None:
        """Restore registered triggers and undelivered events, then resume delivering."""
        self.durability = durability
        self.store = store
        if store is None:
            return
        for body in store.load_triggers():
            try:
                self.registry.upsert(parse_trigger(body))
            except TriggerError as exc:
                log.error("rtdb: a saved trigger no longer loads (%s): %s", exc.message, body)
        for record in store.load_events():
            event = TriggerEvent(
                record["trigger"], record["project"], record["key"], record["body"]
            )
            self._queue_for(event.trigger).items.restore(_Pending(event, 0))
        store.start()
        for db in self.namespaces:
            self._sync(db)
        pending = sum(len(q.items) for q in self._queues.values())
        if self.registry or pending:
            log.info(
                "rtdb: %d function triggers restored, %d undelivered events queued",
                len(self.registry),
                pending,
            )
        for name in list(self._queues):
            self._kick(name)

    async def close(self) -> None:
        """Stop delivering (what is queued stays in the store for the next start)."""
        self._closing = True
        tasks = [q.task for q in self._queues.values() if q.task is not None]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._session is not None:
            await self._session.close()
        if self.store is not None:
            await self.store.close()

    # -- registration ----------------------------------------------------------------

    async def register(self, triggers: list[Trigger]) -> None:
        """Upsert by name; in single project mode, warn about (or refuse) a second project."""
        projects = {t.project for t in self.registry.all()} | {t.project for t in triggers}
        if len(projects) > 1 and self.single_project_mode != "none":
            message = (
                "Single project mode: triggers belong to more than one project "
                f"({', '.join(sorted(projects))}); this emulator serves one project."
            )
            if self.single_project_mode == "error":
                raise TriggerError(message)
            log.warning("rtdb: %s", message)
        for trigger in triggers:
            self.registry.upsert(trigger)
            log.info(
                "rtdb: function trigger %s: %s at %s (instances %s)",
                trigger.key,
                trigger.event.rsplit(".", 1)[1],
                "/" + trigger.path,
                trigger.namespace_pattern,
            )
        if self.functions is None:
            log.warning(
                "rtdb: no --functions_emulator_port was given: triggers are registered, "
                "but no events will be sent"
            )
        for db in self.namespaces:
            self._sync(db)
        if self.store is not None:
            await self.store.save_triggers(t.to_json() for t in self.registry.all())

    def _sync(self, db: Database) -> None:
        """Observe a namespace's commits only while some trigger serves it (else zero cost)."""
        wanted = self.functions is not None and bool(self.registry.for_namespace(db.name))
        if wanted and self._observe not in db.observers:
            db.observers.append(self._observe)
        elif not wanted and self._observe in db.observers:
            db.observers.remove(self._observe)

    # -- events ----------------------------------------------------------------------

    def _observe(self, commit: Commit) -> None:
        """Runs inside the commit: make the events, queue them, never wait."""
        events, over = self.maker.events(commit)
        if over:
            self.dropped += over
            log.warning(
                "rtdb: a write in %s touched more trigger locations than one commit may fire "
                "(%d); at least %d events were dropped",
                commit.ns,
                len(events) + over,
                over,
            )
        seq = self.durability.last_seq
        for event in events:
            queue = self._queue_for(event.trigger)
            if not queue.items.offer(_Pending(event, seq), self.max_queue):
                self.dropped += 1
                log.warning(
                    "rtdb: the queue of trigger %s is full (%d events): "
                    "dropped event %s (%s at /%s)",
                    event.key,
                    self.max_queue,
                    event.body["id"],
                    event.body["type"].rsplit(".", 1)[1],
                    event.body["ref"],
                )
                continue
            if self.store is not None:
                self.store.add(
                    {
                        "id": event.body["id"],
                        "trigger": event.trigger,
                        "project": event.project,
                        "key": event.key,
                        "body": event.body,
                    }
                )
            self._kick(event.trigger)

    def _queue_for(self, name: str) -> _Queue:
        queue = self._queues.get(name)
        if queue is None:
            queue = self._queues[name] = _Queue()
        return queue

    def _kick(self, name: str) -> None:
        queue = self._queues[name]
        if queue.task is None and queue.items and not self._closing:
            loop = asyncio.get_running_loop()
            queue.task = loop.create_task(self._drain(name, queue), name=f"trigger {name}")

    async def _drain(self, name: str, queue: _Queue) -> None:
        try:
            while queue.items:
                item = queue.items.first()
                try:
                    await self.durability.wait(item.seq)
                except Exception as exc:  # the journal failed: the write may not survive
                    log.error(
                        "rtdb: trigger %s stops delivering: its writes are not durable (%s); "
                        "%d events stay queued",
                        item.event.key,
                        exc,
                        len(queue.items),
                    )
                    return
                outcome = await self._deliver(item.event)
                if outcome == "gone":
                    self._forget(name, queue)
                    return
                queue.items.pop_first()
                if self.store is not None:
                    self.store.done(item.event.body["id"])
        finally:
            queue.task = None
        if not queue.items:
            self._queues.pop(name, None)

    def _forget(self, name: str, queue: _Queue) -> None:
        """The emulator no longer knows this trigger: unregister it and drop its events."""
        trigger = self.registry.remove(name)
        for db in self.namespaces:
            self._sync(db)
        ids = [item.event.body["id"] for item in queue.items]
        self.dropped += len(ids)
        log.warning(
            "rtdb: the Functions emulator answered 404 for trigger %s (it was reloaded or "
            "removed): unregistered it and dropped its %d queued events (%s)",
            trigger.key if trigger else name,
            len(ids),
            ", ".join(ids[:5]) + (" ..." if len(ids) > 5 else ""),
        )
        queue.items.clear()
        if self.store is not None:
            for event_id in ids:
                self.store.done(event_id)
            asyncio.get_running_loop().create_task(
                self.store.save_triggers(t.to_json() for t in self.registry.all())
            )
        self._queues.pop(name, None)

    async def _deliver(self, event: TriggerEvent) -> str:
        """POST until delivered ("ok"), given up ("dropped") or unknown to the emulator."""
        body = json.dumps(event.body, ensure_ascii=False, separators=(",", ":")).encode()
        event_id = event.body["id"]
        attempts = Attempts(self.not_found_grace)
        while True:
            url = (
                f"http://{self.functions}/functions/projects/{quote(event.project, safe='')}"
                f"/triggers/{quote(event.key, safe='')}"
            )
            status, detail = await self._post(url, body)
            verdict = attempts.answer(status, asyncio.get_running_loop().time())
            if verdict is Verdict.DELIVERED:
                self.delivered += 1
                if attempts.attempt:
                    log.info(
                        "rtdb: event %s reached trigger %s after %d retries",
                        event_id,
                        event.key,
                        attempts.attempt,
                    )
                return "ok"
            if verdict is Verdict.GONE:
                return "gone"
            if verdict is Verdict.REFUSED:
                self.dropped += 1
                log.error(
                    "rtdb: trigger %s refused event %s with %d (%s): dropped",
                    event.key,
                    event_id,
                    status,
                    detail,
                )
                return "dropped"
            if verdict is Verdict.FAILED:
                self.dropped += 1
                log.error(
                    "rtdb: trigger %s failed event %s %d times (last: %d %s): dropped",
                    event.key,
                    event_id,
                    attempts.failures,
                    status,
                    detail,
                )
                return "dropped"
            if attempts.attempt == 0 or attempts.attempt % 10 == 0:
                log.warning(
                    "rtdb: could not deliver event %s to trigger %s at %s (%s); retrying",
                    event_id,
                    event.key,
                    self.functions,
                    detail,
                )
            await asyncio.sleep(attempts.next_delay(*self.backoff))

    async def _post(self, url: str, body: bytes) -> tuple[int | None, str]:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=16),
                timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT),
                trust_env=False,
            )
        try:
            async with self._session.post(
                url, data=body, headers={"Content-Type": CONTENT_TYPE}
            ) as resp:
                text = await resp.text(errors="replace")
                return resp.status, text[:200].strip() or resp.reason or ""
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__

    def stats(self) -> dict[str, int]:
        return {
            "queued": sum(len(q.items) for q in self._queues.values()),
            "delivered": self.delivered,
            "dropped": self.dropped,
        }
