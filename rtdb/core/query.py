"""Query parameters: what a listen, a get or a REST GET asks for, in one shape.

The JS SDK sends queries as the compact ``q`` object that ``queryParamsGetQueryObject``
makes (``node_modules/@firebase/database/dist/index.esm.js``: ``sp sn sin ep en ein l vf
i``); REST sends ``orderBy``/``startAt``/... parameters.
Both become a :class:`QuerySpec`, which the core filters with and the rules engine
turns into the ``query.*`` variables.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass
from typing import Any

from . import tree
from .errors import InvalidData
from .ordering import (
    MAX_NAME,
    MIN_NAME,
    is_number,
    leaf_key,
    name_key,
    node_key,
    priority_key,
)
from .paths import MAX_DEPTH, is_valid_key
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
        """From the SDK's ``q`` object (``queryParamsGetQueryObject``), validated.

        A malformed query is refused here, at listen time, so that it can never make a
        later write (by anyone) fail while its pushes are computed.
        """
        if not q:
            return cls()
        if not isinstance(q, dict):
            raise InvalidQuery("Invalid query: expected a JSON object.")
        index = q.get("i", PRIORITY_INDEX)
        if not isinstance(index, str) or not _valid_index(index):
            raise InvalidQuery(f"Invalid query: bad index {index!r}.")
        start = _bound(q, "sp", "sn", "sin", index)
        end = _bound(q, "ep", "en", "ein", index)
        limit = q.get("l")
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 0
        ):
            raise InvalidQuery(f"Invalid query: bad limit {limit!r}.")
        view_from = q.get("vf") if limit is not None else None
        if view_from not in (None, "l", "r"):
            raise InvalidQuery(f"Invalid query: vf must be 'l' or 'r', not {view_from!r}.")
        if limit is not None and view_from is None:
            view_from = "l"
        return cls(index, start, end, limit, view_from)

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


class InvalidQuery(InvalidData):
    """A query the server cannot run: a realtime ``q`` or REST parameters (REST answers 400)."""


def _valid_index(index: str) -> bool:
    if index in (KEY_INDEX, VALUE_INDEX, PRIORITY_INDEX):
        return True
    keys = [k for k in index.split("/") if k]
    return bool(keys) and len(keys) <= MAX_DEPTH and all(is_valid_key(k) for k in keys)


def _is_leaf_json(v: Any) -> bool:
    return v is None or isinstance(v, (bool, str)) or (is_number(v) and math.isfinite(v))


def _bound(q: dict[str, Any], vkey: str, nkey: str, ikey: str, index: str) -> Bound | None:
    if vkey not in q:
        return None
    value, name, inclusive = q[vkey], q.get(nkey), q.get(ikey, True)
    if not _is_leaf_json(value):
        raise InvalidQuery(f"Invalid query: {vkey} must be a JSON leaf, not {value!r}.")
    if index == KEY_INDEX and not isinstance(value, str):
        raise InvalidQuery(f"Invalid query: {vkey} must be a string when ordering by key.")
    if index == PRIORITY_INDEX and isinstance(value, bool):
        raise InvalidQuery(f"Invalid query: {vkey} must be a priority (null, number, string).")
    if name is not None and not isinstance(name, str):
        raise InvalidQuery(f"Invalid query: {nkey} must be a string.")
    if not isinstance(inclusive, bool):
        raise InvalidQuery(f"Invalid query: {ikey} must be a boolean.")
    return Bound(value, name, inclusive)


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


class _Window:
    """A query's range test and ordering, precomputed once per evaluation."""

    def __init__(self, spec: QuerySpec) -> None:
        self.spec = spec
        self.index = spec.index
        self.lo = _post_sort_key(spec.index, spec.start, MIN_NAME) if spec.start else None
        self.hi = _post_sort_key(spec.index, spec.end, MAX_NAME) if spec.end else None

    def key(self, name: str, node: Node) -> tuple:
        return _index_sort_key(self.index, name, node)

    def in_range(self, k: tuple) -> bool:
        lo, hi = self.lo, self.hi
        if lo is not None and (k < lo or (k == lo and not self.spec.start.inclusive)):
            return False
        return not (hi is not None and (k > hi or (k == hi and not self.spec.end.inclusive)))

    def pick(self, keyed: list[tuple[tuple, str, Node]]) -> list[tuple[tuple, str, Node]]:
        """The entries a limit keeps (all of them without a limit), in any order."""
        limit = self.spec.limit
        if limit is None or len(keyed) <= limit:
            return keyed
        if limit == 0:
            return []
        if self.spec.view_from == "r":
            return heapq.nlargest(limit, keyed, key=lambda e: e[0])
        return heapq.nsmallest(limit, keyed, key=lambda e: e[0])


def apply(node: Node, spec: QuerySpec | None) -> Node:
    """The part of ``node`` a query sees (``RangedFilter`` then ``LimitedFilter``).

    The result never carries the queried node's own priority. A leaf under a filtering
    query gives the empty node. O(n log limit): no full sort is needed for a window.
    """
    if spec is None or spec.loads_all_data:
        return node
    if node is None or tree.is_leaf(node):
        return None
    w = _Window(spec)
    keyed = []
    for name, kid in tree.children(node):
        k = w.key(name, kid)
        if w.in_range(k):
            keyed.append((k, name, kid))
    return {name: kid for _, name, kid in w.pick(keyed)} or None


_RECOMPUTE = object()


def apply_incremental(spec: QuerySpec, last: Node, old: Node, new: Node, changed: set[str]) -> Node:
    """The new result of a query at a location whose ``changed`` children were written.

    ``last`` is the query's result on ``old``. Costs O(window log window) instead of a
    pass over every child; returns :data:`RECOMPUTE` when the window must be refilled from
    children it never held (then call :func:`apply` on ``new``).
    """
    if spec.loads_all_data or tree.is_leaf(old) or tree.is_leaf(new) or new is None:
        return apply(new, spec)
    w = _Window(spec)
    window = dict(last) if isinstance(last, dict) else {}
    was_full = spec.limit is not None and len(window) >= spec.limit
    boundary = None
    if was_full and window:
        old_keys = [w.key(name, kid) for name, kid in window.items()]
        boundary = min(old_keys) if spec.view_from == "r" else max(old_keys)
    for name in changed:
        window.pop(name, None)
    keyed = [(w.key(name, kid), name, kid) for name, kid in window.items()]
    for name in changed:
        kid = tree.child(new, name)
        if kid is not None:
            k = w.key(name, kid)
            if w.in_range(k):
                keyed.append((k, name, kid))
    chosen = w.pick(keyed)
    if was_full:
        if len(chosen) < spec.limit:
            return RECOMPUTE
        if boundary is not None:
            worst = (
                min(e[0] for e in chosen) if spec.view_from == "r" else max(e[0] for e in chosen)
            )
            if (worst < boundary) if spec.view_from == "r" else (worst > boundary):
                return RECOMPUTE
    return {name: kid for _, name, kid in chosen} or None


RECOMPUTE = _RECOMPUTE
