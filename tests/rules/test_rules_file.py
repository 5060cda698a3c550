"""The rules file Firebase deploys is exactly what rules/nimbus_rules.py generates."""

from __future__ import annotations

from pathlib import Path

from rtdb.rules import compile_rules
from rules import nimbus_rules

RULES_FILE = Path(__file__).resolve().parents[2] / "rules" / "database.rules.json"


def test_rules_file_is_generated_from_source() -> None:
    assert RULES_FILE.read_text() == nimbus_rules.render(), (
        "rules/database.rules.json is stale: run `python3 build.py rules`"
    )


def test_rules_file_compiles() -> None:
    ruleset = compile_rules(RULES_FILE.read_text())
    assert ruleset.index_on(("forum", "c1", "questions")) == ("lessonId", "createdAt")
