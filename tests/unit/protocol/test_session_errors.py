"""Bad input to the session: every bad request gets an error answer, malformed frames get
a control ``e``, and neither costs the connection (``tests/server/test_ws_protocol.py``
checks the same over a socket; here each case costs microseconds)."""

from __future__ import annotations

import json

import pytest
from session_peer import Peer, data, ok

from rtdb.protocol.frames import MAX_MESSAGE_CHARS
from rtdb.protocol.session import MAX_WRITE_BYTES

BAD_REQUESTS = [
    ("p", {"p": "/a.b", "d": 1}, "invalid_path"),
    ("p", {"p": "/a/b$", "d": 1}, "invalid_path"),
    ("p", {"p": "/a/b]", "d": 1}, "invalid_path"),
    ("p", {"p": "/x", "d": {"bad.key": 1}}, "invalid_data"),
    ("p", {"p": "/x", "d": {"a": {"$x": 1}}}, "invalid_data"),
    ("p", {"p": "/" + "/".join(["d"] * 33), "d": 1}, "invalid_path"),
    ("p", {"p": "/" + "/".join(["d"] * 30), "d": {"a": {"b": {"c": 1}}}}, "invalid_data"),
    ("p", {"p": "/x", "d": {".sv": "bogus"}}, "invalid_data"),
    ("p", {"d": 1}, "invalid_data"),
    ("p", {"p": 5, "d": 1}, "invalid_data"),
    ("m", {"p": "/x", "d": [1, 2]}, "invalid_data"),
    ("m", {"p": "/x", "d": "text"}, "invalid_data"),
    ("m", {"p": "/x", "d": {"a": 1, "a/b": 2}}, "invalid_data"),
    ("m", {"p": "/x", "d": {"a.b": 1}}, "invalid_path"),
    ("q", {"p": "/x", "q": {"l": "many"}, "t": 1}, "invalid_data"),
    ("q", {"p": "/x", "q": {"l": -1}, "t": 1}, "invalid_data"),
    ("q", {"p": "/x", "q": {"i": ".key", "sp": 5}, "t": 1}, "invalid_data"),
    ("q", {"p": "/x", "q": {"l": 1, "vf": "x"}, "t": 1}, "invalid_data"),
    ("q", {"p": "/x", "q": [1]}, "invalid_data"),
    ("g", {"p": "/x", "q": {"sp": {"o": 1}}}, "invalid_data"),
    ("o", {"p": "/x", "d": {"bad#key": 1}}, "invalid_data"),
    ("om", {"p": "/x", "d": [1]}, "invalid_data"),
    ("zz", {}, "invalid_action"),
]


@pytest.mark.parametrize(("action", "body", "code"), BAD_REQUESTS)
def test_bad_requests_get_errors_and_the_connection_lives(
    connect, action: str, body: dict, code: str
) -> None:
    peer, watcher = connect(), connect()
    watcher.listen("/")
    watcher.take()
    got = peer.request(action, body)
    assert len(got) == 1, "an error causes no pushes"
    reply = got[0]["d"]["b"]
    assert reply["s"] == code and isinstance(reply["d"], str) and reply["d"]
    assert watcher.take() == [], "a refused request changes nothing"
    assert peer.request("p", {"p": "/ok", "d": 1}) == [ok(peer.r)]
    assert watcher.take() == [data("ok", 1)]


@pytest.mark.parametrize(
    ("frames", "errors"),
    [
        (["{not json"], ["Invalid JSON frame"]),
        (["[1,2]"], ["Invalid message: not an object"]),
        (["2", '{"t":"d",', '"d":{'], ["Invalid JSON frame"]),  # segments that are not JSON
        (["[" * 100_000 + "]" * 100_000], ["Invalid JSON frame"]),  # too deep to parse
        (['{"t":"d","d":[]}', '{"t":"q"}', '{"t":"c","d":{"t":"zz"}}', '{"t":"c"}'], []),
    ],
)
def test_malformed_frames_get_a_control_error_and_the_connection_lives(
    connect, frames: list[str], errors: list[str]
) -> None:
    peer = connect()
    got = []
    for frame in frames:
        got += peer.frame(frame)
    assert got == [{"t": "c", "d": {"t": "e", "d": e}} for e in errors]
    assert peer.request("p", {"p": "/still", "d": 2}) == [ok(peer.r)]
    assert connect().call("g", {"p": "/still", "q": {}}) == {"s": "ok", "d": 2}


def test_a_request_whose_body_is_not_an_object_is_answered(connect) -> None:
    peer = connect()
    got = peer.frame('{"t":"d","d":{"r":"x","a":"p","b":"nope"}}')
    assert [m["d"]["r"] for m in got] == ["x"]
    assert got[0]["d"]["b"]["s"] == "invalid_data"


@pytest.mark.parametrize("action", [["p"], {"a": "p"}, 5, None, "echo", "on", "_put", "P"])
def test_an_action_the_sdk_never_sends_is_answered_invalid_action(connect, action) -> None:
    """A list or object as ``a`` raised out of ``receive`` (unhashable), ending the socket."""
    peer = connect()
    message = {"t": "d", "d": {"r": 3, "a": action, "b": {"p": "/x", "d": 1}}}
    (got,) = peer.frame(json.dumps(message))
    assert got == {
        "t": "d",
        "d": {"r": 3, "b": {"s": "invalid_action", "d": f"Unknown action {action!r}"}},
    }
    assert peer.request("p", {"p": "/still", "d": 2}) == [ok(peer.r)]
    assert connect().call("g", {"p": "/x", "q": {}}) == {"s": "ok", "d": None}


def test_a_message_over_the_frame_limit_is_refused_by_request_number(connect) -> None:
    peer, watcher = connect(), connect()
    watcher.listen("/x")
    watcher.take()
    blob = "a" * (MAX_MESSAGE_CHARS + 10)
    peer.r = 4  # the next request is number 5
    got = peer.request("p", {"p": "/x", "d": blob})
    assert [m["d"]["r"] for m in got] == [5]
    reply = got[0]["d"]["b"]
    assert reply["s"] == "write_too_big" and "exceeds the maximum size" in reply["d"]
    assert watcher.take() == []
    assert peer.request("p", {"p": "/x", "d": 1}) == [ok(6)]  # the frames resynchronised


def test_a_write_over_16_mb_of_utf8_is_refused_even_under_the_character_limit(connect) -> None:
    peer = connect()
    blob = "€" * (MAX_WRITE_BYTES // 3 + 10)  # fewer characters than bytes: 3 bytes each
    assert len(json.dumps({"d": blob}, ensure_ascii=False)) < MAX_MESSAGE_CHARS
    reply = peer.call("p", {"p": "/x", "d": blob})
    assert reply["s"] == "write_too_big"
    assert peer.call("g", {"p": "/x", "q": {}}) == {"s": "ok", "d": None}


def test_invalid_update_writes_nothing_even_where_its_other_keys_were_valid(connect) -> None:
    peer = connect()
    peer.call("p", {"p": "/x", "d": {"a": 1}})
    reply = peer.call("m", {"p": "/x", "d": {"a": 2, "b": {"c.d": 1}}})
    assert reply["s"] == "invalid_data"
    assert peer.call("g", {"p": "/x", "q": {}})["d"] == {"a": 1}


def test_a_closed_session_delivers_nothing(db) -> None:
    writer, reader = Peer(db), Peer(db)
    reader.listen("/x")
    reader.take()
    reader.close()
    writer.call("p", {"p": "/x", "d": 1})
    assert reader.take() == []
