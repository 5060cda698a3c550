"""The realtime session on the wire, without a socket: handshake, ping, request/response
ordering, listens with their initial data and incremental pushes, unlisten, get.

The shapes asserted are those the JS SDK reads (rtdb-notes 1.3-1.8) and that
``tests/server/test_ws_protocol.py`` checks over a real WebSocket.
"""

from __future__ import annotations

import time

from session_peer import HOST, Peer, data, ok, push, refused, use_rules


def test_handshake_speaks_first_with_host_version_and_a_fresh_session_id(db) -> None:
    a, b = Peer(db), Peer(db)
    hello = a.session.handshake()
    assert hello["t"] == "c" and hello["d"]["t"] == "h"
    h = hello["d"]["d"]
    assert set(h) == {"ts", "v", "h", "s"}
    assert h["v"] == "5" and h["h"] == HOST
    assert isinstance(h["s"], str) and h["s"]
    assert abs(h["ts"] - time.time() * 1000) < 5000  # the client's serverTimeOffset
    assert b.session.handshake()["d"]["d"]["s"] != h["s"]


def test_ping_gets_pong_keepalive_and_unknown_control_get_nothing(connect) -> None:
    peer = connect()
    assert peer.frame('{"t":"c","d":{"t":"p","d":{}}}') == [{"t": "c", "d": {"t": "o", "d": {}}}]
    assert peer.frame("0") == []  # the client's 45 s keepalive
    assert peer.frame('{"t":"c","d":{"t":"zz","d":{}}}') == []
    assert peer.request("s", {"c": {"sdk.js.12-19-0": 1}}) == [ok(1)]
    assert peer.request("appcheck", {"token": "x"}) == [ok(2)]
    assert peer.request("unappeck", {}) == [ok(3)]


def test_listen_data_precedes_ok_and_write_echo_precedes_ack(connect) -> None:
    peer = connect()
    assert peer.listen("/a") == [data("a", None), ok(1, {})]
    assert peer.request("p", {"p": "/a/b", "d": 1}) == [data("a/b", 1), ok(2)]
    assert peer.listen("/a") == [data("a", {"b": 1}), ok(3, {})]  # re-listen: current data


def test_root_listen_and_nested_initial_data(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/", "d": {"x": {"y": [1, 2]}, "z": "s"}})
    assert reader.listen("/") == [data("", {"x": {"y": {"0": 1, "1": 2}}, "z": "s"}), ok(1, {})]
    assert reader.listen("/x/y/1") == [data("x/y/1", 2), ok(2, {})]


def test_other_clients_get_pushes_and_never_another_clients_responses(connect) -> None:
    writer, reader, bystander = connect(), connect(), connect()
    reader.listen("/room")
    bystander.listen("/elsewhere")
    assert writer.request("p", {"p": "/room/msg", "d": "hi"}) == [ok(1)]
    assert reader.take() == [data("room/msg", "hi")]
    assert bystander.take() == []


def test_write_above_a_listen_pushes_the_listened_value_only_when_it_changed(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/doc", "d": {"a": {"b": 1}, "c": 2}})
    reader.listen("/doc/a")
    writer.call("p", {"p": "/doc", "d": {"a": {"b": 5}, "c": 2}})
    assert reader.take() == [data("doc/a", {"b": 5})]
    writer.call("p", {"p": "/doc", "d": {"a": {"b": 5}, "c": 3}})  # a unchanged
    assert reader.take() == []
    writer.call("p", {"p": "/", "d": None})
    assert reader.take() == [data("doc/a", None)]


def test_write_beside_a_listen_pushes_nothing(connect) -> None:
    writer, reader = connect(), connect()
    reader.listen("/a/b")
    writer.call("p", {"p": "/a/c", "d": 1})
    writer.call("p", {"p": "/ab", "d": 1})  # a sibling whose name starts alike
    assert reader.take() == []


def test_update_is_one_merge_push_with_relative_paths(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/room", "d": {"a": 1, "b": {"c": "x"}}})
    reader.listen("/room")
    reader.listen("/")
    update = {"b/c": "y", "a": None, "d/e/f": True}
    assert writer.request("m", {"p": "/room", "d": update}) == [ok(2)]
    merge = push("m", {"p": "room", "d": update})
    assert reader.take() == [merge, merge]  # one per listen, both at the update's path
    assert writer.call("g", {"p": "/room", "q": {}}) == {
        "s": "ok",
        "d": {"b": {"c": "y"}, "d": {"e": {"f": True}}},
    }


def test_update_pushes_to_listens_below_it_their_own_new_value(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/room", "d": {"a": 1, "b": {"c": "x"}}})
    reader.listen("/room/b")
    reader.listen("/room/a")
    reader.listen("/room/zz")
    writer.call("m", {"p": "/room", "d": {"b/c": "y", "a": None}})
    got = reader.take()
    assert sorted(got, key=lambda m: m["d"]["b"]["p"]) == [
        data("room/a", None),
        data("room/b", {"c": "y"}),
    ]


def test_own_update_echo_precedes_the_ack(connect) -> None:
    peer = connect()
    peer.listen("/m")
    got = peer.request("m", {"p": "/m", "d": {"x": 2, "y": 2}})
    assert got == [push("m", {"p": "m", "d": {"x": 2, "y": 2}}), ok(2)]


def test_tagged_query_gets_its_window_then_full_overwrites_with_its_tag(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/s", "d": {"a": 3, "b": 1, "c": 2, "d": 9}})
    q = {"i": ".value", "l": 2, "vf": "l"}
    assert reader.listen("/s", q, 7) == [data("s", {"b": 1, "c": 2}, tag=7), ok(1, {})]
    writer.call("p", {"p": "/s/e", "d": 0})  # enters first: c leaves the window
    assert reader.take() == [data("s", {"e": 0, "b": 1}, tag=7)]
    writer.call("p", {"p": "/s/d", "d": 10})  # outside the window: no push
    assert reader.take() == []
    writer.call("p", {"p": "/s/e", "d": None})  # leaves: the server refills with c
    assert reader.take() == [data("s", {"b": 1, "c": 2}, tag=7)]


def test_tagged_listen_and_default_listen_on_one_path_are_served_separately(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/s", "d": {"a": 1, "b": 2}})
    q = {"i": ".key", "l": 1, "vf": "r"}
    reader.listen("/s", q, 3)
    reader.listen("/s")
    writer.call("p", {"p": "/s/c", "d": 3})
    got = reader.take()
    assert data("s", {"c": 3}, tag=3) in got and data("s/c", 3) in got and len(got) == 2


def test_query_without_range_or_limit_is_an_untagged_listen(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/s", "d": {"a": {"n": 2}, "b": {"n": 1}}})
    assert reader.listen("/s", {"i": "n"}, 4) == [
        data("s", {"a": {"n": 2}, "b": {"n": 1}}),
        ok(1, {}),
    ]


def test_unindexed_query_warns_no_index(connect, db) -> None:
    use_rules(db, {".read": True, ".write": True, "ix": {".indexOn": "n"}})
    peer = connect()
    q = {"i": "n", "l": 1, "vf": "l"}
    assert peer.listen("/s", q, 1)[-1] == ok(1, {"w": ["no_index"]})
    assert peer.listen("/ix", q, 2)[-1] == ok(2, {})
    assert peer.listen("/s", {"i": ".key", "l": 1, "vf": "l"}, 3)[-1] == ok(3, {})


def test_unlisten_stops_pushes_and_unknown_unlisten_is_ok(connect) -> None:
    writer, reader = connect(), connect()
    q = {"i": ".value", "l": 1, "vf": "l"}
    writer.call("p", {"p": "/t", "d": {"a": 2, "b": 1}})
    assert reader.listen("/t", q, 3) == [data("t", {"b": 1}, tag=3), ok(1, {})]
    reader.listen("/u")
    assert reader.request("n", {"p": "/t", "q": q, "t": 3}) == [ok(3)]
    assert reader.request("n", {"p": "/t", "q": q, "t": 3}) == [ok(4)]
    assert reader.request("n", {"p": "/never"}) == [ok(5)]
    writer.call("p", {"p": "/t/c", "d": 0})
    assert reader.take() == []
    writer.call("p", {"p": "/u", "d": 1})
    assert reader.take() == [data("u", 1)]  # the other listen lives on
    assert reader.request("n", {"p": "/u"}) == [ok(6)]
    writer.call("p", {"p": "/u", "d": 2})
    assert reader.take() == []


def test_listening_twice_to_the_same_query_replaces_the_listen(connect) -> None:
    writer, reader = connect(), connect()
    reader.listen("/x")
    reader.listen("/x")
    writer.call("p", {"p": "/x", "d": 1})
    assert reader.take() == [data("x", 1)]  # one push, not two


def test_get_applies_the_query_on_the_server(connect) -> None:
    peer = connect()
    scores = {"ann": {"s": 5}, "bob": {"s": 1}, "cid": {"s": 9}, "dan": {"s": 5}}
    peer.call("p", {"p": "/scores", "d": scores})
    assert peer.request("g", {"p": "/scores", "q": {}}) == [ok(2, scores)]
    window = {"sp": 2, "sin": True, "ep": 5, "ein": True, "i": "s"}
    assert peer.call("g", {"p": "/scores", "q": window}) == {
        "s": "ok",
        "d": {"ann": {"s": 5}, "dan": {"s": 5}},
    }
    last = {"l": 1, "vf": "r", "i": "s"}
    assert peer.call("g", {"p": "/scores", "q": last})["d"] == {"cid": {"s": 9}}
    assert peer.call("g", {"p": "/nothing", "q": {}}) == {"s": "ok", "d": None}


def test_priorities_travel_in_export_format(connect) -> None:
    writer, reader = connect(), connect()
    reader.listen("/p")
    writer.call("p", {"p": "/p/x", "d": {".value": "vx", ".priority": 3}})
    assert reader.take() == [data("p/x", {".value": "vx", ".priority": 3})]
    writer.call("p", {"p": "/p/x/.priority", "d": 9})  # setPriority
    assert reader.take() == [data("p/x", {".value": "vx", ".priority": 9})]
    assert writer.call("g", {"p": "/p", "q": {}})["d"] == {"x": {".value": "vx", ".priority": 9}}


def test_server_values_resolve_at_the_server_clock(connect, clock) -> None:
    writer, reader = connect(), connect()
    reader.listen("/sv")
    writer.call("p", {"p": "/sv", "d": {"t": {".sv": "timestamp"}, "n": {".sv": {"increment": 5}}}})
    assert reader.take() == [data("sv", {"t": clock.now, "n": 5})]
    writer.call("m", {"p": "/sv", "d": {"n": {".sv": {"increment": 2.5}}}})
    assert reader.take() == [push("m", {"p": "sv", "d": {"n": 7.5}})]


def test_a_message_split_into_frames_is_reassembled(connect) -> None:
    writer, reader = connect(), connect()
    reader.listen("/big")
    blob = "ü" * 40_000  # over 16384 characters: the client sends a count, then segments
    assert writer.request("p", {"p": "/big", "d": {"s": blob}}) == [ok(1)]
    assert reader.take() == [data("big", {"s": blob})]


def test_requests_are_answered_in_the_order_sent(connect) -> None:
    peer = connect()
    peer.session.receive('{"t":"d","d":{"r":1,"a":"q","b":{"p":"/o","h":""}}}')
    peer.session.receive('{"t":"d","d":{"r":2,"a":"p","b":{"p":"/o","d":1}}}')
    peer.session.receive('{"t":"d","d":{"r":3,"a":"g","b":{"p":"/o","q":{}}}}')
    peer.session.receive('{"t":"d","d":{"r":4,"a":"p","b":{"p":"/o","d":2}}}')
    assert peer.take() == [
        data("o", None),
        ok(1, {}),
        data("o", 1),
        ok(2),
        ok(3, 1),
        data("o", 2),
        ok(4),
    ]


def test_permission_denied_listen_sends_no_data(connect, db) -> None:
    use_rules(db, {"open": {".read": True}})
    peer = connect()
    assert peer.listen("/closed") == [refused(1, "permission_denied", "Permission denied")]
    assert peer.listen("/open") == [data("open", None), ok(2, {})]


def test_legacy_listen_action_l_is_a_listen(connect) -> None:
    writer, reader = connect(), connect()
    assert reader.request("l", {"p": "/old", "h": ""}) == [data("old", None), ok(1, {})]
    writer.call("p", {"p": "/old", "d": 1})
    assert reader.take() == [data("old", 1)]


def test_a_query_window_never_carries_the_locations_priority(connect) -> None:
    writer, reader = connect(), connect()
    writer.call("p", {"p": "/s", "d": {".priority": 1, "a": 1, "b": 2}})
    assert reader.listen("/s", {"i": ".key", "l": 1, "vf": "l"}, 1)[0] == data("s", {"a": 1}, 1)
    assert reader.listen("/s")[0] == data("s", {".priority": 1, "a": 1, "b": 2})
