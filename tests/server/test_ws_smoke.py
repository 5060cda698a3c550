"""Smoke: the JS SDK connects, writes, reads and listens through the driver."""

from __future__ import annotations

from tools.testing.jsclient import JsFactory


def test_set_get_and_value_events(js: JsFactory) -> None:
    a, b = js(), js()
    lid = b.on("value", "/x")
    b.wait_value(lid, None)
    a.set("/x", {"n": 1})
    assert b.wait_value(lid, {"n": 1})["key"] == "x"
    assert a.val("/x") == {"n": 1}
