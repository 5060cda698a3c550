"""Output rendering: what REST and SSE clients see for a node.

The tree keeps Firebase's export format (priorities inline). Ordinary reads print what
the JS SDK's ``val()`` returns instead (``ChildrenNode.val``): no priorities, and objects
whose keys are all small array indices come out as JSON arrays. ``format=export`` keeps
the tree as it is; ``shallow`` truncates an object's children to ``true``.
"""

from __future__ import annotations

import re
from typing import Any

from . import tree
from .tree import PRIORITY, VALUE, Node

_INDEX_KEY = re.compile(r"^(0|[1-9]\d*)$")


def plain(node: Node) -> Any:
    """``val()``: priorities dropped, array-like objects turned into lists."""
    if not isinstance(node, dict):
        return node
    if VALUE in node:
        return node[VALUE]
    out: dict[str, Any] = {}
    max_key = -1
    all_indices = True
    for key, kid in node.items():
        if key == PRIORITY:
            continue
        out[key] = plain(kid)
        if all_indices and _INDEX_KEY.match(key):
            max_key = max(max_key, int(key))
        else:
            all_indices = False
    if not out:
        return None
    if all_indices and max_key < 2 * len(out):
        array: list[Any] = [None] * (max_key + 1)
        for key, value in out.items():
            array[int(key)] = value
        return array
    return out


def shallow(node: Node) -> Any:
    """``shallow=true``: a leaf's value, or each child of an object replaced by ``true``."""
    if tree.is_leaf(node):
        return tree.leaf_value(node)
    if node is None:
        return None
    return {key: True for key, _ in tree.children(node)}


def render(node: Node, *, export: bool = False, is_shallow: bool = False) -> Any:
    """The JSON value a REST or SSE client receives for ``node``."""
    if is_shallow:
        return shallow(node)
    if export:
        return node
    return plain(node)
