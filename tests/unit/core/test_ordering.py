"""Firebase's key, value and priority orders (``nameCompare``, ``Node.compareTo``)."""

from __future__ import annotations

from rtdb.core.ordering import MAX_NAME, MIN_NAME, leaf_key, name_key, node_key, priority_key


def by_name(keys: list[str]) -> list[str]:
    return sorted(keys, key=name_key)


def test_integer_keys_first_numerically_shorter_first_on_ties() -> None:
    assert by_name(["b", "10", "9", "a", "-1", "007", "07", "7"]) == [
        "-1",
        "7",
        "07",
        "007",
        "9",
        "10",
        "a",
        "b",
    ]


def test_int32_range_and_leading_zeros_follow_try_parse_int() -> None:
    # 2147483648 is outside int32: a string key, sorted after every integer key.
    assert by_name(["2147483648", "2147483647", "a"]) == ["2147483647", "2147483648", "a"]
    assert by_name(["-2147483648", "-2147483649"]) == ["-2147483648", "-2147483649"]
    # Any number of leading zeros before at most 10 digits is still an integer key.
    assert name_key("000000000005")[0] == 0
    # Non-ASCII digits are not digits to JavaScript's regex.
    assert name_key("٣")[0] == 1


def test_strings_compare_as_utf16_code_units() -> None:
    # U+FF5E (one unit, 0xFF5E) sorts after U+1F600 (surrogates 0xD83D...) in JavaScript.
    assert by_name(["\uff5e", "😀"]) == ["😀", "\uff5e"]
    assert leaf_key("😀") < leaf_key("\uff5e")


def test_sentinels() -> None:
    assert by_name(["a", MAX_NAME, "1", MIN_NAME]) == [MIN_NAME, "1", "a", MAX_NAME]


def test_value_order_across_types() -> None:
    vals = ["b", {"o": 1}, 3, None, True, -1.5, False, "a"]
    assert sorted(vals, key=node_key) == [None, False, True, -1.5, 3, "a", "b", {"o": 1}]
    assert node_key({".value": 1, ".priority": "z"}) == node_key(1)


def test_priority_order() -> None:
    assert sorted(["b", 2, None, 1.5, "a"], key=priority_key) == [None, 1.5, 2, "a", "b"]


def test_ascii_and_non_ascii_strings_compare_consistently() -> None:
    assert leaf_key("z") < leaf_key("é") < leaf_key("😀") < leaf_key("\uff5e")
    assert by_name(["é", "z", "a"]) == ["a", "z", "é"]
