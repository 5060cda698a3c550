"""Writes and reads through the real JS SDK: set, update, push, priorities, server values, get."""

from __future__ import annotations

import time

import pytest

from tools.testing.jsclient import JsError, JsFactory, sv_increment, sv_timestamp


def test_set_update_remove_roundtrip_between_clients(js: JsFactory) -> None:
    a, b = js(), js()
    a.set("/room", {"a": 1, "b": {"c": "x"}, "list": [1, 2, 3]})
    assert b.val("/room") == {"a": 1, "b": {"c": "x"}, "list": [1, 2, 3]}
    a.update("/room", {"b/c": "y", "a": None, "d/e/f": True})
    assert b.val("/room") == {"b": {"c": "y"}, "d": {"e": {"f": True}}, "list": [1, 2, 3]}
    a.remove("/room/list")
    assert b.val("/room") == {"b": {"c": "y"}, "d": {"e": {"f": True}}}
    a.set("/room/b/c", None)
    assert b.val("/room") == {"d": {"e": {"f": True}}}


def test_multi_path_update_fires_one_value_event_per_listener(js: JsFactory) -> None:
    a, b = js(), js()
    a.set("/m", {"x": 1, "y": 1})
    lid = b.on("value", "/m")
    b.wait_value(lid, {"x": 1, "y": 1})
    a.update("/m", {"x": 2, "y": 2, "z/deep": 3})
    b.wait_value(lid, {"x": 2, "y": 2, "z": {"deep": 3}})
    values = [e["val"] for e in b.events(lid, "value")]
    assert values == [{"x": 1, "y": 1}, {"x": 2, "y": 2, "z": {"deep": 3}}]


def test_push_ids_are_ordered_and_unique(js: JsFactory) -> None:
    a = js()
    keys = [a.push("/log", {"i": i}) for i in range(20)]
    assert len(set(keys)) == 20 and all(len(k) == 20 for k in keys)
    got = a.get("/log")
    assert got["keys"] == keys
    assert [got["val"][k]["i"] for k in keys] == list(range(20))


def test_server_timestamp_and_increment(js: JsFactory) -> None:
    a, b = js(), js()
    before = int(time.time() * 1000)
    a.set("/sv", {"t": sv_timestamp(), "n": sv_increment(5)})
    got = b.val("/sv")
    assert before - 1000 <= got["t"] <= int(time.time() * 1000) + 1000
    assert got["n"] == 5
    b.update("/sv", {"n": sv_increment(2.5)})
    a.set("/sv/s", "hello")
    a.set("/sv/s", sv_increment(1))
    assert a.val("/sv/n") == 7.5
    assert a.val("/sv/s") == 1


def test_concurrent_increments_are_exact(js: JsFactory) -> None:
    clients = [js() for _ in range(3)]
    for c in clients:
        c.set("/ready", True)
    driver = clients[0].driver
    ids = []
    # Fire increments from three connections without waiting for each ack.
    for i in range(30):
        c = clients[i % 3]
        ids.append(driver.call("update", client=c.id, path="/", value={"counter": sv_increment(1)}))
    assert clients[1].val("/counter") == 30


def test_priorities_order_children_and_survive_roundtrip(js: JsFactory) -> None:
    a, b = js(), js()
    a.set_with_priority("/p/x", "vx", 3)
    a.set_with_priority("/p/y", {"n": 1}, "a")
    a.set_with_priority("/p/z", "vz", 1)
    a.set("/p/w", "vw")
    got = b.get("/p")
    assert got["keys"] == ["w", "z", "x", "y"]
    assert got["exportVal"]["x"] == {".value": "vx", ".priority": 3}
    assert got["exportVal"]["y"] == {"n": 1, ".priority": "a"}
    a.set_priority("/p/w", 10)
    assert b.get("/p")["keys"] == ["z", "x", "w", "y"]
    assert b.get("/p/w")["priority"] == 10
    a.set("/p/w", "plain")
    assert b.get("/p/w")["priority"] is None


def test_get_applies_queries_on_the_server(js: JsFactory) -> None:
    a, b = js(), js()
    a.set(
        "/scores",
        {"ann": {"s": 5}, "bob": {"s": 1}, "cid": {"s": 9}, "dan": {"s": 5}, "eve": {"s": "x"}},
    )
    got = b.get("/scores", [["orderByChild", "s"], ["startAt", 2], ["endAt", 9]])
    assert got["keys"] == ["ann", "dan", "cid"]
    got = b.get("/scores", [["orderByChild", "s"], ["limitToLast", 2]])
    assert got["keys"] == ["cid", "eve"]
    got = b.get("/scores", [["orderByChild", "s"], ["equalTo", 5, "dan"]])
    assert got["keys"] == ["dan"]
    got = b.get("/scores", [["orderByKey"], ["startAfter", "bob"], ["limitToFirst", 2]])
    assert got["keys"] == ["cid", "dan"]
    got = b.get("/scores", [["orderByChild", "s"], ["startAfter", 5], ["endBefore", "x"]])
    assert got["keys"] == ["cid"]
    got = b.get("/scores", [["orderByChild", "s"], ["startAfter", 5, "ann"], ["limitToFirst", 1]])
    assert got["keys"] == ["dan"]


def test_value_and_key_ordering_match_the_sdk(js: JsFactory) -> None:
    a = js()
    data = {"b": True, "a": False, "10": 3, "9": 3.5, "007": "z", "7": "é", "x": {"o": 1}, "n": -1}
    a.set("/ord", data)
    got = a.get("/ord", [["orderByValue"]])
    assert got["keys"] == ["a", "b", "n", "10", "9", "007", "7", "x"]  # "z" < "é"
    got = a.get("/ord", [["orderByKey"]])
    assert got["keys"] == ["7", "007", "9", "10", "a", "b", "n", "x"]
    got = a.get("/ord", [["orderByValue"], ["startAt", 3], ["endAt", "z"]])
    assert got["keys"] == ["10", "9", "007"]


def test_large_payloads_cross_frames_both_ways(js: JsFactory) -> None:
    a, b = js(), js()
    lid = b.on("value", "/big")
    b.wait_value(lid, None)
    blob = "ü" * 40_000  # > 16 KB of JSON: split into frames
    a.set("/big", {"s": blob})
    assert b.wait_value(lid, {"s": blob})
    many = {f"k{i:05d}": {"n": i, "t": "x" * 100} for i in range(30_000)}  # several MB
    a.set("/big", many)
    got = b.wait_value(lid, many, timeout=60)
    assert len(got["keys"]) == 30_000
    assert b.val("/big/k29999") == {"n": 29999, "t": "x" * 100}


def test_sdk_errors_come_back_with_codes(js: JsFactory) -> None:
    a = js()
    with pytest.raises(JsError):
        a.set("/bad", {"a.b": 1})  # the SDK refuses invalid keys locally
