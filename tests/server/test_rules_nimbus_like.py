"""The Nimbus-like ruleset the rules bench times (``bench/nimbus_like.rules.json``) means what
its comments say, end to end through the JS SDK: owner checks, ``root.child`` lookups,
per-field ``.validate`` and ``$other: false``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_rules_semantics import admin_get, denied, load_rules, seed

from tools.testing.jsclient import JsFactory, sv_timestamp

RULES = Path(__file__).resolve().parents[2] / "bench" / "nimbus_like.rules.json"
ANN = {"sub": "ann"}
BEN = {"sub": "ben"}
TEACHER = {"sub": "tess", "admin": True}


@pytest.fixture
def nimbus(rtdb_server: Any, ns: str) -> str:
    load_rules(rtdb_server, ns, RULES.read_text())
    seed(
        rtdb_server,
        ns,
        "/",
        {
            "users": {"ann": {"name": "Ann"}, "ben": {"name": "Ben"}, "tess": {"name": "Tess"}},
            "courses": {
                "py": {"title": "Python", "owner": "tess", "published": True},
                "draft": {"title": "Draft", "owner": "tess", "published": False},
            },
            "enrollments": {"py": {"ann": True}},
        },
    )
    return ns


def question(author: str, **extra: Any) -> dict[str, Any]:
    return {
        "author": author,
        "title": "Why?",
        "body": "It loops.",
        "createdAt": sv_timestamp(),
        **extra,
    }


def test_forum_posting_and_owner_checks(rtdb_server, nimbus, js: JsFactory):
    ann, ben = js(ANN), js(BEN)
    ann.set("forum/py/q1", question("ann", votes=0, tags={"loops": True}))
    assert admin_get(rtdb_server, nimbus, "forum/py/q1/author") == "ann"
    assert ann.val("forum/py/q1/title") == "Why?"
    # Not enrolled: can neither post nor read.
    assert denied(ben.set, "forum/py/q2", question("ben")).code == "PERMISSION_DENIED"
    assert denied(ben.get, "forum/py").message == "Permission denied"
    # Enrolled, but the question belongs to someone else / claims someone else as author.
    seed(rtdb_server, nimbus, "enrollments/py/ben", True)
    assert denied(ben.set, "forum/py/q1/title", "Mine now").code == "PERMISSION_DENIED"
    assert denied(ben.set, "forum/py/q3", question("ann")).code == "PERMISSION_DENIED"
    ben.set("forum/py/q3", question("ben"))
    # Field validation: unknown fields, bad types, bad tag names, missing required fields.
    for bad in (
        question("ann", extra=1),
        question("ann", votes=-1),
        question("ann", tags={"Bad Tag": True}),
        {"author": "ann", "title": "no body", "createdAt": 1},
        question("ann") | {"createdAt": 4_102_444_800_000},  # in the future
    ):
        assert denied(ann.set, "forum/py/q9", bad).code == "PERMISSION_DENIED"
    # The author may delete their own question (deletes skip .validate).
    ann.remove("forum/py/q1")
    assert admin_get(rtdb_server, nimbus, "forum/py/q1") is None


def test_catalog_and_enrolment(rtdb_server, nimbus, js: JsFactory):
    ann, tess = js(ANN), js(TEACHER)
    assert ann.val("courses/py/title") == "Python"
    assert denied(js().get, "courses").message == "Permission denied"  # signed out
    assert denied(ann.set, "courses/py/title", "Hacked").code == "PERMISSION_DENIED"
    tess.set("courses/js", {"title": "JS", "owner": "tess", "published": True})
    # The owner must be an existing user (a root.child lookup built from newData).
    err = denied(tess.set, "courses/go", {"title": "Go", "owner": "nobody"})
    assert err.code == "PERMISSION_DENIED"
    ann.set("enrollments/js/ann", True)
    assert denied(ann.set, "enrollments/draft/ann", True).code == "PERMISSION_DENIED"
    assert denied(ann.set, "enrollments/js/ben", True).code == "PERMISSION_DENIED"
