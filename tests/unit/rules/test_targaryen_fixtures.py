"""Rule expressions recorded against live Firebase (see targaryen_fixtures.json's _origin).

Each rule is placed in a ``.read`` (under a ``$wildcard`` when the fixture binds one) and
read with the fixture's user, data and REST query. A runtime failure must deny even when
wrapped as ``(rule) || true``; a rule that evaluates cleanly must grant when so wrapped,
which tells "false" and "error" apart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rtdb.core.query import KEY_INDEX, VALUE_INDEX, Bound, QuerySpec
from rtdb.rules import RulesError, compile_rules

FIXTURES = json.loads((Path(__file__).parent / "targaryen_fixtures.json").read_text())
USERS = FIXTURES["users"]


def _query(q: dict[str, Any] | None) -> QuerySpec | None:
    """A REST query (as the fixtures name its parameters) as the core's QuerySpec."""
    if q is None:
        return None
    index = KEY_INDEX
    if q.get("orderByValue"):
        index = VALUE_INDEX
    if "orderByChild" in q:
        index = q["orderByChild"]
    start = Bound(q["startAt"]) if "startAt" in q else None
    end = Bound(q["endAt"]) if "endAt" in q else None
    if "equalTo" in q:
        start = end = Bound(q["equalTo"])
    limit, view_from = None, None
    if "limitToFirst" in q:
        limit, view_from = q["limitToFirst"], "l"
    if "limitToLast" in q:
        limit, view_from = q["limitToLast"], "r"
    return QuerySpec(index, start, end, limit, view_from)


def _can_read(rule: str, case: dict[str, Any]) -> bool:
    wild = case.get("wildchildren") or {}
    node: dict[str, Any] = {".read": rule}
    path: tuple[str, ...] = ()
    for name, value in wild.items():
        node = {name: node}
        path = (value, *path)
    ruleset = compile_rules(json.dumps({"rules": node}))
    return ruleset.can_read(
        path, USERS[case["user"]], case.get("data"), 1_500_000_000_000, _query(case.get("query"))
    )


CASES = [pytest.param(c, id=f"{i}:{c['rule']}") for i, c in enumerate(FIXTURES["tests"])]


@pytest.mark.parametrize("case", CASES)
def test_live_firebase_fixture(case: dict[str, Any]) -> None:
    rule = case["rule"]
    if not case["isValid"]:
        with pytest.raises(RulesError):
            _can_read(rule, case)
        return
    if case["failAtRuntime"]:
        assert _can_read(rule, case) is False
        assert _can_read(f"({rule}) || true", case) is False
    else:
        assert _can_read(rule, case) is case["evaluateTo"]
        assert _can_read(f"({rule}) || true", case) is True
