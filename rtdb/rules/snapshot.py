"""RuleDataSnapshot: the ``root``, ``data`` and ``newData`` values seen by rules."""

from __future__ import annotations

from typing import Any

from rtdb.core.tree import (
    PRIORITY,
    VALUE,
    Node,
    Path,
    child,
    get,
    has_children,
    leaf_value,
    priority,
    strip_priorities,
)

from .errors import EvalError


def split_path(path: Any) -> list[str]:
    """Segments of a ``child()``/``hasChild()`` argument; non-strings are runtime errors."""
    if type(path) is not str:
        raise EvalError("child path must be a string")
    return [seg for seg in path.split("/") if seg]


class Snapshot:
    """An immutable view of ``node`` at ``path`` inside the tree ``root``.

    Keeping the root and path (not just the node) is what lets ``parent()`` work.
    """

    __slots__ = ("node", "path", "root")

    def __init__(self, root: Node, path: Path, node: Node) -> None:
        self.root = root
        self.path = path
        self.node = node

    def val(self) -> Any:
        return strip_priorities(self.node)

    def child_key(self, key: str) -> Snapshot:
        """``child('k')`` with a literal single-segment key (checked at compile time)."""
        n = self.node
        n = n.get(key) if type(n) is dict and VALUE not in n and key != PRIORITY else None
        return Snapshot(self.root, (*self.path, key), n)

    def child(self, path: Any) -> Snapshot:
        if type(path) is str and "/" not in path and path:
            return Snapshot(self.root, (*self.path, path), child(self.node, path))
        segs = split_path(path)
        node = self.node
        for seg in segs:
            node = child(node, seg) if node is not None else None
        return Snapshot(self.root, self.path + tuple(segs), node)

    def parent(self) -> Snapshot:
        if not self.path:
            raise EvalError("parent() of the root")
        up = self.path[:-1]
        return Snapshot(self.root, up, get(self.root, up))

    def has_child(self, path: Any) -> bool:
        return self.child(path).node is not None

    def has_children(self, names: list[Any] | None = None) -> bool:
        if names is None:
            return has_children(self.node)
        n = self.node
        if type(n) is dict and VALUE not in n:
            for name in names:  # the usual literal keys: look them up directly
                if type(name) is str and name and "/" not in name and name != PRIORITY:
                    if n.get(name) is None:
                        return False
                elif self.child(name).node is None:
                    return False
            return True
        return all(self.child(name).node is not None for name in names)

    def exists(self) -> bool:
        return self.node is not None

    def get_priority(self) -> Any:
        return priority(self.node)

    def is_number(self) -> bool:
        v = leaf_value(self.node)
        return type(v) in (int, float)

    def is_string(self) -> bool:
        return type(leaf_value(self.node)) is str

    def is_boolean(self) -> bool:
        return type(leaf_value(self.node)) is bool

    def __repr__(self) -> str:
        return f"Snapshot(/{'/'.join(self.path)}={self.node!r})"
