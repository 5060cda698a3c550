"""Write = some .write on root..path true AND every applicable .validate true; atomic updates."""

from __future__ import annotations

from rules_helpers import NOW, can_set, can_update, p, rules, user

from rtdb.rules import OPEN_RULES, compile_rules


def test_open_rules() -> None:
    assert OPEN_RULES.can_read((), None, None, NOW)
    assert OPEN_RULES.can_write({p("a/b"): 1}, None, None, {"a": {"b": 1}}, NOW)


def test_default_is_deny() -> None:
    rs = rules({})
    assert not rs.can_read((), None, None, NOW)
    assert not can_set(rs, "a", 1)


def test_write_grant_below_path_does_not_authorize_parent_set() -> None:
    rs = rules({"a": {"b": {".write": True}}})
    assert can_set(rs, "a/b", 1)
    assert not can_set(rs, "a", {"b": 1})


def test_update_authorized_by_child_grants() -> None:
    rs = rules({"a": {"b": {".write": True}, "c": {".write": True}, "d": {".write": False}}})
    assert can_update(rs, "a", {"b": 1, "c": 2})
    assert not can_update(rs, "a", {"b": 1, "d": 2})  # atomic: one failure rejects all


def test_update_validated_against_combined_result() -> None:
    rs = rules(
        {
            ".write": True,
            "range": {".validate": "newData.child('lo').val() < newData.child('hi').val()"},
        }
    )
    root = {"range": {"lo": 1, "hi": 5}}
    assert can_update(rs, "range", {"lo": 7, "hi": 9}, root)  # fine only with both applied
    assert not can_update(rs, "range", {"lo": 7}, root)


def test_ancestor_validate_runs_only_where_new_data_exists() -> None:
    rs = rules({".write": True, "a": {".validate": "newData.hasChild('keep')"}})
    assert not can_set(rs, "a/x", 1)
    assert can_set(rs, "a/x", 1, {"a": {"keep": True}})
    # Deleting the last child removes /a entirely: its validate is skipped.
    assert can_set(rs, "a/x", None, {"a": {"x": 1}})
    # Deleting one child while /a still exists without 'keep' fails /a's validate.
    assert not can_set(rs, "a/x", None, {"a": {"x": 1, "y": 2}})


def test_descendant_validate_only_for_present_nodes() -> None:
    rs = rules(
        {
            ".write": True,
            "a": {"$k": {".validate": "newData.isNumber()"}, "s": {".validate": False}},
        }
    )
    assert can_set(rs, "a", {"x": 1, "y": 2})
    assert not can_set(rs, "a", {"x": 1, "y": "no"})
    assert not can_set(rs, "a", {"s": 1})  # named child wins over $k, and it is false
    assert can_set(rs, "a", {"x": 1}, {"a": {"s": 1}})  # existing /a/s is not new data


def test_validate_receives_data_before_and_wildcards() -> None:
    rs = rules(
        {
            "counters": {
                "$name": {
                    ".write": True,
                    ".validate": "newData.val() === (data.exists() ? data.val() + 1 : 0) "
                    "&& $name.length < 5",
                }
            }
        }
    )
    assert can_set(rs, "counters/a", 0)
    assert can_set(rs, "counters/a", 4, {"counters": {"a": 3}})
    assert not can_set(rs, "counters/a", 5, {"counters": {"a": 3}})
    assert not can_set(rs, "counters/toolong", 0)


def test_write_rule_sees_new_data_at_its_own_location() -> None:
    rs = rules({"posts": {".write": "newData.child('p1/author').val() == auth.uid"}})
    assert can_set(rs, "posts/p1", {"author": "me"}, auth=user("me"))
    assert not can_set(rs, "posts/p1", {"author": "you"}, auth=user("me"))


def test_root_variable_is_before_state() -> None:
    rs = rules({"x": {".write": "!root.child('x').exists()"}})
    assert can_set(rs, "x", 1)
    assert not can_set(rs, "x", 2, {"x": 1})


def test_validate_below_written_leaf_is_not_reached() -> None:
    rs = rules({".write": True, "a": {"b": {".validate": False}}})
    assert can_set(rs, "a", 5)  # a leaf at /a has no /a/b
    assert not can_set(rs, "a", {"b": 1})


def test_wildcard_validate_uses_innermost_binding() -> None:
    rs = rules({".write": True, "$x": {"$y": {".validate": "$x + $y == 'ab'"}}})
    assert can_set(rs, "a", {"b": 1})
    assert not can_set(rs, "a", {"c": 1})


def test_priority_writes_and_get_priority() -> None:
    rs = rules({".write": True, "t": {".validate": "newData.getPriority() != null"}})
    assert can_set(rs, "t", {".value": 1, ".priority": 2})
    assert not can_set(rs, "t", 1)


def test_runtime_error_in_write_denies() -> None:
    rs = rules({"x": {".write": "auth.uid.length > 0"}})
    assert can_set(rs, "x", 1, auth=user("me"))
    assert not can_set(rs, "x", 1, auth=None)  # null.length > 0 is an error, not a grant


def test_multiple_paths_each_need_a_grant() -> None:
    rs = rules({"a": {".write": "auth != null"}, "b": {".write": True}})
    writes = {p("a/1"): 1, p("b/1"): 2}
    after = {"a": {"1": 1}, "b": {"1": 2}}
    assert rs.can_write(writes, user("u"), None, after, NOW)
    assert not rs.can_write(writes, None, None, after, NOW)


def test_source_and_strict_json() -> None:
    text = '{\n  // hello\n  "rules": { /* c */ ".read": true }\n}'
    rs = compile_rules(text)
    assert rs.source == text
    assert rs.strict_json() == {"rules": {".read": True}}
    rs.strict_json()["rules"][".read"] = False
    assert rs.strict_json() == {"rules": {".read": True}}  # callers can't mutate it


def test_priority_path_write_is_checked_at_the_node() -> None:
    rs = rules(
        {"a": {".write": True, ".validate": "newData.getPriority() == 1"}, "$x": {".write": False}}
    )
    after = {"a": {".value": "v", ".priority": 1}}
    assert rs.can_write({p("a/.priority"): 1}, None, {"a": "v"}, after, NOW)
    assert not rs.can_write(
        {p("b/.priority"): 1}, None, {"b": "v"}, {"b": {".value": "v", ".priority": 1}}, NOW
    )
