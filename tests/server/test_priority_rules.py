""".priority under rules: what a rule sees of every way a client can write a priority.

A priority is a node's metadata, not a child: ``$other`` does not match ``.priority``, and
rules see it through ``getPriority()``. So an app refuses priorities with
``newData.getPriority() === null`` in ``.validate`` — and that must hold for every way the
SDKs write one: ``setWithPriority`` (``{".value", ".priority"}`` for a leaf, an object with
``.priority`` otherwise), ``setPriority`` (a write to ``<path>/.priority``), priorities
nested in a parent's data, and REST's ``PUT <path>/.priority.json``.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_rules_semantics import ALICE, admin_get, denied, load_rules, seed

from tools.testing.rawhttp import OWNER, request
from tools.testing.tokens import id_token

NO_PRIORITY = "newData.getPriority() === null"
RULES = {
    "posts": {
        "$id": {
            ".read": True,
            ".write": "auth != null",
            ".validate": f"newData.hasChildren(['t']) && {NO_PRIORITY}",
            "t": {".validate": f"newData.isString() && {NO_PRIORITY}"},
            "$other": {".validate": False},
        }
    },
    # The same shape with only $other: false, to show what it does not catch.
    "loose": {"$id": {".read": True, ".write": True, "t": {}, "$other": {".validate": False}}},
}


@pytest.fixture
def world(rtdb_server, ns) -> None:
    load_rules(rtdb_server, ns, RULES)
    seed(rtdb_server, ns, "/", {"posts": {"a": {"t": "x"}}, "loose": {"a": {"t": "x"}}})


def export(rtdb_server, ns, path: str) -> Any:
    return request(rtdb_server.url, "GET", f"/{path}.json?ns={ns}&format=export", None, OWNER).json


def test_every_sdk_way_of_writing_a_priority_is_seen_by_get_priority(rtdb_server, ns, world, js):
    alice = js(ALICE)
    alice.set("posts/b", {"t": "fine"})  # no priority: allowed
    for call, args in [
        (alice.set_with_priority, ("posts/a", {"t": "x"}, "p" * 1000)),
        (alice.set_with_priority, ("posts/a/t", "x", 1)),
        (alice.set_priority, ("posts/a", 5)),
        (alice.set_priority, ("posts/a/t", "p")),
        (alice.set, ("posts/c", {"t": {".value": "x", ".priority": 1}})),
        (alice.set, ("posts/c", {"t": "x", ".priority": 1})),
        (alice.update, ("posts", {"c": {"t": "x", ".priority": 1}})),
        (alice.update, ("posts/a", {"t": {".value": "y", ".priority": 2}})),
    ]:
        err = denied(call, *args)
        assert err.code == "PERMISSION_DENIED", (call, args)
    assert export(rtdb_server, ns, "posts") == {"a": {"t": "x"}, "b": {"t": "fine"}}


def test_rest_priority_writes_are_judged_the_same(rtdb_server, ns, world):
    auth = f"auth={id_token('alice')}"
    for target, body in [
        ("posts/a/.priority", 5),
        ("posts/a/t/.priority", "p"),
        ("posts/a", {"t": "x", ".priority": "p"}),
        ("posts/a", {"t": {".value": "x", ".priority": 1}}),
    ]:
        r = request(rtdb_server.url, "PUT", f"/{target}.json?ns={ns}&{auth}", body)
        assert (r.status, r.json) == (401, {"error": "Permission denied"}), target
    r = request(
        rtdb_server.url, "PATCH", f"/posts.json?ns={ns}&{auth}", {"a": {"t": "x", ".priority": 1}}
    )
    assert r.status == 401
    assert export(rtdb_server, ns, "posts") == {"a": {"t": "x"}}


def test_other_false_does_not_catch_a_priority(rtdb_server, ns, world, js):
    """Why the rules must say getPriority(): the wildcard never sees ``.priority``."""
    c = js(ALICE)
    c.set_priority("loose/a", 7)
    c.set_with_priority("loose/a/t", "x", "p")
    assert export(rtdb_server, ns, "loose/a") == {
        ".priority": 7,
        "t": {".value": "x", ".priority": "p"},
    }
    assert denied(c.set, "loose/a/extra", 1).code == "PERMISSION_DENIED"  # real children: refused
    assert admin_get(rtdb_server, ns, "loose/a") == {"t": "x"}
