"""Message framing of protocol v5, as the JS SDK's ``WebSocketConnection`` does it
(``node_modules/@firebase/database/dist/index.esm.js``).

A message over 16384 characters travels as a frame holding the segment count, then the
segments; ``"0"`` alone is the client's keepalive.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_FRAME = 16384
# The answer to the client's keepalive ping (``{"t":"c","d":{"t":"p"}}``): ``CONTROL_PONG``,
# which ``Connection.onControl_`` in the SDK bundle reads.
PONG = {"t": "c", "d": {"t": "o", "d": {}}}


def encode(message: dict[str, Any]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def split(text: str) -> list[str]:
    """The frames for one outgoing message."""
    if len(text) <= MAX_FRAME:
        return [text]
    chunks = [text[i : i + MAX_FRAME] for i in range(0, len(text), MAX_FRAME)]
    return [str(len(chunks)), *chunks]


class FrameError(ValueError):
    """A frame sequence that is not valid protocol v5.

    ``request`` is the ``r`` of a message refused for its size, when its first frame
    names one, so the client's request can be answered instead of left hanging.
    """

    def __init__(self, message: str, request: int | None = None) -> None:
        super().__init__(message)
        self.request = request


# Firebase refuses realtime writes over 16 MB and no other message comes near that, so a
# message of more characters (each at least one UTF-8 byte) is refused unassembled.
MAX_MESSAGE_CHARS = 16 * 1024 * 1024
_REQUEST_NUMBER = re.compile(r'"r"\s*:\s*(\d{1,15})\b')


def _request_number(head: str) -> int | None:
    match = _REQUEST_NUMBER.search(head[:256])
    return int(match.group(1)) if match else None


class Reassembler:
    """Turns incoming frames back into whole messages (texts), ignoring keepalives.

    A message over ``max_message`` characters is not kept: its remaining frames are
    counted and dropped, and it ends as a :class:`FrameError` naming its request.
    """

    def __init__(self, max_message: int = MAX_MESSAGE_CHARS) -> None:
        self._remaining = 0
        self._parts: list[str] = []
        self._size = 0
        self._max = max_message
        self._head: str | None = None  # set while dropping an oversized message

    def feed(self, frame: str) -> str | None:
        """The whole message once ``frame`` completes one, else None."""
        if self._remaining:
            self._remaining -= 1
            if self._head is None:
                self._size += len(frame)
                if self._size > self._max:
                    self._head = (self._parts or [frame])[0][:256]
                    self._parts = []
                else:
                    self._parts.append(frame)
            if self._remaining:
                return None
            if self._head is not None:
                head, self._head, self._size = self._head, None, 0
                raise FrameError("message too large", _request_number(head))
            text = "".join(self._parts)
            self._parts, self._size = [], 0
            return text
        if len(frame) <= 6 and frame.isdigit():
            count = int(frame)
            if count > 0:
                self._remaining = count
            return None
        if len(frame) > self._max:
            raise FrameError("message too large", _request_number(frame))
        return frame
