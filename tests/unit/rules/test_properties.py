"""Property-based checks of the cascade, validate and atomicity invariants."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from rules_helpers import NOW, rules

from rtdb.core.tree import set_at

KEYS = st.sampled_from(["a", "b", "c"])
PATHS = st.lists(KEYS, min_size=0, max_size=4).map(tuple)
RULE_VALUES = st.sampled_from([True, False, "true", "false", "auth != null", "auth == null"])
LEAVES = st.one_of(st.integers(-5, 5), st.sampled_from(["x", "yy", True, False]))
DATA = st.recursive(
    LEAVES, lambda kids: st.dictionaries(KEYS, kids, min_size=1, max_size=3), max_leaves=8
)


def rules_tree(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Random rules trees over keys a/b/c with an optional ``kind`` rule at each node."""
    return st.recursive(
        st.fixed_dictionaries({}, optional={kind: RULE_VALUES}),
        lambda kids: st.builds(
            lambda own, sub: {**own, **sub},
            st.fixed_dictionaries({}, optional={kind: RULE_VALUES}),
            st.dictionaries(KEYS, kids, max_size=2),
        ),
        max_leaves=6,
    )


def _truth(rule: Any, auth: Any) -> bool:
    if isinstance(rule, bool):
        return rule
    return {
        "true": True,
        "false": False,
        "auth != null": auth is not None,
        "auth == null": auth is None,
    }[rule]


def _expected_cascade(tree: dict[str, Any], path: tuple[str, ...], kind: str, auth: Any) -> bool:
    node: Any = tree
    for depth in range(len(path) + 1):
        if kind in node and _truth(node[kind], auth):
            return True
        if depth == len(path) or path[depth] not in node:
            return False
        node = node[path[depth]]
    return False


AUTHS = st.sampled_from([None, {"uid": "u"}])


@settings(max_examples=200, deadline=None)
@given(rules_tree(".read"), PATHS, AUTHS, DATA)
def test_read_is_any_grant_on_the_path(tree: dict, path: tuple, auth: Any, data: Any) -> None:
    assert rules(tree).can_read(path, auth, data, NOW) is _expected_cascade(
        tree, path, ".read", auth
    )


@settings(max_examples=200, deadline=None)
@given(rules_tree(".read"), PATHS, PATHS, AUTHS)
def test_grant_above_cannot_be_taken_away_below(
    tree: dict, top: tuple, extra: tuple, auth: Any
) -> None:
    rs = rules(tree)
    if rs.can_read(top, auth, None, NOW):
        assert rs.can_read(top + extra, auth, None, NOW)


@settings(max_examples=200, deadline=None)
@given(rules_tree(".write"), PATHS, AUTHS, LEAVES)
def test_write_is_any_grant_on_the_path(tree: dict, path: tuple, auth: Any, value: Any) -> None:
    rs = rules(tree)
    after = set_at(None, path, value)
    expected = _expected_cascade(tree, path, ".write", auth)
    assert rs.can_write({path: value}, auth, None, after, NOW) is expected


@settings(max_examples=200, deadline=None)
@given(DATA, PATHS)
def test_validate_false_anywhere_in_new_data_denies(value: Any, bad_path: tuple) -> None:
    """A .validate: false rejects a set iff its location holds new data (no cascade, null skip)."""
    tree: dict[str, Any] = {".write": True}
    node = tree
    for key in bad_path:
        node = node.setdefault(key, {})
    node[".validate"] = False
    rs = rules(tree)
    after = set_at(None, ("a",), value)
    present = _get(after, bad_path) is not None
    assert rs.can_write({("a",): value}, None, None, after, NOW) is (not present)


def _get(node: Any, path: tuple) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(KEYS, st.one_of(st.none(), LEAVES), min_size=1), DATA)
def test_multi_path_update_is_all_or_nothing(update: dict, existing: Any) -> None:
    tree = {
        "p": {
            "a": {".write": True, ".validate": "newData.isNumber()"},
            "b": {".write": True, ".validate": "newData.isString()"},
            "c": {".write": False},
        }
    }
    rs = rules(tree)
    root = {"p": existing} if isinstance(existing, dict) else None
    writes = {("p", k): v for k, v in update.items()}
    after = root
    for wpath, v in writes.items():
        after = set_at(after, wpath, v)
    singles = []
    for (_, k), v in writes.items():
        ok_write = k != "c"
        ok_valid = v is None or (k == "a" and type(v) is int) or (k == "b" and type(v) is str)
        singles.append(ok_write and ok_valid)
    assert rs.can_write(writes, None, root, after, NOW) is all(singles)
