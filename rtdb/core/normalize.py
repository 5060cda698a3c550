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
from .paths import MAX_DEPTH, is_valid_key
from .tree import PRIORITY, VALUE, Node

MAX_STRING_BYTES = 10 * 1024 * 1024
_SAFE_INT = 2**53


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


def normalize_priority(value: Any, existing: Node, now: int) -> Any:
    """A valid priority (number, string or None), server values resolved."""
    if isinstance(value, dict) and ".sv" in value:
        value = resolve_server_value(value[".sv"], tree.priority(existing), now)
    if value is None or isinstance(value, str):
        return value
    if is_number(value):
        return _number(value)
    raise InvalidData("Invalid data; priority must be a string, a number or null.")


def normalize(value: Any, existing: Node = None, now: int = 0, depth: int = 0) -> Node:
    """The canonical node for ``value``; raises :class:`InvalidData` on what Firebase refuses.

    ``depth`` is the length of the path ``value`` is written at: Firebase limits the whole
    path of every stored node (location plus nesting) to 32 keys.
    """
    if depth > MAX_DEPTH:
        raise InvalidData(f"Invalid data; data is nested deeper than {MAX_DEPTH} levels.")
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, str):
        if len(value) > MAX_STRING_BYTES // 4 and len(value.encode("utf-8")) > MAX_STRING_BYTES:
            raise InvalidData("Invalid data; string values are limited to 10 MB.")
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
        node = normalize(inner, existing, now, depth)
        return tree.with_priority(node, prio) if node is not None else None
    out: dict[str, Node] = {}
    for key, kid in value.items():
        if not isinstance(key, str):
            raise InvalidData("Invalid data; keys must be strings.")
        if key.startswith("."):
            continue
        if not is_valid_key(key):
            raise InvalidData(
                "Invalid data; couldn't parse JSON object. "
                f"Are you sending a JSON object with valid key names? (bad key {key!r})"
            )
        node = normalize(kid, tree.child(existing, key), now, depth + 1)
        if node is not None:
            out[key] = node
    if not out:
        return None
    if prio is not None:
        out[PRIORITY] = prio
    return out
