"""The invariant the JS SDK's caches rest on: a client that applies every push it is sent
holds, at each listened location, what the server holds there, after any sequence of sets
and multi-path updates; and each tagged query view holds exactly its window.

The server's data is checked against an independent plain-JSON model, and the client side
applies pushes as ``SyncTree`` does (``d`` overwrites at ``p``, ``m`` sets each relative
path under ``p``, tagged data goes to the view with that tag only).
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from session_peer import Peer, get_at, norm, set_at, split_path

from rtdb.core.database import Database

KEYS = ("a", "b", "c", "q")
PLAIN = ["/", "/a", "/a/b", "/c/a", "/q"]
QUERIES = {
    1: {"i": ".value", "l": 2, "vf": "l"},  # orderByValue().limitToFirst(2)
    2: {"i": ".key", "l": 2, "vf": "r"},  # orderByKey().limitToLast(2)
    3: {"i": ".value", "sp": 2, "sin": True, "ep": "m", "ein": True},  # startAt(2).endAt('m')
}

leaves = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "m", "z"])
)
values = st.recursive(leaves, lambda kids: st.dictionaries(st.sampled_from(KEYS), kids, max_size=3))
paths = st.lists(st.sampled_from(KEYS), min_size=0, max_size=3).map(tuple)
Path = tuple[str, ...]


def _no_prefixes(rels: list[Path]) -> list[Path]:
    kept: list[Path] = []
    for rel in sorted(set(rels), key=len):
        if rel and not any(rel[: len(k)] == k for k in kept):
            kept.append(rel)
    return kept


sets = st.tuples(st.just("p"), paths, values)
updates = st.tuples(
    st.just("m"),
    paths,
    st.lists(st.tuples(paths.filter(bool), values), max_size=4).map(
        lambda kv: {"/".join(k): v for k, v in kv if k in _no_prefixes([p for p, _ in kv])}
    ),
)


def _rank(value: Any) -> tuple:
    """Firebase's value order: false < true < numbers < strings < objects (all equal)."""
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, int):
        return (2, value)
    if isinstance(value, str):
        return (3, value)
    return (4, 0)


def window(node: Any, q: dict[str, Any]) -> Any:
    """A query's result over ``node``'s children (keys here are plain ASCII words)."""
    if not isinstance(node, dict):
        return None
    by_value = q["i"] == ".value"
    order = sorted(node, key=lambda k: (_rank(node[k]), k)) if by_value else sorted(node)
    if "sp" in q:
        lo, hi = _rank(q["sp"]), _rank(q["ep"])
        order = [k for k in order if lo <= _rank(node[k]) <= hi]
    if "l" in q:
        order = order[: q["l"]] if q["vf"] == "l" else order[-q["l"] :]
    return {k: node[k] for k in order} or None


# -- the client side ------------------------------------------------------------------


class ClientCache:
    """What the SDK keeps from pushes: one server cache, plus one view per tag."""

    def __init__(self) -> None:
        self.tree: Any = None
        self.views: dict[int, Any] = {}

    def apply(self, message: dict[str, Any]) -> None:
        body = message["d"]
        assert "r" not in body, "a response to someone else's request"
        action, b = body["a"], body["b"]
        at = split_path(b["p"])
        if action == "d" and "t" in b:
            assert b["p"] == "q", "a tagged push outside its query's location"
            self.views[b["t"]] = b["d"]
        elif action == "d":
            self.tree = set_at(self.tree, at, b["d"])
        else:
            assert action == "m", body
            for rel, value in b["d"].items():
                self.tree = set_at(self.tree, at + split_path(rel), value)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(sets, updates), max_size=12), values)
def test_pushes_keep_every_listen_equal_to_the_server(ops, initial) -> None:
    db = Database("prop", clock=lambda: 0)
    writer, reader = Peer(db), Peer(db)
    model = norm(initial)
    assert writer.call("p", {"p": "/", "d": initial}) == {"s": "ok", "d": ""}
    cache = ClientCache()
    for path in PLAIN:
        got = reader.listen(path)
        assert got[-1]["d"]["b"] == {"s": "ok", "d": {}}
        for message in got[:-1]:
            cache.apply(message)
    for tag, q in QUERIES.items():
        for message in reader.listen("/q", q, tag)[:-1]:
            cache.apply(message)

    def check() -> None:
        for path in PLAIN:
            at = split_path(path)
            assert get_at(cache.tree, at) == get_at(model, at), path
        for tag, q in QUERIES.items():
            assert cache.views.get(tag) == window(get_at(model, ("q",)), q), q

    check()
    for action, path, value in ops:
        wire = "/" + "/".join(path)
        assert writer.call(action, {"p": wire, "d": value}) == {"s": "ok", "d": ""}
        if action == "p":
            model = set_at(model, path, value)
        else:
            for rel, v in value.items():
                model = set_at(model, path + split_path(rel), v)
        for message in reader.take():
            cache.apply(message)
        check()
    assert writer.call("g", {"p": "/", "q": {}})["d"] == model
