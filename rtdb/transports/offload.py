"""Heavy request work off the event loop: big bodies are parsed and writes prepared in a
worker thread, so one client's 100 MB write never stalls everyone else's pushes.

Why a thread helps although Python has a GIL: the loop thread gets the GIL back at least
every switch interval (``python -m rtdb`` sets 0.5 ms) whenever the worker runs Python
code. The JSON decoder is C code that would keep the GIL for a whole body, so big bodies
are decoded with a Python-level object hook, which gives the loop a turn between objects.

One worker thread for the whole server: hostile requests queue behind each other instead
of multiplying their CPU share. A prepared write commits on the loop only if the tree and
rules are still the ones it was prepared against (the tree is immutable, so that is an
identity check); otherwise it is prepared again.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import gc
import json
import logging
import queue
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from ..core.database import Conflict, Database, PreparedWrite, Push
from ..storage.codec import dumps_in_pieces, pre_encode

log = logging.getLogger("rtdb.offload")

T = TypeVar("T")

# Bodies and messages above this many bytes/characters take the worker thread: below it,
# the thread handoff costs more than the work (a 64 KB body parses in well under 1 ms).
BIG = 64 * 1024
_RETRIES = 3


class _Worker:
    """One daemon thread: unlike a ThreadPoolExecutor's, interpreter exit never waits for
    it, so SIGTERM stops the server at once even in the middle of a 100 MB prepare (its
    write was not acknowledged, so dropping it loses nothing)."""

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None

    def submit(self, fn: Callable[..., T], *args: Any) -> asyncio.Future[T]:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[T] = loop.create_future()

        def settle(ok: bool, value: Any) -> None:
            if not fut.done():
                (fut.set_result if ok else fut.set_exception)(value)

        def job() -> None:
            try:
                result: Any = fn(*args)
                ok = True
            except BaseException as exc:  # handed to the awaiting request
                result, ok = exc, False
            with contextlib.suppress(RuntimeError):  # the loop already closed
                loop.call_soon_threadsafe(settle, ok, result)

        self._jobs.put(job)
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="rtdb-offload", daemon=True)
            self._thread.start()
        return fut

    def _run(self) -> None:
        while True:
            self._jobs.get()()


_worker = _Worker()
_busy = 0


async def run(fn: Callable[..., T], *args: Any) -> T:
    """``fn(*args)`` in the worker thread, with the cyclic GC paused meanwhile.

    A big body allocates millions of objects; a full collection triggered half-way would
    scan them all in one stop-the-world pause, loop included. The data tree holds no
    cycles, so nothing is lost by collecting afterwards.
    """
    global _busy
    _busy += 1
    if _busy == 1:
        gc.disable()
    try:
        return await _worker.submit(fn, *args)
    finally:
        _busy -= 1
        if _busy == 0:
            gc.enable()
            _worker.submit(_trim)


def _trim() -> None:
    """Hand freed heap back to the system: a refused 50 MB body leaves hundreds of MB of
    freed objects that glibc would otherwise keep mapped for good."""
    global _libc
    if _libc is None:
        try:
            _libc = ctypes.CDLL("libc.so.6")
        except OSError:
            _libc = False
    if _libc:
        _libc.malloc_trim(0)


_libc: Any = None
_tasks: set[asyncio.Task[Any]] = set()


def spawn(coro: Coroutine[Any, Any, Any]) -> None:
    """Run ``coro`` as a task (kept referenced until it ends)."""
    task = asyncio.get_running_loop().create_task(coro)
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def write(db: Database, prepare: Callable[[], PreparedWrite | None]) -> list[Push]:
    """Prepare a write off the loop and commit it on the loop; the pushes it causes."""

    def prepare_and_encode() -> PreparedWrite | None:
        prepared = prepare()
        if prepared is not None and db.journal is not None:
            prepared.record = pre_encode(db.name, prepared.record)  # the journal line too
        return prepared

    for _ in range(_RETRIES):
        try:
            prepared = await run(prepare_and_encode)
            if prepared is None:
                return []
            pushes = db.commit(prepared)
            # Its path list and maps hold as many objects as the write had keys: let the
            # worker free them (and not the loop, a pause as long as building them).
            holder = [prepared]
            del prepared
            _worker.submit(holder.clear)
            return pushes
        except Conflict:
            continue  # another write landed meanwhile: prepare against the new tree
    log.warning("rtdb: a large write raced %d others; committing it on the loop", _RETRIES)
    prepared = prepare()
    return [] if prepared is None else db.commit(prepared)


def pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``object_pairs_hook`` for decoders in the worker."""
    return dict(pairs)  # Python code between objects: the loop's chance to take the GIL


dumps = dumps_in_pieces  # compact JSON that lets the loop run meanwhile


def loads(text: str | bytes, **kwargs: Any) -> Any:
    """``json.loads`` that lets the loop run between objects (call it in the worker)."""
    return json.loads(text, object_pairs_hook=pairs, **kwargs)
