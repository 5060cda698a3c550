"""Firebase's orderings, as sort keys (mirrors ``nameCompare`` and ``Node.compareTo``).

Strings compare in UTF-16 code-unit order, as JavaScript compares them, which differs
from Python's code-point order for astral characters; integer-like keys in the int32
range sort first, numerically, shorter first on ties ("7" < "07").
"""

from __future__ import annotations

import re
from typing import Any

from . import tree
from .tree import Node

MIN_NAME = "[MIN_NAME]"
MAX_NAME = "[MAX_NAME]"
_INT_KEY = re.compile(r"-?0*[0-9]{1,10}")  # tryParseInt: ASCII digits, any leading zeros
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1


def js_string_key(s: str) -> bytes:
    """A sort key giving JavaScript's UTF-16 code-unit order."""
    return s.encode("utf-16-be", "surrogatepass")


def name_key(name: str) -> tuple:
    """Sort key for child names (``nameCompare``), sentinels included."""
    if name == MIN_NAME:
        return (-1,)
    if name == MAX_NAME:
        return (3,)
    if _INT_KEY.fullmatch(name):
        n = int(name)
        if _INT32_MIN <= n <= _INT32_MAX:
            return (0, n, len(name))
    return (1, js_string_key(name))


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def leaf_key(v: Any) -> tuple:
    """Order of primitives: null < false < true < numbers < strings (< objects)."""
    if v is None:
        return (0,)
    if v is False:
        return (1,)
    if v is True:
        return (2,)
    if is_number(v):
        return (3, v)
    if isinstance(v, str):
        return (4, js_string_key(v))
    return (5,)


def node_key(node: Node) -> tuple:
    """Value order of whole nodes: all objects compare equal, above every leaf."""
    if tree.is_leaf(node):
        return leaf_key(tree.leaf_value(node))
    return (0,) if node is None else (5,)


def priority_key(prio: Any) -> tuple:
    """Priority order: none < numbers < strings."""
    if prio is None:
        return (0,)
    if is_number(prio):
        return (1, prio)
    return (2, js_string_key(prio))
