"""The listener trie: a write at W concerns the listens at W and above it and those below
it, never a sibling; checked against a brute-force scan, for any listens and writes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rtdb.core.auth import ADMIN
from rtdb.core.listeners import Listener, ListenerIndex
from rtdb.core.tree import Path


def listener(*path: str) -> Listener:
    return Listener(tuple(path), None, None, sink=None, auth=ADMIN)


def ids(found) -> set[int]:
    return {id(li) for li in found}


def test_at_or_above_below_and_never_siblings() -> None:
    index = ListenerIndex()
    root, a, ab, abc, ac, abx = (
        listener(),
        listener("a"),
        listener("a", "b"),
        listener("a", "b", "c"),
        listener("a", "c"),
        listener("ab"),
    )
    for li in (root, a, ab, abc, ac, abx):
        index.add(li)
    assert index.count == 6
    assert ids(index.at_or_above(("a", "b"))) == ids([root, a, ab])
    assert ids(index.below(("a", "b"))) == ids([abc])
    assert ids(index.below(())) == ids([a, ab, abc, ac, abx])
    assert ids(index.at_or_above(("z", "y"))) == ids([root])
    assert ids(index.touching([("a", "b")])) == ids([root, a, ab, abc])


def test_two_listens_on_one_path_and_removal() -> None:
    index = ListenerIndex()
    one, two = listener("x", "y"), listener("x", "y")
    index.add(one)
    index.add(two)
    assert ids(index.at_or_above(("x", "y", "z"))) == ids([one, two])
    index.remove(one)
    index.remove(one)  # twice: no effect
    index.remove(listener("never", "added"))
    assert index.count == 1
    assert ids(index.at_or_above(("x", "y"))) == ids([two])
    index.remove(two)
    assert index.count == 0
    assert list(index.below(())) == [] and list(index.touching([()])) == []


def brute(listeners: list[Listener], written: list[Path]) -> set[int]:
    return {
        id(li)
        for li in listeners
        for w in written
        if li.path[: len(w)] == w or w[: len(li.path)] == li.path
    }


paths = st.lists(st.sampled_from("abc"), max_size=4).map(tuple)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(paths, max_size=12),
    st.lists(paths, min_size=1, max_size=6),
    st.lists(st.integers(0, 11), max_size=4),
)
def test_every_lookup_matches_a_scan(listen_paths, written, removed) -> None:
    index = ListenerIndex()
    live = [listener(*p) for p in listen_paths]
    for li in live:
        index.add(li)
    for i in removed:
        if i < len(live):
            index.remove(live[i])
    live = [li for i, li in enumerate(live) if i not in removed]
    assert index.count == len(live)
    expected = brute(live, written)
    assert ids(index.touching(written)) == expected
    one_by_one = set()
    for w in written:
        one_by_one |= ids(index.at_or_above(w)) | ids(index.below(w))
    assert one_by_one == expected
