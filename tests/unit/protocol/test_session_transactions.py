"""Transactions on the wire: a ``p`` with ``h`` commits only if ``h`` is the hash of the
data there now, else ``datastale`` (rtdb-notes 1.10). The hashes are the SDK's, taken
from the vectors cross-checked against ``node.hash()``."""

from __future__ import annotations

import base64
import hashlib
import struct

import pytest
from session_peer import data, ok, refused, use_rules

STALE = {"s": "datastale", "d": "Transaction hash does not match"}

VECTORS = [
    (1, "YPVfR2bXt/lcDjiQZ8pOkAd3qkQ="),
    ("hello", "z6sRbrNLwbHX5fdjpvsTtWgXUFc="),
    (True, "E5z61QM0lN/U2WsOnusszCTkR8M="),
    ({"a": 1, "b": "x"}, "jRI9dwRS9sb4SWm8uuoN7+xBk4g="),
    ({".priority": 5, "a": 1}, "7Ucnc9YfKfydVr+rPBCMEKdsVEI="),
    ({"10": 1, "9": 2, "a": 3, "-1": 4, "007": 5}, "eHZnIbciCD1FttMX2CjERGuttZs="),
]


@pytest.mark.parametrize(("value", "h"), VECTORS)
def test_the_sdks_hash_of_the_current_data_commits(connect, value, h) -> None:
    peer = connect()
    peer.call("p", {"p": "/t", "d": value})
    assert peer.call("p", {"p": "/t", "d": "next", "h": "x" + h[1:]}) == STALE
    assert peer.call("p", {"p": "/t", "d": "next", "h": h}) == {"s": "ok", "d": ""}
    assert peer.call("g", {"p": "/t", "q": {}})["d"] == "next"


def test_empty_hash_means_nothing_is_there(connect) -> None:
    peer = connect()
    assert peer.call("p", {"p": "/new", "d": {"owner": "a"}, "h": ""}) == {"s": "ok", "d": ""}
    assert peer.call("p", {"p": "/new", "d": {"owner": "b"}, "h": ""}) == STALE
    assert peer.call("g", {"p": "/new", "q": {}})["d"] == {"owner": "a"}


def test_the_sdk_flow_listen_stale_then_retry_on_fresh_data(connect) -> None:
    """``runTransaction`` listens, then puts with the hash of its (empty) cache at once."""
    other, peer = connect(), connect()
    other.call("p", {"p": "/counter", "d": 5})
    peer.session.receive('{"t":"d","d":{"r":1,"a":"q","b":{"p":"/counter","h":""}}}')
    peer.session.receive('{"t":"d","d":{"r":2,"a":"p","b":{"p":"/counter","d":1,"h":""}}}')
    assert peer.take() == [
        data("counter", 5),  # the fresh data arrives before the refusal ...
        ok(1, {}),
        refused(2, "datastale", STALE["d"]),  # ... so the SDK's retry runs on it
    ]
    peer.r = 2
    assert peer.request("p", {"p": "/counter", "d": 6, "h": number_hash(5)}) == [
        data("counter", 6),
        ok(3),
    ]


def number_hash(n: float) -> str:
    """The SDK's ``LeafNode.hash`` for a number: sha1 of its IEEE-754 double in hex."""
    text = "number:" + struct.pack(">d", float(n)).hex()
    return base64.b64encode(hashlib.sha1(text.encode()).digest()).decode()


def test_integers_hash_as_js_doubles(connect) -> None:
    assert number_hash(1) == VECTORS[0][1]
    peer = connect()
    peer.call("p", {"p": "/n", "d": 5})
    assert peer.call("p", {"p": "/n", "d": 6, "h": number_hash(5.0)}) == {"s": "ok", "d": ""}
    peer.call("p", {"p": "/n", "d": 2.5})
    assert peer.call("p", {"p": "/n", "d": 7, "h": number_hash(2)}) == STALE
    assert peer.call("p", {"p": "/n", "d": 7, "h": number_hash(2.5)}) == {"s": "ok", "d": ""}


def test_rules_are_judged_before_the_hash(connect, db) -> None:
    """A denied transaction must not learn whether its hash matched."""
    use_rules(db, {".read": True})
    owner, anon = connect("owner"), connect()
    owner.call("p", {"p": "/t", "d": 1})
    right, wrong = "YPVfR2bXt/lcDjiQZ8pOkAd3qkQ=", "nope"
    denied = {"s": "permission_denied", "d": "Permission denied"}
    assert anon.call("p", {"p": "/t", "d": 2, "h": right}) == denied
    assert anon.call("p", {"p": "/t", "d": 2, "h": wrong}) == denied
