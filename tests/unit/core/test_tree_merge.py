"""``tree.merge`` (one pass for a whole multi-path update) equals one ``set_at`` per path,
and finds overlapping paths; the listener walk for big writes equals per-path lookups."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rtdb.core import tree
from rtdb.core.auth import ADMIN
from rtdb.core.listeners import Listener, ListenerIndex

KEYS = st.sampled_from(["a", "b", "c"])
PATHS = st.lists(KEYS, min_size=0, max_size=3).map(tuple)
LEAVES = st.one_of(st.none(), st.integers(0, 3), st.just("s"))
NODES = st.recursive(
    LEAVES,
    lambda kids: st.dictionaries(KEYS, kids, min_size=1).map(
        lambda d: {k: v for k, v in d.items() if v is not None} or None
    ),
    max_leaves=6,
)


def _disjoint(paths: list[tuple[str, ...]]) -> bool:
    return not any(
        a[: len(b)] == b or b[: len(a)] == a for a, b in itertools.combinations(paths, 2)
    )


def _with_priority(node):  # some objects and leaves carry a priority
    if isinstance(node, dict):
        return {**node, ".priority": 1}
    return node if node is None else {".value": node, ".priority": 2}


@settings(max_examples=400, deadline=None)
@given(NODES, st.lists(st.tuples(PATHS, NODES), max_size=5), st.booleans())
def test_merge_equals_set_at_one_by_one(root, writes, prio):
    if prio:
        root = _with_priority(root)
    writes = list(dict(writes).items())
    if not _disjoint([p for p, _ in writes]):
        with pytest.raises(tree.Overlap):
            tree.merge(root, writes)
        return
    # One update is atomic: a node it empties and refills keeps its priority ("the parent
    # priority is kept", rtdb-notes 1.9), so the one-by-one oracle puts before it deletes
    # (a node then empties only if it ends empty; in the given order it could lose it).
    expected = root
    for path, node in sorted(writes, key=lambda w: w[1] is None):
        expected = tree.set_at(expected, path, node)
    assert tree.merge(root, writes) == expected


def test_an_update_that_empties_and_refills_a_node_keeps_its_priority():
    """Found by the property above: deleting ``a`` first had dropped the root's priority."""
    root = {"a": 0, ".priority": 1}
    assert tree.merge(root, [(("a",), None), (("b",), "s")]) == {"b": "s", ".priority": 1}
    assert tree.merge(root, [(("a",), None)]) is None  # emptied for good: no priority left


def test_merge_copies_each_parent_once():
    root = {f"k{i}": i for i in range(1000)}
    writes = [((f"n{i}",), i) for i in range(40_000)]
    after = tree.merge(root, writes)
    assert len(after) == 41_000 and root == {f"k{i}": i for i in range(1000)}


@settings(max_examples=200, deadline=None)
@given(st.lists(PATHS, max_size=6), st.lists(PATHS, min_size=1, max_size=80))
def test_touching_equals_one_lookup_per_path(listen_paths, written):
    index = ListenerIndex()
    for p in listen_paths:
        index.add(Listener(p, None, None, None, ADMIN))
    expected = set()
    for w in written:
        expected |= {id(x) for x in index.at_or_above(w)}
        expected |= {id(x) for x in index.below(w)}
    assert {id(x) for x in index.touching(written)} == expected
