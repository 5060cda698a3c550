"""Who a REST request is, and rule denials answered as Firebase answers them."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tools.testing.rawhttp import OWNER, request
from tools.testing.tokens import id_token

RULES = {
    "rules": {
        "public": {".read": True},
        "users": {
            "$uid": {".read": "auth != null && auth.uid == $uid", ".write": "auth.uid == $uid"}
        },
    }
}


@pytest.fixture
def locked(rtdb_server, ns):
    request(
        rtdb_server.url, "PUT", f"/.json?ns={ns}", {"public": 1, "users": {"u1": {"n": 1}}}, OWNER
    )
    assert (
        request(rtdb_server.url, "PUT", f"/.settings/rules.json?ns={ns}", RULES, OWNER).status
        == 200
    )
    return ns


def test_denials_are_401_permission_denied(rtdb_server, locked):
    ns = locked
    for method, body in (
        ("GET", None),
        ("PUT", 1),
        ("PATCH", {"a": 1}),
        ("POST", 1),
        ("DELETE", None),
    ):
        r = request(rtdb_server.url, method, f"/users/u1.json?ns={ns}", body)
        assert r.status == 401, method
        assert r.json == {"error": "Permission denied"}
    assert request(rtdb_server.url, "GET", f"/public.json?ns={ns}").json == 1
    assert request(rtdb_server.url, "GET", f"/users/u1.json?ns={ns}", None, OWNER).json == {"n": 1}


def test_owner_by_header_auth_and_access_token(rtdb_server, locked):
    ns = locked
    for target in (
        f"/users/u1.json?ns={ns}&auth=owner",
        f"/users/u1.json?ns={ns}&access_token=owner",
    ):
        assert request(rtdb_server.url, "GET", target).json == {"n": 1}
    r = request(
        rtdb_server.url, "PUT", f"/users/u1/n.json?ns={ns}", 2, {"Authorization": "Bearer owner"}
    )
    assert r.status == 200


def test_id_token_as_auth_param_and_bearer(rtdb_server, locked):
    ns = locked
    token = id_token("u1")
    assert request(rtdb_server.url, "GET", f"/users/u1.json?ns={ns}&auth={token}").json == {"n": 1}
    bearer = {"Authorization": f"Bearer {token}"}
    assert request(rtdb_server.url, "PUT", f"/users/u1/n.json?ns={ns}", 3, bearer).status == 200
    other = {"Authorization": f"Bearer {id_token('u2')}"}
    assert request(rtdb_server.url, "GET", f"/users/u1.json?ns={ns}", None, other).status == 401


def test_auth_variable_override_only_for_admins(rtdb_server, locked):
    ns = locked
    as_u1 = quote(json.dumps({"uid": "u1"}))
    r = request(
        rtdb_server.url,
        "GET",
        f"/users/u1.json?ns={ns}&auth_variable_override={as_u1}",
        None,
        OWNER,
    )
    assert r.json == {"n": 1}
    as_u2 = quote(json.dumps({"uid": "u2"}))
    r = request(
        rtdb_server.url,
        "GET",
        f"/users/u1.json?ns={ns}&auth_variable_override={as_u2}",
        None,
        OWNER,
    )
    assert r.status == 401
    r = request(
        rtdb_server.url, "GET", f"/users/u1.json?ns={ns}&auth_variable_override=null", None, OWNER
    )
    assert r.status == 401
    # A non-admin cannot pick its own auth.
    r = request(rtdb_server.url, "GET", f"/users/u1.json?ns={ns}&auth_variable_override={as_u1}")
    assert r.status == 401


def test_412_does_not_leak_unreadable_data(rtdb_server, locked):
    ns = locked
    r = request(rtdb_server.url, "PUT", f"/users/u1.json?ns={ns}", 1, {"if-match": "stale"})
    assert r.status == 401 and r.json == {"error": "Permission denied"}
