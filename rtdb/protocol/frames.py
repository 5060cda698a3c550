"""Message framing of protocol v5 (``WebSocketConnection.ts``).

A message over 16384 characters travels as a frame holding the segment count, then the
segments; ``"0"`` alone is the client's keepalive.
"""

from __future__ import annotations

import json
from typing import Any

MAX_FRAME = 16384


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def split(text: str) -> list[str]:
    """The frames for one outgoing message."""
    if len(text) <= MAX_FRAME:
        return [text]
    chunks = [text[i : i + MAX_FRAME] for i in range(0, len(text), MAX_FRAME)]
    return [str(len(chunks)), *chunks]


class FrameError(ValueError):
    """A frame sequence that is not valid protocol v5."""


class Reassembler:
    """Turns incoming frames back into whole messages (texts), ignoring keepalives."""

    def __init__(self, max_message: int = 256 * 1024 * 1024) -> None:
        self._remaining = 0
        self._parts: list[str] = []
        self._size = 0
        self._max = max_message

    def feed(self, frame: str) -> str | None:
        """The whole message once ``frame`` completes one, else None."""
        if self._remaining:
            self._parts.append(frame)
            self._size += len(frame)
            if self._size > self._max:
                raise FrameError("message too large")
            self._remaining -= 1
            if self._remaining == 0:
                text = "".join(self._parts)
                self._parts, self._size = [], 0
                return text
            return None
        if len(frame) <= 6 and frame.isdigit():
            count = int(frame)
            if count > 0:
                self._remaining = count
            return None
        return frame
