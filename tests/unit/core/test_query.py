"""Query filtering (``RangedFilter`` + ``LimitedFilter``) and its incremental form."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtdb.core import query as q
from rtdb.core import tree
from rtdb.core.errors import InvalidData
from rtdb.core.query import QuerySpec


def keys_in_order(node: dict | None, spec: QuerySpec) -> list[str]:
    """The result's keys in index order (the SDK sorts them client-side)."""
    if node is None:
        return []
    w = q._Window(spec)
    return [k for k, _ in sorted(node.items(), key=lambda kv: w.key(kv[0], kv[1]))]


DATA = {"a": {"s": 5}, "b": {"s": 1}, "c": {"s": 9}, "d": {"s": 5}, "e": {"s": "x"}, "f": 3}


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ({"i": "s", "sp": 2, "sin": True, "ep": 9, "ein": True}, ["a", "d", "c"]),
        ({"i": "s", "l": 2, "vf": "r"}, ["c", "e"]),
        ({"i": "s", "l": 2, "vf": "l"}, ["f", "b"]),  # f has no child s: null sorts first
        ({"i": "s", "sp": 5, "sn": "d", "sin": True, "ep": 5, "en": "d", "ein": True}, ["d"]),
        ({"i": "s", "sp": 5, "sn": "[MAX_NAME]", "sin": False}, ["c", "e"]),
        ({"i": "s", "sp": 5, "sn": "a", "sin": False, "l": 1, "vf": "l"}, ["d"]),
        ({"i": "s", "ep": 5, "en": "[MIN_NAME]", "ein": False}, ["f", "b"]),
        ({"i": ".key", "sp": "b", "sin": False, "l": 2, "vf": "l"}, ["c", "d"]),
        ({"i": ".key", "ep": "c", "ein": True}, ["a", "b", "c"]),
        ({"i": ".value", "sp": 3, "sin": True}, ["f", "a", "b", "c", "d", "e"]),
        ({"i": "s", "sp": "x", "sin": True}, ["e"]),  # strings sort above numbers
    ],
)
def test_filters(wire: dict, expected: list[str]) -> None:
    spec = QuerySpec.from_wire(wire)
    assert keys_in_order(q.apply(DATA, spec), spec) == expected


def test_priority_index_is_the_default() -> None:
    data = {"a": {".value": 1, ".priority": 3}, "b": 2, "c": {".value": 3, ".priority": "x"}}
    spec = QuerySpec.from_wire({"sp": 1, "sin": True})
    assert keys_in_order(q.apply(data, spec), spec) == ["a", "c"]
    spec = QuerySpec.from_wire({"l": 1, "vf": "l"})
    assert q.apply(data, spec) == {"b": 2}


def test_result_drops_root_priority_and_leaves_give_nothing() -> None:
    spec = QuerySpec.from_wire({"l": 5, "vf": "l"})
    assert q.apply({"a": 1, ".priority": 4}, spec) == {"a": 1}
    assert q.apply("leaf", spec) is None
    assert q.apply(None, spec) is None


def test_wire_roundtrip() -> None:
    wire = {"sp": 3, "sn": "[MAX_NAME]", "sin": False, "l": 2, "vf": "l", "i": "score"}
    assert QuerySpec.from_wire(wire).to_wire() == wire


@pytest.mark.parametrize(
    "wire",
    [
        [1, 2],
        {"l": "2"},
        {"l": -1},
        {"l": True},
        {"vf": "x", "l": 1},
        {"i": 5},
        {"i": "a..b/$x"},
        {"sp": {"a": 1}},
        {"sp": [1]},
        {"i": ".key", "sp": 3},
        {"sp": True},  # a boolean is not a priority
        {"sp": 1, "sn": 7},
        {"sp": 1, "sin": "yes"},
    ],
)
def test_malformed_queries_are_refused(wire: object) -> None:
    with pytest.raises(InvalidData):
        QuerySpec.from_wire(wire)  # type: ignore[arg-type]


# -- incremental windows agree with recomputation -------------------------------------

keys = st.sampled_from([f"k{i}" for i in range(12)] + ["1", "2", "10"])
leaf = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["a", "b"]))
child = st.one_of(leaf, st.fixed_dictionaries({"s": leaf}))
bound_value = st.one_of(st.none(), st.integers(-3, 3), st.sampled_from(["a", "b"]))


@st.composite
def specs(draw: st.DrawFn) -> QuerySpec:
    index = draw(st.sampled_from([".value", "s", ".key", ".priority"]))
    wire: dict = {"i": index}
    for side in ("s", "e"):
        if draw(st.booleans()):
            v = draw(st.sampled_from(["k3", "k7", "2"])) if index == ".key" else draw(bound_value)
            wire[side + "p"] = v
            wire[side + "in"] = draw(st.booleans())
            if draw(st.booleans()):
                wire[side + "n"] = draw(keys)
    if draw(st.booleans()) or len(wire) == 1:
        wire["l"] = draw(st.integers(0, 4))
        wire["vf"] = draw(st.sampled_from(["l", "r"]))
    return QuerySpec.from_wire(wire)


def normalized(d: dict) -> dict | None:
    out = {k: v for k, v in d.items() if v is not None and v != {"s": None}}
    return {k: ({"s": v["s"]} if isinstance(v, dict) else v) for k, v in out.items()} or None


@settings(max_examples=300, deadline=None)
@given(
    spec=specs(),
    start=st.dictionaries(keys, child, max_size=10),
    writes=st.lists(st.dictionaries(keys, child, min_size=1, max_size=3), max_size=6),
)
def test_incremental_window_equals_full_recompute(spec, start, writes) -> None:
    node = normalized(start)
    last = q.apply(node, spec)
    for batch in writes:
        new = node
        for k, v in batch.items():
            new = tree.set_at(new, (k,), normalized({k: v}).get(k) if normalized({k: v}) else None)
        result = q.apply_incremental(spec, last, node, new, set(batch))
        if result is q.RECOMPUTE:
            result = q.apply(new, spec)
        assert result == q.apply(new, spec)
        node, last = new, result
