"""Push IDs for ``POST``: the keys the SDK's ``push()`` makes, so both sort alike.

The algorithm is the SDK's ``nextPushId`` (``node_modules/@firebase/database/dist/
index.esm.js``): 8 characters of milliseconds, then 12 random ones, incremented instead of
redrawn within one millisecond so keys made in the same millisecond still sort in order.
"""

from __future__ import annotations

import secrets
import time

_PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


class PushIds:
    """Chronologically sortable 20-character keys (one generator per server)."""

    def __init__(self) -> None:
        self._last_ms = -1
        self._rand = [0] * 12

    def next(self) -> str:
        now = int(time.time() * 1000)
        if now == self._last_ms:
            i = 11
            while i >= 0 and self._rand[i] == 63:
                self._rand[i] = 0
                i -= 1
            if i >= 0:
                self._rand[i] += 1
        else:
            self._rand = [secrets.randbelow(64) for _ in range(12)]
        self._last_ms = now
        stamp = []
        for _ in range(8):
            stamp.append(_PUSH_CHARS[now % 64])
            now //= 64
        return "".join(reversed(stamp)) + "".join(_PUSH_CHARS[r] for r in self._rand)
