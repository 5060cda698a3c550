"""The app's display-name check (app/services/names.py) is the rules' check, both ways."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from app.model import limits
from app.model import names as model_names
from app.services import names
from rules import _common


def test_app_and_rules_share_one_table() -> None:
    """Both read app/model/names.py (the behaviour is compared below, both ways)."""
    assert names.RANGES is model_names.RANGES is _common.NAME_RANGES
    assert names.KEY_ESCAPES is model_names.KEY_ESCAPES is _common.KEY_ESCAPES


def _rules_accept(name: str) -> bool:
    pattern = re.search(r"matches\(/(.*?)/\)", _common.NAME_OK).group(1)
    return (
        0 < len(name) <= limits.NAME_MAX
        and re.fullmatch(pattern.strip("^$"), name) is not None
        and not name.startswith(" ")
        and not name.endswith(" ")
        and "  " not in name
    )


@given(st.text(max_size=70))
def test_app_and_rules_agree(name: str) -> None:
    assert (names.problem(name) is None) == _rules_accept(name)


def test_invisible_and_lookalike_spaces_are_refused() -> None:
    for name in (
        "Ivan\u200bInstructor",
        "Ivan \u202eInstructor",
        "Ivan\u00a0I",
        "a\x07",
        "\ufeffA",
    ):
        assert names.problem(name) is not None, repr(name)
    for name in ("Lena Learner", "José Ñoño", "Ζήνων", "李小龍", "O'Brien-Smith Jr."):
        assert names.problem(name) is None, name


def test_key_matches_the_rules() -> None:
    assert names.key("a.b#c$d[e]f/g%h") == _common.name_key("a.b#c$d[e]f/g%h")
