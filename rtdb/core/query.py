"""Query parameters: what a listen, a get or a REST GET asks for, in one shape.

The JS SDK sends queries as the compact ``q`` object of ``QueryParams.ts``
(``sp sn sin ep en ein l vf i``); REST sends ``orderBy``/``startAt``/... parameters.
Both become a :class:`QuerySpec`, which the core filters with and the rules engine
turns into the ``query.*`` variables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import tree
from .ordering import MAX_NAME, MIN_NAME, leaf_key, name_key, node_key, priority_key
from .tree import Node, Path

KEY_INDEX = ".key"
VALUE_INDEX = ".value"
PRIORITY_INDEX = ".priority"


@dataclass(frozen=True)
class Bound:
    """One end of a range: the index value, the key tie-break, inclusiveness."""

    value: Any
    name: str | None = None
    inclusive: bool = True


@dataclass(frozen=True)
class QuerySpec:
    """A query on the children of one location.

    ``index`` is ``.priority`` (the default), ``.key``, ``.value`` or a child path such as
    ``"score"`` or ``"ratings/pos"``. ``view_from`` is ``"l"`` (limitToFirst) or ``"r"``
    (limitToLast) when ``limit`` is set.
    """

    index: str = PRIORITY_INDEX
    start: Bound | None = None
    end: Bound | None = None
    limit: int | None = None
    view_from: str | None = None

    @property
    def loads_all_data(self) -> bool:
        """True when the query filters nothing (ordering alone does not filter)."""
        return self.start is None and self.end is None and self.limit is None

    @property
    def is_equal_to(self) -> bool:
        s, e = self.start, self.end
        return (
            s is not None
            and e is not None
            and s.inclusive
            and e.inclusive
            and s.value == e.value
            and type(s.value) is type(e.value)
            and s.name == e.name
        )

    @classmethod
    def from_wire(cls, q: dict[str, Any] | None) -> QuerySpec:
        """From the SDK's ``q`` object (``queryParamsGetQueryObject``)."""
        if not q:
            return cls()
        start = end = None
        if "sp" in q:
            start = Bound(q["sp"], q.get("sn"), q.get("sin", True))
        if "ep" in q:
            end = Bound(q["ep"], q.get("en"), q.get("ein", True))
        limit = q.get("l")
        view_from = q.get("vf") if limit is not None else None
        if limit is not None and view_from is None:
            view_from = "l"
        return cls(q.get("i", PRIORITY_INDEX), start, end, limit, view_from)

    def to_wire(self) -> dict[str, Any]:
        """Back to the SDK's ``q`` object (used in ``c`` revocation pushes)."""
        q: dict[str, Any] = {}
        if self.start is not None:
            q["sp"] = self.start.value
            if self.start.name is not None:
                q["sn"] = self.start.name
            q["sin"] = self.start.inclusive
        if self.end is not None:
            q["ep"] = self.end.value
            if self.end.name is not None:
                q["en"] = self.end.name
            q["ein"] = self.end.inclusive
        if self.limit is not None:
            q["l"] = self.limit
            q["vf"] = self.view_from or "l"
        if self.index != PRIORITY_INDEX:
            q["i"] = self.index
        return q


def _index_sort_key(index: str, key: str, node: Node) -> tuple:
    """(index value, key) ordering of one child under ``index``."""
    if index == KEY_INDEX:
        return (name_key(key),)
    if index == PRIORITY_INDEX:
        return (priority_key(tree.priority(node)), name_key(key))
    if index == VALUE_INDEX:
        return (node_key(node), name_key(key))
    return (node_key(tree.get(node, index_path(index))), name_key(key))


def _post_sort_key(index: str, bound: Bound, default_name: str) -> tuple:
    """The sort key of a range bound (``Index.makePost``)."""
    name = bound.name if bound.name is not None else default_name
    if index == KEY_INDEX:
        return (name_key(bound.value if isinstance(bound.value, str) else name),)
    if index == PRIORITY_INDEX:
        return (priority_key(bound.value), name_key(name))
    return (leaf_key(bound.value), name_key(name))


def index_path(index: str) -> Path:
    return tuple(k for k in index.split("/") if k)


def sorted_children(node: Node, index: str) -> list[tuple[str, Node]]:
    """The children of ``node`` in the order of ``index``."""
    return sorted(tree.children(node), key=lambda kv: _index_sort_key(index, kv[0], kv[1]))


def apply(node: Node, spec: QuerySpec | None) -> Node:
    """The part of ``node`` a query sees (``RangedFilter`` then ``LimitedFilter``).

    The result never carries the queried node's own priority. A leaf under a filtering
    query gives the empty node.
    """
    if spec is None or spec.loads_all_data:
        return node
    if node is None or tree.is_leaf(node):
        return None
    kids = sorted_children(node, spec.index)
    start = spec.start
    end = spec.end
    if start is not None or end is not None:
        lo = _post_sort_key(spec.index, start, MIN_NAME) if start is not None else None
        hi = _post_sort_key(spec.index, end, MAX_NAME) if end is not None else None
        kept = []
        for key, kid in kids:
            k = _index_sort_key(spec.index, key, kid)
            if lo is not None and (k < lo or (k == lo and not start.inclusive)):
                continue
            if hi is not None and (k > hi or (k == hi and not end.inclusive)):
                continue
            kept.append((key, kid))
        kids = kept
    if spec.limit is not None:
        kids = kids[-spec.limit :] if spec.view_from == "r" else kids[: spec.limit]
        if spec.limit == 0:
            kids = []
    return dict(kids) or None
