"""ETags and conditional requests (``X-Firebase-ETag``, ``if-match``, ``if-none-match``)."""

from __future__ import annotations

from tools.testing.rawhttp import request

ETAG = {"X-Firebase-ETag": "true"}
# The SDK's node hash (``hash()`` of core/snap/LeafNode.ts, ChildrenNode.ts): the ETag is it.
HASH_A1_BX = "jRI9dwRS9sb4SWm8uuoN7+xBk4g="


def test_etag_is_the_node_hash_and_null_etag(rtdb_server, ns):
    missing = request(rtdb_server.url, "GET", f"/e.json?ns={ns}", headers=ETAG)
    assert missing.headers["etag"] == "null_etag" and missing.json is None
    request(rtdb_server.url, "PUT", f"/e.json?ns={ns}", {"a": 1, "b": "x"})
    got = request(rtdb_server.url, "GET", f"/e.json?ns={ns}", headers=ETAG)
    assert got.headers["etag"] == HASH_A1_BX
    plain = request(rtdb_server.url, "GET", f"/e.json?ns={ns}")
    assert "etag" not in plain.headers


def test_if_match_put_success_and_412(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/c.json?ns={ns}", {"a": 1, "b": "x"})
    ok = request(rtdb_server.url, "PUT", f"/c.json?ns={ns}", 5, {"if-match": HASH_A1_BX})
    assert ok.status == 200 and ok.json == 5
    new_etag = ok.headers["etag"]
    assert new_etag != HASH_A1_BX
    stale = request(rtdb_server.url, "PUT", f"/c.json?ns={ns}", 6, {"if-match": HASH_A1_BX})
    assert stale.status == 412
    assert stale.json == 5 and stale.headers["etag"] == new_etag
    assert request(rtdb_server.url, "GET", f"/c.json?ns={ns}").json == 5


def test_an_etag_that_begins_like_a_weak_one_still_matches(rtdb_server, ns):
    """Base64 can begin with "W/": such a hash is the ETag itself, not a weak prefix (one
    value in 4096 made every firebase-admin transaction on it abort after 25 retries)."""
    request(rtdb_server.url, "PUT", f"/w.json?ns={ns}", "v2287")
    got = request(rtdb_server.url, "GET", f"/w.json?ns={ns}", headers=ETAG)
    assert got.headers["etag"] == "W/+OdDiC02trmYDtt53AiPDAZnY="
    ok = request(rtdb_server.url, "PUT", f"/w.json?ns={ns}", 1, {"if-match": got.headers["etag"]})
    assert ok.status == 200 and ok.json == 1
    weak = request(
        rtdb_server.url, "PUT", f"/w.json?ns={ns}", 2, {"if-match": f'W/"{ok.headers["etag"]}"'}
    )
    assert weak.status == 200 and weak.json == 2


def test_null_etag_creates_only_if_absent(rtdb_server, ns):
    first = request(rtdb_server.url, "PUT", f"/once.json?ns={ns}", "me", {"if-match": "null_etag"})
    assert first.status == 200
    second = request(
        rtdb_server.url, "PUT", f"/once.json?ns={ns}", "you", {"if-match": "null_etag"}
    )
    assert second.status == 412 and second.json == "me"


def test_if_match_delete_and_patch(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/d.json?ns={ns}", {"a": 1, "b": "x"})
    bad = request(rtdb_server.url, "DELETE", f"/d.json?ns={ns}", headers={"if-match": "nope"})
    assert bad.status == 412 and bad.json == {"a": 1, "b": "x"}
    patch = request(rtdb_server.url, "PATCH", f"/d.json?ns={ns}", {"c": 2}, {"if-match": "nope"})
    assert patch.status == 412
    patch = request(
        rtdb_server.url, "PATCH", f"/d.json?ns={ns}", {"c": 2}, {"if-match": HASH_A1_BX}
    )
    assert patch.status == 200
    cur = request(rtdb_server.url, "GET", f"/d.json?ns={ns}", headers=ETAG).headers["etag"]
    gone = request(rtdb_server.url, "DELETE", f"/d.json?ns={ns}", headers={"if-match": cur})
    assert gone.status == 200
    assert request(rtdb_server.url, "GET", f"/d.json?ns={ns}").json is None


def test_if_none_match_304(rtdb_server, ns):
    request(rtdb_server.url, "PUT", f"/n.json?ns={ns}", {"a": 1, "b": "x"})
    same = request(
        rtdb_server.url, "GET", f"/n.json?ns={ns}", headers={"if-none-match": HASH_A1_BX}
    )
    assert same.status == 304 and same.body == b""
    request(rtdb_server.url, "PUT", f"/n/a.json?ns={ns}", 2)
    changed = request(
        rtdb_server.url, "GET", f"/n.json?ns={ns}", headers={"if-none-match": HASH_A1_BX}
    )
    assert changed.status == 200 and changed.json == {"a": 2, "b": "x"}
    assert changed.headers["etag"] not in ("", HASH_A1_BX)
