"""Firebase's limits and bad input over REST: a clear error, nothing written, nobody else hurt.

Every bad request is followed by a check that a second client — a live SSE stream and
ordinary REST calls — still works, so a request that crashed or wedged the server fails.
"""

from __future__ import annotations

import socket
from urllib.parse import unquote, urlsplit

import pytest

from tools.testing.rawhttp import open_stream, request

TOO_BIG = "Data to write exceeds the maximum size that can be modified with a single request."
BAD_JSON = "Invalid data; couldn't parse JSON object, array, or value."


@pytest.fixture
def bystander(rtdb_server, ns):
    """Another client; ``check()`` proves it is unaffected by what the test just did."""
    stream = open_stream(rtdb_server.url, f"/watch.json?ns={ns}")
    assert stream.next().json == {"path": "/", "data": None}
    counter = {"n": 0}

    def check() -> None:
        counter["n"] += 1
        n = counter["n"]
        assert request(rtdb_server.url, "PUT", f"/watch/n.json?ns={ns}", n).status == 200
        assert stream.next().json == {"path": "/n", "data": n}
        assert request(rtdb_server.url, "GET", f"/watch/n.json?ns={ns}").json == n

    yield check
    stream.close()


def nested(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = {"k": value}
    return value


@pytest.mark.parametrize("key", ["a.b", "a$b", "a#b", "a[b", "a]b", "a\x01b", "a\x7fb", "k" * 769])
def test_invalid_keys_in_data(rtdb_server, ns, bystander, key):
    for method in ("PUT", "POST", "PATCH"):
        r = request(rtdb_server.url, method, f"/bad.json?ns={ns}", {key: 1, "ok": 2})
        assert r.status == 400, (method, key)
        assert "error" in r.json
    assert request(rtdb_server.url, "GET", f"/bad.json?ns={ns}").json is None
    bystander()


def test_longest_key_is_fine(rtdb_server, ns, bystander):
    """The JS SDK counts the whole path, "/long/" included, against 768 bytes."""
    key = "é" * 381  # 762 UTF-8 bytes: "/long/<key>" is 768
    assert request(rtdb_server.url, "PUT", f"/long.json?ns={ns}", {key: 1}).status == 200
    assert request(rtdb_server.url, "GET", f"/long.json?ns={ns}").json == {key: 1}
    r = request(rtdb_server.url, "PUT", f"/long.json?ns={ns}", {key + "x": 1})
    assert r.status == 400 and "longer than 768 bytes" in r.json["error"]
    bystander()


@pytest.mark.parametrize("segment", ["a$b", "a%23b", "a%5Bb", "a%5Db", "a%01b", "a.b"])
def test_invalid_keys_in_path(rtdb_server, ns, bystander, segment):
    for method, body in (("GET", None), ("PUT", 1), ("PATCH", {"x": 1}), ("DELETE", None)):
        r = request(rtdb_server.url, method, f"/ok/{segment}.json?ns={ns}", body)
        assert r.status == 400, (method, segment, r.body)
        assert "Invalid path" in r.json["error"] or "Invalid" in r.json["error"]
    r = request(rtdb_server.url, "PATCH", f"/ok.json?ns={ns}", {f"x/{unquote(segment)}": 1})
    assert r.status == 400
    bystander()


def test_depth_limit(rtdb_server, ns, bystander):
    deep = "/".join(["d"] * 33)
    assert request(rtdb_server.url, "PUT", f"/{deep}.json?ns={ns}", 1).status == 400
    assert request(rtdb_server.url, "PUT", f"/x.json?ns={ns}", nested(33)).status == 400
    assert (
        request(rtdb_server.url, "PUT", f"/{'/'.join(['d'] * 20)}.json?ns={ns}", nested(13)).status
        == 400
    )
    r = request(rtdb_server.url, "PATCH", f"/{'/'.join(['d'] * 30)}.json?ns={ns}", {"a/b/c": 1})
    assert r.status == 400
    assert request(rtdb_server.url, "GET", f"/.json?ns={ns}").json is None  # nothing written
    ok = request(rtdb_server.url, "PUT", f"/{'/'.join(['d'] * 20)}.json?ns={ns}", nested(12))
    assert ok.status == 200
    bystander()


@pytest.mark.parametrize(
    "raw",
    [
        b'{"a": ',
        b"{'a': 1}",
        b"[1, 2,]",
        b"undefined",
        b"Infinity",
        b'{"a": 1} trailing',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,
        b'{"a":' * 50_000,
    ],
)
def test_malformed_json(rtdb_server, ns, bystander, raw):
    for method in ("PUT", "POST", "PATCH"):
        r = request(rtdb_server.url, method, f"/mal.json?ns={ns}", raw=raw)
        assert r.status == 400 and r.json == {"error": BAD_JSON}, (method, raw[:20])
    assert request(rtdb_server.url, "GET", f"/mal.json?ns={ns}").json is None
    bystander()


def test_string_over_10_mb(rtdb_server, ns, bystander):
    big = "x" * (10 * 1024 * 1024 + 1)
    r = request(rtdb_server.url, "PUT", f"/s.json?ns={ns}", {"big": big})
    assert r.status == 400 and "10 MB" in r.json["error"]
    assert request(rtdb_server.url, "GET", f"/s.json?ns={ns}").json is None
    ok = "y" * (10 * 1024 * 1024 - 10)
    assert request(rtdb_server.url, "PUT", f"/s.json?ns={ns}&print=silent", ok).status == 204
    assert request(rtdb_server.url, "DELETE", f"/s.json?ns={ns}").status == 200
    bystander()


def test_body_over_256_mb_refused_up_front(rtdb_server, ns, bystander):
    """A write announcing more than Firebase's 256 MB REST limit is refused before upload."""
    parts = urlsplit(rtdb_server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as sock:
        head = (
            f"PUT /big.json?ns={ns} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {300 * 1024 * 1024}\r\n\r\n"
        )
        sock.sendall(head.encode() + b'{"a": "')
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    status = int(reply.split(b" ", 2)[1])
    assert status == 413
    assert TOO_BIG.encode() in reply
    assert request(rtdb_server.url, "GET", f"/big.json?ns={ns}").json is None
    bystander()


def test_unsupported_method_and_bad_query(rtdb_server, ns, bystander):
    assert request(rtdb_server.url, "PROPFIND", f"/x.json?ns={ns}").status == 405
    assert request(rtdb_server.url, "GET", f"/x.json?ns={ns}&orderBy=%22%5B%22").status == 400
    assert (
        request(rtdb_server.url, "GET", f"/x.json?ns={ns}&orderBy=" + "%5B" * 50_000).status == 400
    )
    bystander()
