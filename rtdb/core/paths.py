"""Paths and keys, validated with Firebase's limits.

Keys may not contain ``. $ # [ ] /`` or ASCII control characters, are at most 768 bytes,
and a path is at most 32 keys deep. ``.priority`` is allowed as the last key of a write
path (it sets a priority), as the SDK's ``setPriority`` sends it.
"""

from __future__ import annotations

import re

from .errors import InvalidPath
from .tree import PRIORITY, Path

MAX_DEPTH = 32
MAX_KEY_BYTES = 768
_BAD_KEY = re.compile(r"[.$#\[\]/\x00-\x1f\x7f]")


def is_valid_key(key: str) -> bool:
    return bool(key) and not _BAD_KEY.search(key) and len(key.encode("utf-8")) <= MAX_KEY_BYTES


def parse(text: str, *, allow_priority: bool = False) -> Path:
    """Split ``/a/b`` into ``("a", "b")``, refusing keys Firebase refuses."""
    keys = tuple(k for k in text.split("/") if k)
    for i, key in enumerate(keys):
        if allow_priority and key == PRIORITY and i == len(keys) - 1:
            continue
        if not is_valid_key(key):
            raise InvalidPath(f"Invalid path: Invalid token in path: {text!r}")
    if len(keys) > MAX_DEPTH:
        raise InvalidPath(f"Invalid path: path {text!r} is deeper than {MAX_DEPTH} levels")
    return keys


def to_str(path: Path) -> str:
    return "/" + "/".join(path)


def is_prefix(prefix: Path, path: Path) -> bool:
    """True when ``prefix`` is ``path`` or one of its ancestors."""
    return path[: len(prefix)] == prefix
