"""Rules files Firebase refuses: each gives a RulesError naming the rule's path and position."""

from __future__ import annotations

import json

import pytest

from rtdb.rules import RulesError, compile_rules


def _err(text: str) -> RulesError:
    with pytest.raises(RulesError) as info:
        compile_rules(text)
    return info.value


@pytest.mark.parametrize(
    "text",
    ["", "{", '{"rules": {".read": true,}}', '{"rules": {".read": tru}}', "{'rules': {}}",
     '{"rules": {}} extra', '{"rules": {/* open comment }}', '{"rules": {"a": 1 "b": 2}}'],
)  # fmt: skip
def test_invalid_json_is_a_parse_error(text: str) -> None:
    err = _err(text)
    assert "Parse error" in str(err)
    assert err.line is not None and err.column is not None


def test_parse_error_position() -> None:
    err = _err('{\n  "rules": {\n    ".read": true,\n  }\n}')
    assert (err.line, err.column) == (4, 3)
    assert "Line 4" in str(err)


EXPRESSION_ERRORS = [
    ("7", "boolean"),
    ("'foo'", "boolean"),
    ("auth.token.admin", "boolean"),
    ("auth.uid && true", "boolean"),
    ("var x = 1", "Unexpected"),
    ("root = 5", "Unexpected"),
    ("true; false", "Unexpected"),
    ("2 ** 2 == 4", "Unexpected"),
    ("skies === 'blue'", "Unknown variable"),
    ("$uid == 'x'", "wildcard"),
    ("root.nope()", "No such method/property"),
    ("root.child('a') == null", "cannot compare"),
    ("root.val() > true", "needs numbers or strings"),
    ("1 < 'a'", "compares"),
    ("'a'.matches(/a/g)", "flags"),
    ("'a'.matches(/(^a$|b)/)", "regular expression"),
    ("'a'.matches(/^(a|)$/)", "empty alternative"),
    ("'a'.matches('a')", "regular expression"),
    ("'a'.contains(1)", "string"),
    ("'a'.contains()", "argument"),
    ("root.hasChildren([])", "empty"),
    ("root.exists", "method"),
    ("'abc.", "Unterminated"),
    ("(true", "end of expression"),
    ("true ? 1 : 2", "boolean"),
    ("!'a'", "boolean"),
    ("'a' + true == 'atrue'", "strings or numbers"),
    ("[1] == 1", "array"),
]


@pytest.mark.parametrize("expr,fragment", EXPRESSION_ERRORS)
def test_expression_errors_name_path_and_position(expr: str, fragment: str) -> None:
    text = json.dumps({"rules": {"courses": {"$cid": {".write": expr}}}}, indent=2)
    err = _err(text)
    assert err.path == "/rules/courses/$cid/.write"
    assert "/rules/courses/$cid/.write" in str(err)
    assert fragment.lower() in str(err).lower()
    assert err.line == 5 and err.column is not None and err.column > 17


def test_error_column_points_into_expression() -> None:
    text = '{"rules": {"a": {".read": "auth != null && skies"}}}'
    err = _err(text)
    assert err.line == 1 and err.column == text.index("skies") + 1


def test_new_data_outside_write_and_validate() -> None:
    err = _err('{"rules": {"a": {".read": "newData.exists()"}}}')
    assert "newData" in str(err) and err.path == "/rules/a/.read"


def test_query_outside_read() -> None:
    err = _err('{"rules": {".write": "query.orderByKey"}}')
    assert "query" in str(err) and err.path == "/rules/.write"
    err = _err('{"rules": {".validate": "query.limitToFirst == 1"}}')
    assert err.path == "/rules/.validate"
    err = _err('{"rules": {".read": "query.foo == 1"}}')
    assert "foo" in str(err)


STRUCTURE_ERRORS = [
    ({"other": {}, "rules": {}}, "/other", "top-level"),
    ({"rules": {"a": {".reed": True}}}, "/rules/a/.reed", "not a rule type"),
    ({"rules": {"a": {"$x": {}, "$y": {}}}}, "/rules/a/$y", "two wildcards"),
    ({"rules": {"$x": {"a": {"$x": {}}}}}, "/rules/$x/a/$x", "already used"),
    ({"rules": {"a": {".indexOn": 5}}}, "/rules/a/.indexOn", "indexOn"),
    ({"rules": {"a": {".indexOn": ["x", 1]}}}, "/rules/a/.indexOn", "indexOn"),
    ({"rules": {"a": {".read": 1}}}, "/rules/a/.read", "boolean or an expression"),
    ({"rules": {"a": True}}, "/rules/a", "object"),
    ({"rules": {"a.b": {}}}, "/rules/a.b", "invalid key"),
    ({"rules": {"$": {}}}, "/rules/$", "wildcard"),
    ({"rules": 5}, "/rules", "object"),
]


@pytest.mark.parametrize("doc,path,fragment", STRUCTURE_ERRORS)
def test_structure_errors(doc: dict, path: str, fragment: str) -> None:
    err = _err(json.dumps(doc, indent=2))
    assert err.path == path
    assert fragment.lower() in str(err).lower()
    assert err.line is not None


def test_missing_rules_key() -> None:
    assert "rules" in str(_err("{}"))


def test_valid_edge_files_compile() -> None:
    compile_rules('{"rules": {}}')
    compile_rules(
        '{"rules": {".read": "true", "a": {".indexOn": "x", "$k": {".validate": false}}}}'
    )
    compile_rules('{"rules": {"$a": {"$b": {".read": "$a == $b"}}}}')
