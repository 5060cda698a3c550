"""Expression semantics beyond the live fixtures: JS values, errors, short-circuit, strings."""

from __future__ import annotations

import math

import pytest
from rules_helpers import NOW, rules

from rtdb.rules._jsvalues import js_str, strict_eq


def _read(expr: str, auth: object = None, data: object = None) -> bool:
    return rules({".read": expr}).can_read((), auth, data, NOW)


@pytest.mark.parametrize(
    "value,text",
    [(1, "1"), (1.0, "1"), (-0.0, "0"), (0.5, "0.5"), (1e21, "1e+21"), (1e-7, "1e-7"),
     (0.000001, "0.000001"), (1e16, "10000000000000000"), (123.456, "123.456"),
     (math.nan, "NaN"), (math.inf, "Infinity"), (-math.inf, "-Infinity"), (-2.5, "-2.5"),
     (0.1 + 0.2, "0.30000000000000004"), (1.5e-10, "1.5e-10"), (2.5e25, "2.5e+25")],
)  # fmt: skip
def test_js_number_to_string(value: float, text: str) -> None:
    assert js_str(value) == text


def test_strict_equality_never_coerces() -> None:
    assert strict_eq(1, 1.0)
    assert not strict_eq(1, True)
    assert not strict_eq(0, False)
    assert not strict_eq("1", 1)
    assert not strict_eq(None, False)
    assert strict_eq(None, None)
    assert not strict_eq(math.nan, math.nan)


def test_short_circuit_skips_errors() -> None:
    assert _read("true || auth.x.length > 0")
    assert not _read("false && auth.x.length > 0") and _read("!(false && auth.x.length > 0)")
    assert not _read("(auth.x.length > 0) || true")
    assert _read("false ? auth.x.length > 0 : true")


def test_number_literals_and_arithmetic() -> None:
    assert _read("1.0 === 1 && .5 == 0.5 && 1e3 == 1000 && 2.5e-1 == 0.25")
    assert _read("-7 % 3 == -1 && 7 % -3 == 1 && 5.5 % 2 == 1.5")
    assert _read("(0/0 + '') == 'NaN' && ((-1)/0 + '') == 'NaN'")
    assert _read("0.1 + 0.2 + '' == '0.30000000000000004'")


def test_string_literals_and_escapes() -> None:
    assert _read("'it\\'s' == \"it's\" && 'a\\u0041' == 'aA' && 'tab\\t'.length == 4")


def test_string_length_is_utf16() -> None:
    assert _read("root.val().length == 2", data="\U0001f600")
    assert _read("root.val().length == 3", data="d\u00e9j")


def test_string_comparison_is_utf16_order() -> None:
    # U+FF5E sorts above U+1F600 in UTF-16 (surrogates are 0xD83D...), below it by code point.
    assert _read(
        "root.child('a').val() > root.child('b').val()", data={"a": "\uff5e", "b": "\U0001f600"}
    )


def test_replace_is_literal_and_global() -> None:
    assert _read("'a.b.c'.replace('.', '') == 'abc'")
    assert _read("'a+b'.replace('+', '\\\\') == 'a\\\\b'")
    assert _read("'x'.replace('.*', 'y') == 'x'")


def test_string_methods_need_string_receiver() -> None:
    assert not _read("auth.n.contains('1') || true", auth={"n": 12})
    assert _read("auth.n == 12", auth={"n": 12})


def test_auth_member_access_on_missing_is_null() -> None:
    assert _read("auth.a.b.c == null")
    assert _read(
        "auth.token.firebase.identities.length == 1",
        auth={"token": {"firebase": {"identities": ["x"]}}},
    )


def test_val_of_object_is_not_equal_to_anything() -> None:
    data = {"a": {"b": 1}}
    assert _read("root.child('a').val() != null", data=data)
    assert not _read("root.child('a').val() == root.child('a').val()", data=data)


def test_child_with_multi_segment_and_dot_in_key() -> None:
    data = {"a": {"b": {"c": 1}}, "banned": {"x@y.com": True}}
    assert _read(
        "root.child('a/b/c').val() == 1 && root.child('a').child('b/c').exists()", data=data
    )
    assert _read("root.child('banned/x@y.com').val() == true", data=data)


def test_regex_dollar_is_end_of_string() -> None:
    assert not _read("root.val().matches(/^a$/)", data="a\n")
    assert _read("root.val().matches(/^a$/)", data="a")


def test_regex_escape_makes_literal() -> None:
    assert _read("root.val().matches(/^a\\.b$/)", data="a.b")
    assert not _read("root.val().matches(/^a\\.b$/)", data="axb")


def test_now_is_number() -> None:
    assert _read(f"now == {NOW} && now > 0")


def test_ternary_with_snapshot_branches() -> None:
    assert _read("(auth == null ? root.child('a') : root.child('b')).exists()", data={"a": 1})
