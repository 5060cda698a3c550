"""The generated-code compiler and the closure compiler (its fallback) mean the same thing.

Every live-recorded fixture is evaluated both ways; a rule nested too deeply for Python's
own compiler must still compile (through the closures) and evaluate correctly.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_targaryen_fixtures import CASES, _can_read

from rtdb.rules import RulesError, codegen, compile_rules


def _both(rule: str, case: dict[str, Any]) -> tuple[bool, bool]:
    return _can_read(rule, case), _can_read(f"({rule}) || true", case)


def _refuse(node: Any) -> Any:
    raise SyntaxError("forced fallback")


@pytest.mark.parametrize("case", CASES)
def test_closures_agree_with_generated_code(case: dict[str, Any], monkeypatch) -> None:
    try:
        generated = _both(case["rule"], case)
    except RulesError:
        pytest.skip("refused at deploy time (covered by the fixture tests)")
    monkeypatch.setattr(codegen, "compile_predicate", _refuse)
    assert _both(case["rule"], case) == generated


@pytest.mark.parametrize("depth", [5, 150, 220])  # 220: past Python's nesting limit
def test_deeply_nested_rules_fall_back_and_still_work(depth: int) -> None:
    chain = " && ".join(["auth.uid == 'a'"] * depth)
    nested = "(" * min(depth, 150) + "auth != null" + ")" * min(depth, 150)
    rs = compile_rules(json.dumps({"rules": {"a": {".read": chain}, "b": {".read": nested}}}))
    assert rs.can_read(("a",), {"uid": "a"}, None, 0)
    assert not rs.can_read(("a",), {"uid": "b"}, None, 0)
    assert rs.can_read(("b",), {"uid": "x"}, None, 0)
    assert not rs.can_read(("b",), None, None, 0)


def test_too_deep_is_refused_not_crashed() -> None:
    rule = " && ".join(["auth != null"] * 2000)
    with pytest.raises(RulesError, match="nested too deeply"):
        compile_rules(json.dumps({"rules": {".read": rule}}))
