"""The node hash the JS SDK computes (``LeafNode.hash`` / ``ChildrenNode.hash``).

Transactions send the hash of the data they ran on; a compare-and-set succeeds only if
it equals the hash of the server's current data, byte for byte.
"""

from __future__ import annotations

import base64
import hashlib
import struct

from . import tree
from .ordering import is_number, name_key, priority_key
from .tree import Node


def _double_hex(v: float | int) -> str:
    return struct.pack(">d", float(v)).hex()


def _priority_text(prio: object) -> str:
    if is_number(prio):
        return "priority:number:" + _double_hex(prio) + ":"
    return "priority:string:" + str(prio) + ":"


def _leaf_text(v: object) -> str:
    if isinstance(v, bool):
        return "boolean:" + ("true" if v else "false")
    if is_number(v):
        return "number:" + _double_hex(v)
    return "string:" + str(v)


def _b64sha1(text: str) -> str:
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).digest()
    return base64.b64encode(digest).decode("ascii")


def node_hash(node: Node) -> str:
    """The SDK's hash of ``node``; ``""`` for the empty node."""
    if node is None:
        return ""
    prio = tree.priority(node)
    prefix = _priority_text(prio) if prio is not None else ""
    if tree.is_leaf(node):
        return _b64sha1(prefix + _leaf_text(tree.leaf_value(node)))
    parts = [prefix]
    kids = sorted(
        tree.children(node), key=lambda kv: (priority_key(tree.priority(kv[1])), name_key(kv[0]))
    )
    for key, kid in kids:
        h = node_hash(kid)
        if h:
            parts.append(":" + key + ":" + h)
    text = "".join(parts)
    return _b64sha1(text) if text else ""
