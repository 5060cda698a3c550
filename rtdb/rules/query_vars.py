"""The ``query`` rule variable, built from the core's QuerySpec.

Mapping (decided here; Firebase documents the variables but not the wire mapping):

* no query (``None``) -> a plain read: ``orderByKey`` true, the other orderings false and
  every bound/limit null. This is what live Firebase reports for a REST GET with no query.
  A ``QuerySpec()`` equal to the default (priority index, no range, no limit) is treated the
  same, because a default listen (no ``q``) and a REST GET without ``orderBy`` both arrive as
  that value and must behave like the plain read.
* index ``.key``/``.value``/``.priority`` -> orderByKey/orderByValue/orderByPriority;
  any other index is ``orderByChild`` (the child path string, e.g. ``"ratings/pos"``).
* an equal-to range (both ends inclusive, same value and name) -> ``equalTo`` only,
  ``startAt``/``endAt`` stay null (REST sends ``equalTo`` as its own parameter).
* otherwise the start bound's value -> ``startAt`` and the end bound's -> ``endAt``
  (``startAfter``/``endBefore`` also land there; rules have no variable for exclusiveness).
* ``limit`` with ``view_from`` ``"l"`` -> ``limitToFirst``, ``"r"`` -> ``limitToLast``.
"""

from __future__ import annotations

from typing import Any

from rtdb.core.query import KEY_INDEX, PRIORITY_INDEX, VALUE_INDEX, QuerySpec


class QueryVars:
    """Attribute names are the rule language's (``query.orderByChild`` etc.)."""

    __slots__ = (
        "endAt",
        "equalTo",
        "limitToFirst",
        "limitToLast",
        "orderByChild",
        "orderByKey",
        "orderByPriority",
        "orderByValue",
        "startAt",
    )  # fmt: skip

    def __init__(self, spec: QuerySpec | None = None) -> None:
        self.orderByKey = False
        self.orderByPriority = False
        self.orderByValue = False
        self.orderByChild: str | None = None
        self.startAt: Any = None
        self.endAt: Any = None
        self.equalTo: Any = None
        self.limitToFirst: int | None = None
        self.limitToLast: int | None = None
        if spec is None or spec == QuerySpec():
            self.orderByKey = True
            return
        if spec.index == KEY_INDEX:
            self.orderByKey = True
        elif spec.index == VALUE_INDEX:
            self.orderByValue = True
        elif spec.index == PRIORITY_INDEX:
            self.orderByPriority = True
        else:
            self.orderByChild = spec.index
        if spec.is_equal_to:
            self.equalTo = spec.start.value  # type: ignore[union-attr]
        else:
            if spec.start is not None:
                self.startAt = spec.start.value
            if spec.end is not None:
                self.endAt = spec.end.value
        if spec.limit is not None:
            if spec.view_from == "r":
                self.limitToLast = spec.limit
            else:
                self.limitToFirst = spec.limit

    def __repr__(self) -> str:
        return "QueryVars(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"
