"""How function-trigger events are retried and bounded, with no I/O.

:mod:`rtdb.transports.triggers` posts each event to the Functions emulator and asks
:class:`Attempts` what the answer means; each trigger's undelivered events wait in a
:class:`Backlog`. Kept apart from the aiohttp client so that the schedule (how long to
wait, when to give up) is tested directly (``tests/unit/core/test_trigger_delivery.py``).

* No answer (refused, reset, timed out): retried for as long as it takes.
* 5xx, 408 or 429: retried, dropped after ``HTTP_ATTEMPTS`` such answers (a function that
  raises on an event would otherwise block its trigger forever).
* 404: retried for ``NOT_FOUND_GRACE`` seconds (firebase-tools answers 404 while a restarted
  emulator is still loading functions), then the trigger is gone.
* Any other answer that is not 2xx: refused for good, dropped.
"""

from __future__ import annotations

import collections
import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

MAX_QUEUE = 10_000  # undelivered events per trigger
HTTP_ATTEMPTS = 12
BACKOFF_FIRST, BACKOFF_MAX = 0.1, 5.0
NOT_FOUND_GRACE = 60.0
# first * 2**attempt overflows a float from attempt 1024 on (an emulator down for ~1.4 h at
# 5 s a try); 2**1000 is past any cap already.
_MAX_DOUBLINGS = 1000

T = TypeVar("T")


def backoff(attempt: int, first: float = BACKOFF_FIRST, cap: float = BACKOFF_MAX) -> float:
    """Seconds to wait after failed attempt ``attempt`` (0-based): doubling, at most ``cap``."""
    return min(cap, first * 2 ** min(attempt, _MAX_DOUBLINGS))


class Verdict(enum.Enum):
    """What one answer of the Functions emulator means for the event."""

    DELIVERED = "delivered"
    RETRY = "retry"
    REFUSED = "refused"  # a 4xx (not 404/408/429) or other non-2xx: never retried
    FAILED = "failed"  # HTTP_ATTEMPTS answers of 5xx/408/429: dropped
    GONE = "gone"  # 404 for the whole grace: the trigger no longer exists


@dataclass
class Attempts:
    """One event's delivery so far; :meth:`answer` judges each HTTP status (None: no answer)."""

    not_found_grace: float = NOT_FOUND_GRACE
    max_failures: int = HTTP_ATTEMPTS
    attempt: int = 0  # answers that were not a success, so far
    failures: int = 0  # of which 5xx/408/429
    not_found_since: float | None = None  # the clock when the first 404 came

    def answer(self, status: int | None, now: float) -> Verdict:
        """The verdict on ``status`` received at ``now`` (seconds, any monotonic clock)."""
        if status is not None and 200 <= status < 300:
            return Verdict.DELIVERED
        if status == 404:
            if self.not_found_since is None:
                self.not_found_since = now
            if now - self.not_found_since >= self.not_found_grace:
                return Verdict.GONE
        elif status is not None and status not in (408, 429) and status < 500:
            return Verdict.REFUSED
        elif status is not None:
            self.failures += 1
            if self.failures >= self.max_failures:
                return Verdict.FAILED
        return Verdict.RETRY

    def next_delay(self, first: float, cap: float) -> float:
        """The wait before the next attempt; counts the attempt."""
        delay = backoff(self.attempt, first, cap)
        self.attempt += 1
        return delay


class Backlog(Generic[T]):
    """One trigger's undelivered events, oldest first; :meth:`offer` refuses past a bound."""

    def __init__(self) -> None:
        self._items: collections.deque[T] = collections.deque()

    def offer(self, item: T, bound: int) -> bool:
        """Queue ``item`` unless ``bound`` items already wait (then the caller drops it)."""
        if len(self._items) >= bound:
            return False
        self._items.append(item)
        return True

    def restore(self, item: T) -> None:
        """Queue an event the durable store kept: it was admitted once, it is never refused."""
        self._items.append(item)

    def first(self) -> T:
        return self._items[0]

    def pop_first(self) -> T:
        return self._items.popleft()

    def clear(self) -> None:
        self._items.clear()

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)
