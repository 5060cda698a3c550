"""REST queries as curl sends them: JSON-valued params, key tie-breaks, Firebase's 400s."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tools.testing.rawhttp import OWNER, request

SCORES = {
    "alice": {"score": 10, "team": "red"},
    "bob": {"score": 20, "team": "blue"},
    "carol": {"score": 20, "team": "red"},
    "dave": {"score": 30, "team": "blue"},
    "erin": {"team": "none"},
}


@pytest.fixture
def scores(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/scores.json?ns={ns}", SCORES)

    def get(**params: str) -> object:
        qs = "&".join(f"{k}={quote(v, safe='$,:')}" for k, v in params.items())
        r = request(rtdb_server.url, "GET", f"/scores.json?ns={ns}&{qs}")
        assert r.status == 200, r.body
        return r.json

    return get


def test_order_by_child_ranges(scores):
    assert set(scores(orderBy='"score"', startAt="20")) == {"bob", "carol", "dave"}
    assert set(scores(orderBy='"score"', endAt="20")) == {"erin", "alice", "bob", "carol"}
    assert set(scores(orderBy='"score"', equalTo="20")) == {"bob", "carol"}
    assert set(scores(orderBy='"score"', startAfter="20")) == {"dave"}
    assert set(scores(orderBy='"score"', endBefore="20")) == {"erin", "alice"}
    assert set(scores(orderBy='"team"', equalTo='"red"')) == {"alice", "carol"}


def test_key_tie_break(scores):
    assert set(scores(orderBy='"score"', startAt='20,"bz"')) == {"carol", "dave"}
    assert set(scores(orderBy='"score"', endAt='20,"bob"')) == {"erin", "alice", "bob"}
    assert set(scores(orderBy='"score"', startAfter='20,"bob"')) == {"carol", "dave"}
    assert set(scores(orderBy='"score"', equalTo='20,"carol"')) == {"carol"}


def test_limits(scores):
    assert set(scores(orderBy='"score"', limitToFirst="2")) == {"erin", "alice"}
    assert set(scores(orderBy='"score"', limitToLast="2")) == {"carol", "dave"}
    assert set(scores(orderBy='"score"', startAt="15", limitToFirst="1")) == {"bob"}
    assert scores(orderBy='"score"', limitToLast="0") is None


def test_key_value_and_priority_indexes(rtdb_server, ns, scores):
    assert set(scores(orderBy='"$key"', startAt='"c"', endAt='"d~"')) == {"carol", "dave"}
    assert set(scores(orderBy='"$key"', startAfter='"carol"')) == {"dave", "erin"}
    request(rtdb_server.url, "PUT", f"/v.json?ns={ns}", {"a": 3, "b": 1, "c": "z", "d": 2})
    r = request(rtdb_server.url, "GET", f"/v.json?ns={ns}&orderBy=%22$value%22&limitToFirst=2")
    assert r.json == {"b": 1, "d": 2}
    pri = {"x": {".value": 1, ".priority": 3}, "y": {".value": 2, ".priority": 1}, "z": 3}
    request(rtdb_server.url, "PUT", f"/p.json?ns={ns}", pri)
    r = request(rtdb_server.url, "GET", f"/p.json?ns={ns}&orderBy=%22$priority%22&startAt=2")
    assert r.json == {"x": 1}
    r = request(rtdb_server.url, "GET", f"/p.json?ns={ns}&orderBy=%22$priority%22&limitToFirst=2")
    assert r.json == {"z": 3, "y": 2}


def test_nested_child_path(rtdb_server, ns):
    data = {"a": {"r": {"pos": 2}}, "b": {"r": {"pos": 1}}, "c": {"r": {"pos": 3}}}
    request(rtdb_server.url, "PUT", f"/n.json?ns={ns}", data)
    r = request(rtdb_server.url, "GET", f"/n.json?ns={ns}&orderBy=%22r/pos%22&limitToFirst=2")
    assert set(r.json) == {"a", "b"}


def test_query_results_render_plain(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/q.json?ns={ns}", {"a": {".value": 1, ".priority": 1}})
    r = request(rtdb_server.url, "GET", f"/q.json?ns={ns}&orderBy=%22$key%22&limitToFirst=5")
    assert r.json == {"a": 1}
    r = request(
        rtdb_server.url, "GET", f"/q.json?ns={ns}&orderBy=%22$key%22&limitToFirst=5&format=export"
    )
    assert r.json == {"a": {".value": 1, ".priority": 1}}


@pytest.mark.parametrize(
    ("qs", "message"),
    [
        ("limitToFirst=1", "orderBy must be defined when other query parameters are defined"),
        ("startAt=1", "orderBy must be defined when other query parameters are defined"),
        ("orderBy=score", "orderBy must be a valid JSON encoded path"),
        ("orderBy=5", "orderBy must be a valid JSON encoded path"),
        ("orderBy=%22a%5Bb%22", "orderBy must be a valid JSON encoded path"),
        ("orderBy=%22score%22&startAt=abc", "Constraint index field must be a JSON primitive"),
        ("orderBy=%22score%22&equalTo=%7B%7D", "Constraint index field must be a JSON primitive"),
        ("orderBy=%22score%22&equalTo=1&startAt=1", "equalTo cannot be specified"),
        ("orderBy=%22score%22&limitToFirst=1&limitToLast=1", "limitToFirst and limitToLast"),
        ("orderBy=%22score%22&limitToFirst=-1", "limitToFirst must be a positive integer"),
        ("orderBy=%22score%22&limitToLast=abc", "limitToLast must be a positive integer"),
        ("orderBy=%22$key%22&startAt=1", "when ordering by key"),
    ],
)
def test_query_errors(rtdb_server, ns, qs, message):
    r = request(rtdb_server.url, "GET", f"/scores.json?ns={ns}&{qs}")
    assert r.status == 400
    assert message in r.json["error"]


def test_unindexed_query_served_like_the_emulator(rtdb_server, ns):
    rules = {"rules": {".read": True, ".write": True, "i": {".indexOn": ["other"]}}}
    request(rtdb_server.url, "PUT", f"/.settings/rules.json?ns={ns}", rules, OWNER)
    request(rtdb_server.url, "PUT", f"/i.json?ns={ns}", {"a": {"h": 2}, "b": {"h": 1}})
    r = request(rtdb_server.url, "GET", f"/i.json?ns={ns}&orderBy=%22h%22&limitToFirst=1")
    assert r.status == 200 and r.json == {"b": {"h": 1}}
