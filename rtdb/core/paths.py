"""Paths and keys, validated with Firebase's limits.

Keys may not contain ``. $ # [ ] /`` or ASCII control characters and are at most 768
UTF-8 bytes (Firebase's documented limits). A whole path is at most 32 keys deep and at
most 768 bytes long, counted as the JS SDK counts it (``ValidationPath`` and
``validationPathCheckValid`` in ``node_modules/@firebase/database/dist/index.esm.js``:
one byte per ``/`` plus the keys' UTF-8 bytes, against ``MAX_PATH_DEPTH``/
``MAX_PATH_LENGTH_BYTES``). The SDK refuses to address anything longer, so the server
refuses to store it: a node the official client cannot reach would
be unreadable, undeletable data. ``.priority`` is allowed as the last key of a write path
(it sets a priority), as the SDK's ``setPriority`` sends it.
"""

from __future__ import annotations

import re

from .errors import InvalidPath
from .tree import PRIORITY, Path

MAX_DEPTH = 32
MAX_KEY_BYTES = 768
MAX_PATH_BYTES = 768
_BAD_KEY = re.compile(r"[.$#\[\]/\x00-\x1f\x7f]")


def key_bytes(key: str) -> int:
    """The UTF-8 length of ``key`` (lone surrogates count as the 3 bytes JS would give)."""
    return len(key) if key.isascii() else len(key.encode("utf-8", "surrogatepass"))


def is_valid_key(key: str) -> bool:
    return bool(key) and not _BAD_KEY.search(key) and key_bytes(key) <= MAX_KEY_BYTES


def path_bytes(path: Path) -> int:
    """The path's length as the SDK measures it: ``/`` separators plus UTF-8 key bytes."""
    return max(1, len(path)) + sum(key_bytes(k) for k in path)


def too_long(nbytes: int) -> str:
    """Firebase's wording (the SDK's ``validationPathCheckValid``) for an over-long path."""
    return f"has a key path longer than {MAX_PATH_BYTES} bytes ({nbytes})."


def too_deep() -> str:
    return f"path specified exceeds the maximum depth that can be written ({MAX_DEPTH})."


def parse(text: str, *, allow_priority: bool = False) -> Path:
    """Split ``/a/b`` into ``("a", "b")``, refusing keys and paths Firebase refuses."""
    keys = tuple(k for k in text.split("/") if k)
    for i, key in enumerate(keys):
        if allow_priority and key == PRIORITY and i == len(keys) - 1:
            continue
        if not is_valid_key(key):
            raise InvalidPath(f"Invalid path: Invalid token in path: {_show(text)}")
    if len(keys) > MAX_DEPTH:
        raise InvalidPath(f"Invalid path: {_show(text)} {too_deep()}")
    nbytes = path_bytes(keys)
    if nbytes > MAX_PATH_BYTES:
        raise InvalidPath(f"Invalid path: {_show(text)} {too_long(nbytes)}")
    return keys


def _show(text: str) -> str:
    """The path for an error message, cut short: errors must stay small."""
    return repr(text if len(text) <= 100 else text[:100] + "...")


def wire_path(path: Path) -> str:
    """``a/b``: a path as the wire protocol and the journal spell it (no leading ``/``)."""
    return "/".join(path)


def is_prefix(prefix: Path, path: Path) -> bool:
    """True when ``prefix`` is ``path`` or one of its ancestors."""
    return path[: len(prefix)] == prefix
