"""The data tree: one canonical, immutable representation shared by the whole server.

A node is exactly what Firebase's export format (`format=export`) would print for it,
already normalized, so the wire format, the journal, the rules engine and the hashes all
read the same structure without conversion:

* ``None`` is the empty node (a path that holds no data).
* A leaf is a ``bool``, ``int``, ``float`` or ``str``.
* A leaf with a priority is ``{".value": leaf, ".priority": p}``.
* An object is a ``dict`` of key -> non-empty node, plus ``".priority": p`` if it has one.
  It always has at least one child.

Nodes are never mutated once built: a write copies the dicts along its path and shares
every other subtree. That makes a snapshot of the whole database free, which the rules
engine (``root`` before, ``newData`` after), listeners (old vs new value) and the
journal rely on.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeAlias

Node: TypeAlias = Any  # None | bool | int | float | str | dict[str, Node]
Path: TypeAlias = tuple[str, ...]

PRIORITY = ".priority"
VALUE = ".value"


def is_leaf(node: Node) -> bool:
    """A leaf, with or without a priority (objects and the empty node are not)."""
    return node is not None and (not isinstance(node, dict) or VALUE in node)


def leaf_value(node: Node) -> Any:
    """The primitive of a leaf, dropping its priority; None for anything else."""
    if isinstance(node, dict):
        return node.get(VALUE)
    return node


def priority(node: Node) -> float | int | str | None:
    """The node's priority, or None."""
    if isinstance(node, dict):
        return node.get(PRIORITY)
    return None


def child(node: Node, key: str) -> Node:
    """The child at ``key`` (the empty node if absent or if ``node`` is a leaf)."""
    if isinstance(node, dict) and VALUE not in node and key != PRIORITY:
        return node.get(key)
    return None


def get(node: Node, path: Path) -> Node:
    """The node at ``path`` below ``node``."""
    for key in path:
        if node is None:
            return None
        node = child(node, key)
    return node


def children(node: Node) -> Iterator[tuple[str, Node]]:
    """The (key, child) pairs of an object node, unordered, without the priority."""
    if isinstance(node, dict) and VALUE not in node:
        for key, value in node.items():
            if key != PRIORITY:
                yield key, value


def has_children(node: Node) -> bool:
    return isinstance(node, dict) and VALUE not in node and any(k != PRIORITY for k in node)


def with_priority(node: Node, prio: float | int | str | None) -> Node:
    """``node`` with its priority replaced (or removed when ``prio`` is None)."""
    if node is None:
        return None
    if isinstance(node, dict):
        if VALUE in node:
            return node[VALUE] if prio is None else {VALUE: node[VALUE], PRIORITY: prio}
        out = {k: v for k, v in node.items() if k != PRIORITY}
        if prio is not None:
            out[PRIORITY] = prio
        return out
    return node if prio is None else {VALUE: node, PRIORITY: prio}


def set_at(root: Node, path: Path, value: Node) -> Node:
    """A new tree equal to ``root`` with ``value`` at ``path`` (copying only that path).

    Setting the empty node deletes, and parents left without children disappear.
    Writing under a leaf replaces the leaf with an object (its priority is kept,
    as Firebase keeps it). ``path`` ending in ``.priority`` sets a priority.
    """
    if not path:
        return value
    if path[-1] == PRIORITY:
        target = get(root, path[:-1])
        if target is None:
            return root
        return set_at(root, path[:-1], with_priority(target, value))
    key, rest = path[0], path[1:]
    if isinstance(root, dict) and VALUE not in root:
        old_child = root.get(key)
        new_child = set_at(old_child, rest, value)
        if new_child is old_child:
            return root
        out = dict(root)
    else:
        new_child = set_at(None, rest, value)
        if new_child is None:
            return root
        out = {}
        prio = priority(root)
        if prio is not None:
            out[PRIORITY] = prio
    if new_child is None:
        out.pop(key, None)
    else:
        out[key] = new_child
    if not any(k != PRIORITY for k in out):
        return None
    return out


def strip_priorities(node: Node) -> Any:
    """The plain value of a node (what ``val()`` returns before array conversion)."""
    if isinstance(node, dict):
        if VALUE in node:
            return node[VALUE]
        return {k: strip_priorities(v) for k, v in node.items() if k != PRIORITY}
    return node


class _Put:
    """A trie leaf of :func:`merge`: the node to put at that path."""

    __slots__ = ("node", "path")

    def __init__(self, node: Node, path: Path) -> None:
        self.node = node
        self.path = path


class Overlap(ValueError):
    """Two paths of one multi-path update where one lies at or under the other."""

    def __init__(self, a: Path, b: Path) -> None:
        super().__init__(f"update paths overlap: {a} and {b}")
        self.paths = (a, b)


def merge(root: Node, writes: Iterable[tuple[Path, Node]]) -> Node:
    """``root`` with every ``(path, node)`` set, in time linear in the writes' size.

    The same result as calling :func:`set_at` for each write in turn, but each dict on the
    way is copied once instead of once per write below it: 40,000 keys written at one
    parent cost one copy of that parent, not 40,000. Paths must not overlap, as a
    multi-path update's may not (:class:`Overlap`, found while building the trie: no sort
    of the paths, which would hold the GIL for seconds on a million of them). A
    ``.priority`` last key is applied after its siblings.
    """
    trie: dict[str, Any] = {}
    whole: _Put | None = None
    for path, node in writes:
        if not path:
            if trie or whole is not None:
                raise Overlap((), _any_path(trie) if trie else ())
            whole = _Put(node, path)
            continue
        if whole is not None:
            raise Overlap((), path)
        level = trie
        for key in path[:-1]:
            nxt = level.get(key)
            if nxt is None:
                nxt = level[key] = {}
            elif isinstance(nxt, _Put):
                raise Overlap(nxt.path, path)
            level = nxt
        last = level.get(path[-1])
        if last is not None:
            raise Overlap(path, last.path if isinstance(last, _Put) else _any_path(last))
        level[path[-1]] = _Put(node, path)
    if whole is not None:
        return whole.node
    return _apply(root, trie) if trie else root


def _any_path(trie: dict[str, Any]) -> Path:
    """The path of some write in a non-empty trie (to name it in an error)."""
    while True:
        sub = next(iter(trie.values()))
        if isinstance(sub, _Put):
            return sub.path
        trie = sub


def _apply(node: Node, patch: dict[str, Any]) -> Node:
    is_object = isinstance(node, dict) and VALUE not in node
    if is_object:
        out = dict(node)
    else:
        out = {}
        prio = priority(node)
        if prio is not None:
            out[PRIORITY] = prio
    changed = False
    prio_put = patch.pop(PRIORITY, None)
    for key, sub in patch.items():
        old = out.get(key) if is_object else None
        new = sub.node if isinstance(sub, _Put) else _apply(old, sub)
        if new is old:
            continue
        changed = True
        if new is None:
            del out[key]
        else:
            out[key] = new
    if not changed:
        result = node
    elif not any(k != PRIORITY for k in out):
        result = None
    else:
        result = out
    if isinstance(prio_put, _Put) and result is not None:
        result = with_priority(result, prio_put.node)
    return result
