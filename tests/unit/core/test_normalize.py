"""Client JSON → canonical node (``nodeFromJSON``), server values and write limits."""

from __future__ import annotations

import pytest

from rtdb.core import tree
from rtdb.core.errors import InvalidData
from rtdb.core.normalize import normalize


def test_arrays_nulls_and_dot_keys() -> None:
    assert normalize([1, None, {"a": None}, 3]) == {"0": 1, "3": 3}
    assert normalize({"a": {"b": None}, ".ignored": 1, "c": 2}) == {"c": 2}
    assert normalize({}) is None


def test_value_and_priority_forms() -> None:
    assert normalize({".value": 1, ".priority": "p"}) == {".value": 1, ".priority": "p"}
    assert normalize({".value": None, "a": 1}) == {"a": 1}
    assert normalize({"a": 1, ".priority": 2.0}) == {"a": 1, ".priority": 2}
    with pytest.raises(InvalidData):
        normalize({"a": 1, ".priority": True})


def test_server_values_resolve_against_what_was_there() -> None:
    inc = {".sv": {"increment": 1}}
    assert normalize({"t": {".sv": "timestamp"}}, None, now=123) == {"t": 123}
    assert normalize(inc, 5) == 6
    assert normalize(inc, None) == 1
    assert normalize(inc, "hello") == 1
    assert normalize(inc, {"hello": "world"}) == 1
    assert normalize({"n": inc}, {"n": {".value": 2, ".priority": 1}}) == {"n": 3}
    with pytest.raises(InvalidData):
        normalize({".sv": "nope"})


def test_numbers_follow_js_doubles() -> None:
    assert normalize(2.0) == 2 and isinstance(normalize(2.0), int)
    assert normalize(2**60) == float(2**60)
    with pytest.raises(InvalidData):
        normalize(float("nan"))


def test_keys_and_depth_limits() -> None:
    for bad in ({"a.b": 1}, {"a": {"$x": 1}}, {"a\x01": 1}, {"[": 1}):
        with pytest.raises(InvalidData):
            normalize(bad)
    deep: object = 1
    for _ in range(32):
        deep = {"k": deep}
    assert normalize(deep) is not None  # 32 keys deep is allowed
    with pytest.raises(InvalidData):
        normalize({"k": deep})
    with pytest.raises(InvalidData):
        normalize({"a": {"b": 1}}, depth=31)  # the location's depth counts too


def test_set_at_prunes_and_keeps_priorities() -> None:
    root = normalize({"a": {"b": 1, ".priority": 5}})
    assert tree.set_at(root, ("a", "b"), None) is None
    root = tree.set_at(root, ("a", "c"), 2)
    assert root == {"a": {"b": 1, "c": 2, ".priority": 5}}
    assert tree.set_at(root, ("a", ".priority"), None) == {"a": {"b": 1, "c": 2}}
