"""Query listens through the real JS SDK: windows that move as the data changes.

Each test compares the events the SDK fires with what Firebase's semantics require
(the window's contents, their order, child_* events with prevKey).
"""

from __future__ import annotations

from tools.testing.jsclient import JsClient, JsFactory


def last_value(c: JsClient, lid: int) -> dict:
    return [e for e in c.events(lid) if e["type"] == "value"][-1]


def wait_keys(c: JsClient, lid: int, keys: list[str]) -> dict:
    def ok(evs: list[dict]) -> dict | None:
        vals = [e for e in evs if e["type"] == "value"]
        return vals[-1] if vals and vals[-1]["keys"] == keys else None

    return c.wait_for(ok, lid)


def test_limit_to_first_window_refills_when_children_leave(js: JsFactory) -> None:
    w, r = js(), js()
    w.set("/l", {f"k{i}": {"s": i} for i in range(6)})
    q = [["orderByChild", "s"], ["limitToFirst", 3]]
    lid = r.on("value", "/l", q)
    wait_keys(r, lid, ["k0", "k1", "k2"])
    w.remove("/l/k1")  # leaves: k3 must enter
    wait_keys(r, lid, ["k0", "k2", "k3"])
    w.set("/l/k0/s", 100)  # moves out of the window
    wait_keys(r, lid, ["k2", "k3", "k4"])
    w.set("/l/new", {"s": -1})  # enters first, pushes k4 out
    ev = wait_keys(r, lid, ["new", "k2", "k3"])
    assert ev["val"] == {"new": {"s": -1}, "k2": {"s": 2}, "k3": {"s": 3}}


def test_limit_to_last_child_events_with_prev_keys(js: JsFactory) -> None:
    w, r = js(), js()
    w.set("/c", {"a": 1, "b": 2, "c": 3, "d": 4})
    q = [["orderByValue"], ["limitToLast", 2]]
    added = r.on("child_added", "/c", q)
    removed = r.on("child_removed", "/c", q)
    moved = r.on("child_moved", "/c", q)
    changed = r.on("child_changed", "/c", q)
    val = r.on("value", "/c", q)
    wait_keys(r, val, ["c", "d"])
    assert [(e["key"], e["prevKey"]) for e in r.events(added)] == [("c", None), ("d", "c")]
    w.set("/c/e", 10)  # enters at the top: c leaves
    wait_keys(r, val, ["d", "e"])
    assert [e["key"] for e in r.events(removed)] == ["c"]
    assert (r.events(added)[-1]["key"], r.events(added)[-1]["prevKey"]) == ("e", "d")
    w.set("/c/d", 20)  # reorders inside the window: d moves after e
    wait_keys(r, val, ["e", "d"])
    assert [(e["key"], e["prevKey"]) for e in r.events(moved)] == [("d", "e")]
    assert [(e["key"], e["val"]) for e in r.events(changed)] == [("d", 20)]
    w.remove("/c/e")  # the window refills from below with c
    wait_keys(r, val, ["c", "d"])
    assert [e["key"] for e in r.events(removed)] == ["c", "e"]
    assert (r.events(added)[-1]["key"], r.events(added)[-1]["prevKey"]) == ("c", None)


def test_range_queries_track_entering_and_leaving_children(js: JsFactory) -> None:
    w, r = js(), js()
    w.set("/r", {"a": {"age": 10}, "b": {"age": 20}, "c": {"age": 30}})
    q = [["orderByChild", "age"], ["startAt", 15], ["endAt", 30]]
    lid = r.on("value", "/r", q)
    wait_keys(r, lid, ["b", "c"])
    w.set("/r/a/age", 25)
    wait_keys(r, lid, ["b", "a", "c"])
    w.set("/r/c/age", 31)
    wait_keys(r, lid, ["b", "a"])
    w.update("/r", {"d": {"age": 15}, "b/age": None})
    ev = wait_keys(r, lid, ["d", "a"])
    assert ev["val"] == {"d": {"age": 15}, "a": {"age": 25}}


def test_equal_to_with_key_and_start_after_end_before(js: JsFactory) -> None:
    w, r = js(), js()
    w.set("/e", {"a": 1, "b": 1, "c": 1, "d": 2})
    lid = r.on("value", "/e", [["orderByValue"], ["equalTo", 1, "b"]])
    wait_keys(r, lid, ["b"])
    lid2 = r.on("value", "/e", [["orderByValue"], ["startAfter", 1, "a"], ["endBefore", 2]])
    wait_keys(r, lid2, ["b", "c"])
    w.set("/e/b", 2)
    wait_keys(r, lid, [])
    wait_keys(r, lid2, ["c"])
    lid3 = r.on("value", "/e", [["orderByKey"], ["startAfter", "a"], ["endBefore", "d"]])
    wait_keys(r, lid3, ["b", "c"])


def test_priority_queries(js: JsFactory) -> None:
    w, r = js(), js()
    w.set_with_priority("/pr/a", 1, 5)
    w.set_with_priority("/pr/b", 2, "x")
    w.set_with_priority("/pr/c", 3, 1)
    w.set("/pr/d", 4)
    lid = r.on("value", "/pr", [["orderByPriority"], ["startAt", 2]])
    wait_keys(r, lid, ["a", "b"])
    w.set_priority("/pr/c", 7)
    wait_keys(r, lid, ["a", "c", "b"])
    lid2 = r.on("value", "/pr", [["orderByPriority"], ["limitToFirst", 1]])
    wait_keys(r, lid2, ["d"])


def test_several_queries_on_one_location_and_off(js: JsFactory) -> None:
    w, r = js(), js()
    w.set("/s", {str(i): i for i in range(10)})
    first = r.on("value", "/s", [["orderByValue"], ["limitToFirst", 2]])
    last = r.on("value", "/s", [["orderByValue"], ["limitToLast", 2]])
    full = r.on("value", "/s")
    wait_keys(r, first, ["0", "1"])
    wait_keys(r, last, ["8", "9"])
    r.off(first)
    w.set("/s/0", 100)
    wait_keys(r, last, ["9", "0"])
    r.wait_for(lambda evs: evs and evs[-1]["val"][0] == 100, full)
    assert last_value(r, first)["keys"] == ["0", "1"]  # no events after off
    # Re-listening after off gets the current window.
    again = r.on("value", "/s", [["orderByValue"], ["limitToFirst", 2]])
    wait_keys(r, again, ["1", "2"])


def test_many_writes_keep_a_limit_window_exact(js: JsFactory) -> None:
    w, r = js(), js()
    lid = r.on("value", "/chat", [["orderByKey"], ["limitToLast", 5]])
    keys = [w.push("/chat", {"n": i}) for i in range(40)]
    ev = wait_keys(r, lid, keys[-5:])
    assert [ev["val"][k]["n"] for k in keys[-5:]] == list(range(35, 40))
    for k in keys[-3:]:
        w.remove(f"/chat/{k}")
    wait_keys(r, lid, keys[-8:-3])


def test_concurrent_writers_child_events_in_order(js: JsFactory) -> None:
    writers = [js() for _ in range(3)]
    r = js()
    added = r.on("child_added", "/feed")
    removed = r.on("child_removed", "/feed")
    changed = r.on("child_changed", "/feed")
    for i in range(9):
        writers[i % 3].set(f"/feed/{i:02d}", i)
    r.wait_for(lambda evs: len(evs) == 9, added)
    assert [e["key"] for e in r.events(added)] == [f"{i:02d}" for i in range(9)]
    assert [e["prevKey"] for e in r.events(added)] == [None] + [f"{i:02d}" for i in range(8)]
    writers[1].set("/feed/03", "x")
    writers[2].remove("/feed/04")
    r.wait_for(lambda evs: len(evs) == 1, removed)
    r.wait_for(lambda evs: len(evs) == 1, changed)
    assert r.events(changed)[0]["key"] == "03" and r.events(changed)[0]["val"] == "x"
    assert r.events(removed)[0]["key"] == "04"
