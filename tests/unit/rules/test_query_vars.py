"""QuerySpec -> the ``query.*`` variables (mapping documented in rtdb/rules/query_vars.py)."""

from __future__ import annotations

from rtdb.core.query import QuerySpec
from rtdb.rules import QueryVars


def test_no_query_is_plain_read() -> None:
    for spec in (None, QuerySpec(), QuerySpec.from_wire(None), QuerySpec.from_wire({})):
        q = QueryVars(spec)
        assert (q.orderByKey, q.orderByValue, q.orderByPriority) == (True, False, False)
        assert q.orderByChild is None and q.startAt is None and q.limitToFirst is None


def test_wire_child_index_range_limit() -> None:
    q = QueryVars(
        QuerySpec.from_wire(
            {"sp": 3, "sn": "[MAX_NAME]", "sin": False, "l": 2, "vf": "l", "i": "score"}
        )
    )
    assert q.orderByChild == "score" and not q.orderByKey
    assert q.startAt == 3 and q.endAt is None and q.equalTo is None
    assert q.limitToFirst == 2 and q.limitToLast is None


def test_wire_equal_to() -> None:
    q = QueryVars(
        QuerySpec.from_wire({"sp": "k1", "sin": True, "ep": "k1", "ein": True, "i": ".key"})
    )
    assert q.orderByKey and q.equalTo == "k1" and q.startAt is None and q.endAt is None


def test_wire_value_end_limit_last() -> None:
    q = QueryVars(
        QuerySpec.from_wire({"ep": 10, "en": "kk", "ein": False, "l": 3, "vf": "r", "i": ".value"})
    )
    assert q.orderByValue and q.endAt == 10 and q.limitToLast == 3 and q.limitToFirst is None


def test_wire_no_index_is_priority() -> None:
    q = QueryVars(QuerySpec.from_wire({"sp": 1, "sn": "k", "sin": True, "ep": "z", "ein": True}))
    assert q.orderByPriority and not q.orderByKey
    assert q.startAt == 1 and q.endAt == "z"


def test_equal_to_needs_same_type() -> None:
    q = QueryVars(QuerySpec.from_wire({"sp": 1, "ep": True, "i": ".value"}))
    assert q.equalTo is None and q.startAt == 1 and q.endAt is True
