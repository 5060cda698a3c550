"""Client JSON → canonical node (mirrors the SDK's ``nodeFromJSON``), server values included.

Writes arrive as the user's JSON (an update) or the SDK's export format (a set); both
may hold arrays, ``.value``/``.priority`` pairs and ``{".sv": ...}`` placeholders.
Server values resolve against the data that was at the same location before the write,
as Firebase resolves them, so rules and listeners only ever see real values.
"""

from __future__ import annotations

import math
from typing import Any

from . import tree
from .errors import InvalidData
from .ordering import is_number
from .paths import MAX_DEPTH, MAX_KEY_BYTES, MAX_PATH_BYTES, key_bytes, too_deep, too_long
from .tree import PRIORITY, VALUE, Node

MAX_STRING_BYTES = 10 * 1024 * 1024
_SAFE_INT = 2**53
_BAD_KEY_CHARS = frozenset(".$#[]/\x7f") | {chr(c) for c in range(32)}


def _number(v: int | float) -> int | float:
    """JS-double semantics with ints kept as ints where a double is exact."""
    if isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise InvalidData("Invalid data; NaN and Infinity are not valid JSON numbers.")
        if v.is_integer() and abs(v) < _SAFE_INT:
            return int(v)
        return v
    if abs(v) > _SAFE_INT:
        return float(v)
    return v


def resolve_server_value(sv: Any, existing: Node, now: int) -> Any:
    """The value of ``{".sv": sv}`` given the node that was there before."""
    if sv == "timestamp":
        return now
    if isinstance(sv, dict) and set(sv) == {"increment"} and is_number(sv["increment"]):
        delta = sv["increment"]
        old = tree.leaf_value(existing) if tree.is_leaf(existing) else None
        if is_number(old):
            return _number(old + delta)
        return _number(delta)
    raise InvalidData(f"Invalid data; unknown server value {sv!r}.")


def _check_string(value: str, what: str) -> None:
    if len(value) > MAX_STRING_BYTES // 4 and len(value.encode("utf-8")) > MAX_STRING_BYTES:
        raise InvalidData(f"Invalid data; {what} limited to 10 MB.")


def normalize_priority(value: Any, existing: Node, now: int) -> Any:
    """A valid priority, server values resolved.

    The JS SDK's ``isValidPriority``: a string, a finite number, a server value or null
    (never a boolean or an object). A string priority is data like any string leaf, so
    Firebase's 10 MB string limit applies (``validateFirebaseData``'s ``MAX_LEAF_SIZE_``).
    """
    if isinstance(value, dict) and ".sv" in value:
        value = resolve_server_value(value[".sv"], tree.priority(existing), now)
    if value is None:
        return value
    if isinstance(value, str):
        _check_string(value, "priorities are strings")
        return value
    if is_number(value):
        return _number(value)
    raise InvalidData(
        "Invalid data; a priority must be a valid Firebase priority "
        "(a string, finite number, server value, or null)."
    )


def _bad_key(key: str) -> str | None:
    """Why ``key`` is not a valid Firebase key, or None."""
    if not key or not _BAD_KEY_CHARS.isdisjoint(key):
        return 'Keys must be non-empty strings and can\'t contain ".", "#", "$", "/", "[", or "]"'
    if key_bytes(key) > MAX_KEY_BYTES:
        return f"Keys are limited to {MAX_KEY_BYTES} bytes"
    return None


def normalize(
    value: Any, existing: Node = None, now: int = 0, depth: int = 0, nbytes: int | None = None
) -> Node:
    """The canonical node for ``value``; raises :class:`InvalidData` on what Firebase refuses.

    ``depth`` is the length of the path ``value`` is written at and ``nbytes`` that path's
    length in bytes (``paths.path_bytes``): the whole path of every stored node (location
    plus nesting) must stay within 32 keys and 768 bytes, or the SDK could not address it.
    ``nbytes`` None checks depth only (for callers that do not know the location).
    """
    if depth > MAX_DEPTH:
        raise InvalidData(f"Invalid data; data at depth {depth}: {too_deep()}")
    if nbytes is not None and nbytes > MAX_PATH_BYTES:
        raise InvalidData(f"Invalid data; the location {too_long(nbytes)}")
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        _check_string(value, "string values are")
        return value
    if isinstance(value, list):
        value = {str(i): v for i, v in enumerate(value)}
    if not isinstance(value, dict):
        raise InvalidData(f"Invalid data; unsupported value {value!r}.")
    if ".sv" in value:
        return resolve_server_value(value[".sv"], existing, now)
    prio = None
    if PRIORITY in value:
        prio = normalize_priority(value[PRIORITY], existing, now)
    if VALUE in value and value[VALUE] is not None:
        inner = value[VALUE]
        node = normalize(inner, existing, now, depth, nbytes)
        return tree.with_priority(node, prio) if node is not None else None
    out: dict[str, Node] = {}
    for key, kid in value.items():
        if not isinstance(key, str):
            raise InvalidData("Invalid data; keys must be strings.")
        if key.startswith("."):
            continue
        why = _bad_key(key)
        if why is not None:
            shown = key if len(key) <= 100 else key[:100] + "..."
            raise InvalidData(
                "Invalid data; couldn't parse JSON object. "
                f"Are you sending a JSON object with valid key names? ({why}: {shown!r})"
            )
        kid_bytes = None
        if nbytes is not None:
            kid_bytes = nbytes + key_bytes(key) + (1 if depth else 0)
            if kid_bytes > MAX_PATH_BYTES:
                raise InvalidData(f"Invalid data; data at key {key[:100]!r} {too_long(kid_bytes)}")
        node = normalize(kid, tree.child(existing, key), now, depth + 1, kid_bytes)
        if node is not None:
            out[key] = node
    if not out:
        return None
    if prio is not None:
        out[PRIORITY] = prio
    return out
