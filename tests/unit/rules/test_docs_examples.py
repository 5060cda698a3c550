"""Examples from Firebase's RTDB security rules documentation, with the documented outcome.

Pages: database/security/core-syntax, rules-conditions, indexing-data, regex,
rules/rules-and-auth, reference/security/database.
"""

from __future__ import annotations

from rules_helpers import NOW, can_read, can_set, can_update, p, rules, user

from rtdb.core.query import KEY_INDEX, Bound, QuerySpec
from rtdb.rules import compile_rules

# --- core-syntax ------------------------------------------------------------------------------


def test_read_only_messages() -> None:
    rs = compile_rules(
        """{
      "rules": {
        // For requests to access the 'messages' node...
        "messages": {
          // ...and the individual wildcarded 'message' nodes beneath
          "$message": {
            /* read access is always granted */
            ".read": "true",
            ".write": "false"
          }
        }
      }
    }"""
    )
    assert can_read(rs, "messages/message0")
    assert not can_read(rs, "messages")  # no rule there: denied by default
    assert not can_set(rs, "messages/message0", {"content": "Hello"})


def test_read_cascades_and_cannot_be_revoked_below() -> None:
    rs = rules(
        {
            "foo": {
                ".read": "data.child('baz').val() === true",
                "bar": {".read": False},  # ignored, since read was allowed already
            }
        }
    )
    root = {"foo": {"baz": True, "bar": {"x": 1}}}
    assert can_read(rs, "foo/bar", root)
    assert can_read(rs, "foo", root)
    assert not can_read(rs, "foo/bar", {"foo": {"baz": False, "bar": {"x": 1}}})


def test_rules_are_not_filters() -> None:
    rs = rules({"records": {"rec1": {".read": True}, "rec2": {".read": False}}})
    root = {"records": {"rec1": {"text": "a"}, "rec2": {"text": "b"}}}
    assert not can_read(rs, "records", root)
    assert can_read(rs, "records/rec1", root)
    assert not can_read(rs, "records/rec2", root)


def test_validate_string_shorter_than_100() -> None:
    rs = rules(
        {".write": True, "foo": {".validate": "newData.isString() && newData.val().length < 100"}}
    )
    assert can_set(rs, "foo", "short")
    assert not can_set(rs, "foo", "x" * 100)
    assert not can_set(rs, "foo", 42)
    assert not can_set(rs, "foo", True)
    assert can_set(rs, "foo", None, {"foo": 42})  # validate rules are ignored on delete


def test_validate_does_not_cascade() -> None:
    rs = rules({".write": True, "a": {".validate": False, "b": {".validate": True}}})
    # /a's .validate applies to a write at /a/b as an ancestor with new data...
    assert not can_set(rs, "a/b", 1)
    rs2 = rules({".write": True, "a": {".validate": True, "b": {".validate": False}}})
    # ...and a true validate above does not excuse a false one below.
    assert not can_set(rs2, "a", {"b": 1})
    assert can_set(rs2, "a", {"c": 1})


def test_wildcard_variable_in_rules() -> None:
    rs = rules({"rooms": {"$room_id": {"topic": {".read": "$room_id.contains('public')"}}}})
    assert can_read(rs, "rooms/public-chat/topic")
    assert not can_read(rs, "rooms/secret-room/topic")


def test_widget_requires_title_and_color_and_nothing_else() -> None:
    rs = rules(
        {
            "widget": {
                ".write": True,
                ".validate": "newData.hasChildren(['title', 'color'])",
                "title": {".validate": "newData.isString()"},
                "color": {".validate": "newData.isString()"},
                "$other": {".validate": False},
            }
        }
    )
    assert can_set(rs, "widget", {"title": "t", "color": "red"})
    assert not can_set(rs, "widget", {"title": "t"})
    assert not can_set(rs, "widget", {"title": "t", "color": "red", "size": 3})
    assert not can_set(rs, "widget", {"title": 1, "color": "red"})


def test_named_child_wins_over_wildcard() -> None:
    rs = rules({"m": {"fixed": {".read": True}, "$other": {".read": False}}})
    assert can_read(rs, "m/fixed")
    assert not can_read(rs, "m/anything")


# --- rules-conditions ---------------------------------------------------------------------


def test_users_write_own_node() -> None:
    rs = rules({"users": {"$user_id": {".write": "$user_id === auth.uid"}}})
    assert can_set(rs, "users/alice/name", "A", auth=user("alice"))
    assert not can_set(rs, "users/alice/name", "A", auth=user("bob"))
    assert not can_set(rs, "users/alice/name", "A", auth=None)


def test_create_or_delete_but_not_update() -> None:
    rs = rules({"items": {"$id": {".write": "!data.exists() || !newData.exists()"}}})
    assert can_set(rs, "items/a", 1)
    assert can_set(rs, "items/a", None, {"items": {"a": 1}})
    assert not can_set(rs, "items/a", 2, {"items": {"a": 1}})


def test_referencing_data_in_other_paths() -> None:
    rs = rules(
        {
            "allow_writes": {".read": True},
            "widget": {
                "$id": {
                    ".write": "root.child('allow_writes').val() === true && "
                    "!data.parent().child('readOnly').exists() && "
                    "newData.child('foo').exists()"
                }
            },
        }
    )
    root = {"allow_writes": True}
    assert can_set(rs, "widget/w1", {"foo": 1}, root)
    assert not can_set(rs, "widget/w1", {"bar": 1}, root)
    assert not can_set(rs, "widget/w1", {"foo": 1}, {"allow_writes": False})
    ro = {"allow_writes": True, "widget": {"readOnly": True}}
    assert not can_set(rs, "widget/w1", {"foo": 1}, ro)


def test_timestamp_not_in_future() -> None:
    rs = rules({"ts": {".write": True, ".validate": "newData.val() <= now"}})
    assert can_set(rs, "ts", NOW)
    assert can_set(rs, "ts", NOW - 1)
    assert not can_set(rs, "ts", NOW + 1)


def test_query_based_rules_owner_baskets() -> None:
    rs = rules(
        {
            "baskets": {
                ".read": "auth.uid != null && query.orderByChild == 'owner' && "
                "query.equalTo == auth.uid"
            }
        }
    )
    mine = QuerySpec("owner", Bound("alice"), Bound("alice"))
    assert can_read(rs, "baskets", auth=user("alice"), query=mine)
    assert not can_read(rs, "baskets", auth=user("bob"), query=mine)
    assert not can_read(rs, "baskets", auth=user("alice"))  # plain read: no filter
    assert not can_read(rs, "baskets", auth=None, query=mine)


def test_query_based_rules_limit() -> None:
    rs = rules({"messages": {".read": "query.orderByKey && query.limitToFirst <= 1000"}})
    assert can_read(rs, "messages", query=QuerySpec(KEY_INDEX, limit=1000, view_from="l"))
    assert not can_read(rs, "messages", query=QuerySpec(KEY_INDEX, limit=1001, view_from="l"))
    assert not can_read(rs, "messages")  # limitToFirst is null: comparison is an error
    assert not can_read(rs, "messages", query=QuerySpec(KEY_INDEX, limit=10, view_from="r"))


# --- rules-and-auth -----------------------------------------------------------------------


def test_auth_token_claims() -> None:
    rs = rules(
        {
            "admin": {".read": "auth.token.admin === true"},
            "google": {
                ".read": "auth.token.email_verified == true && "
                "auth.token.email.matches(/.*@google.com$/)"
            },
        }
    )
    assert can_read(rs, "admin", auth=user("u", admin=True))
    assert not can_read(rs, "admin", auth=user("u", admin="true"))
    assert not can_read(rs, "admin", auth=user("u"))
    good = user("u", email="a@google.com", email_verified=True)
    assert can_read(rs, "google", auth=good)
    assert not can_read(rs, "google", auth=user("u", email="a@google.com", email_verified=False))
    assert not can_read(
        rs, "google", auth=user("u", email="a@google.com.evil", email_verified=True)
    )
    assert not can_read(rs, "google", auth=None)


def test_signed_in_only() -> None:
    rs = rules({".read": "auth != null", ".write": "auth != null"})
    assert can_read(rs, "anything", auth=user("u"))
    assert not can_read(rs, "anything", auth=None)
    assert can_set(rs, "x", 1, auth=user("u"))
    assert not can_set(rs, "x", 1, auth=None)


# --- indexing-data ------------------------------------------------------------------------


def test_index_on() -> None:
    rs = rules(
        {
            "dinosaurs": {".indexOn": ["height", "length"]},
            "scores": {".indexOn": ".value"},
            "users": {"$uid": {"posts": {".indexOn": "date"}}},
        }
    )
    assert rs.index_on(p("dinosaurs")) == ("height", "length")
    assert rs.index_on(p("scores")) == (".value",)
    assert rs.index_on(p("users/alice/posts")) == ("date",)
    assert rs.index_on(p("users/alice")) == ()
    assert rs.index_on(p("nowhere/at/all")) == ()


# --- regex --------------------------------------------------------------------------------


def _validate(expr: str, value: object) -> bool:
    rs = rules({"v": {".write": True, ".validate": expr}})
    return can_set(rs, "v", value)


def test_regex_begins_with_foo() -> None:
    assert _validate("newData.val().matches(/^foo/)", "foobar")
    assert not _validate("newData.val().matches(/^foo/)", "barfoo")


def test_regex_date() -> None:
    expr = (
        "newData.isString() && newData.val().matches("
        "/^(19|20)[0-9][0-9][-\\/. ](0[1-9]|1[012])[-\\/. ](0[1-9]|[12][0-9]|3[01])$/)"
    )
    assert _validate(expr, "1999-12-31")
    assert _validate(expr, "2024/02/01")
    assert not _validate(expr, "2124-01-01")
    assert not _validate(expr, "1999-13-01")
    assert not _validate(expr, "1999-12-31\n")  # $ is the very end, as in JavaScript
    assert not _validate(expr, 19991231)


def test_regex_email_case_insensitive() -> None:
    expr = (
        "newData.isString() && newData.val().matches(/^[A-Z0-9._%+-]+@[A-Z0-9.-]+\\.[A-Z]{2,4}$/i)"
    )
    assert _validate(expr, "someone@example.com")
    assert _validate(expr, "Some.One+tag@Example.ORG")
    assert not _validate(expr, "someone@example")
    assert not _validate(expr, "someone@example.c")


def test_regex_basic_url() -> None:
    expr = (
        "newData.isString() && newData.val().matches("
        "/^(ht|f)tp(s?):\\/\\/[0-9a-zA-Z]([-.\\w]*[0-9a-zA-Z])*((0-9)*)*(\\/?)"
        "([a-zA-Z0-9\\-\\.\\?\\,\\'\\/\\\\+&=%\\$#_]*)?$/)"
    )
    assert _validate(expr, "https://firebase.google.com/docs")
    assert _validate(expr, "ftp://example.com")
    assert not _validate(expr, "gopher://example.com")
    assert not _validate(expr, "http:/example.com")


def test_regex_table_examples() -> None:
    cases = [
        ("/a/", "ba", True), ("/^a/", "ba", False), ("/a/", "ab", True), ("/a$/", "ab", False),
        ("/^a*$/", "", True), ("/^a*$/", "aaa", True), ("/^a*$/", "b", False),
        ("/^a+$/", "a", True), ("/^a+$/", "", False), ("/^a?$/", "a", True),
        ("/^a?$/", "aa", False), ("/......../", "Firebase", True), ("/(ab)*/", "abab", True),
        ("/a|bc/", "ac", True), ("/a|bc/", "bc", True), ("/^(a|bc)$/", "b", False),
        ("/[ABCDEF]/", "xCx", True), ("/^[ABCDEF]$/", "G", False),
        ("/^[0-9A-F]+$/", "1F", True), ("/^[^0-9]$/", "5", False), ("/^[^0-9]$/", "x", True),
        ("/\\d/", "a1", True), ("/^\\w+$/", "a_1", True), ("/^\\s$/", "\u00a0", True),
        ("/^\\d$/", "\u0663", False),  # Arabic-Indic digit: not \d in JavaScript
        ("/yes/i", "YES", True), ("/yes/", "YES", False),
    ]  # fmt: skip
    for regex, s, expected in cases:
        assert _validate(f"newData.val().matches({regex})", s) is expected, (regex, s)


# --- reference/security/database ----------------------------------------------------------


def test_reference_snapshot_methods() -> None:
    root = {
        "users": {"fred": {"name": "Fred", "age": 30, "active": True, ".priority": 5}},
        "flag": {".value": "x", ".priority": "p"},
    }
    r = rules(
        {
            "a": {".read": "root.child('users/fred/name').val() === 'Fred'"},
            "b": {".read": "root.child('users').child('fred').hasChildren(['name', 'age'])"},
            "c": {".read": "root.child('users/fred').hasChild('age')"},
            "d": {".read": "root.child('users/fred/age').isNumber()"},
            "e": {".read": "root.child('users/fred/name').isString()"},
            "f": {".read": "root.child('users/fred/active').isBoolean()"},
            "g": {".read": "root.child('users/fred').getPriority() == 5"},
            "h": {
                ".read": "root.child('flag').getPriority() == 'p' && "
                "root.child('flag').val() == 'x'"
            },
            "i": {".read": "root.child('users/nobody').exists()"},
            "j": {".read": "root.child('users/fred/name').parent().child('age').val() == 30"},
            "k": {".read": "root.child('users').hasChildren()"},
            "l": {".read": "root.child('users/fred/age').isString()"},
        }
    )
    for key in "abcdefghjk":
        assert can_read(r, key, root), key
    assert not can_read(r, "i", root)
    assert not can_read(r, "l", root)


def test_reference_string_methods() -> None:
    r = rules(
        {
            "a": {".read": "'Firebase'.length == 8"},
            "b": {".read": "'Firebase'.contains('base')"},
            "c": {".read": "'Firebase'.beginsWith('Fire')"},
            "d": {".read": "'Firebase'.endsWith('base')"},
            "e": {".read": "'a.b.c'.replace('.', ',') == 'a,b,c'"},
            "f": {".read": "'FiReBaSe'.toLowerCase() == 'firebase'"},
            "g": {".read": "'firebase'.toUpperCase() == 'FIREBASE'"},
            "h": {".read": "'Firebase'.contains('fire')"},
        }
    )
    for key in "abcdefg":
        assert can_read(r, key), key
    assert not can_read(r, "h")


def test_reference_email_replace_lookup() -> None:
    rs = rules(
        {
            "data": {
                ".read": "root.child('users').child(auth.token.email.replace('.', ',')).exists()"
            }
        }
    )
    root = {"users": {"a@b,com": True}}
    assert can_read(rs, "data", root, auth=user("u", email="a@b.com"))
    assert not can_read(rs, "data", root, auth=user("u", email="c@b.com"))


def test_reference_operators() -> None:
    r = rules(
        {
            "a": {".read": "(1 + 2) * 3 == 9 && 7 % 4 == 3 && 10 / 4 == 2.5 && -(2) == -2"},
            "b": {".read": "1 < 2 && 2 <= 2 && 3 > 2 && 3 >= 3 && 'a' < 'b'"},
            "c": {".read": "true ? 1 == 1 : false"},
            "d": {".read": "!false && (false || true)"},
            "e": {".read": "'a' + 1 == 'a1' && 1 + 'a' == '1a' && 1.0 + '' == '1'"},
        }
    )
    for key in "abcde":
        assert can_read(r, key), key


def test_new_data_with_multi_location_update() -> None:
    rs = rules(
        {
            "users": {
                "$uid": {
                    ".write": "auth.uid == $uid",
                    "name": {".validate": "newData.parent().child('email').exists()"},
                }
            }
        }
    )
    me = user("me")
    assert can_update(rs, "users/me", {"name": "Me", "email": "me@x"}, auth=me)
    assert not can_update(rs, "users/me", {"name": "Me"}, auth=me)
