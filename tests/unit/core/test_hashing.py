"""The transaction hash must equal the JS SDK's byte for byte (``LeafNode.hash``,
``ChildrenNode.hash`` and ``priorityHashText`` in
``node_modules/@firebase/database/dist/index.esm.js``)."""

from __future__ import annotations

import json

import pytest

from rtdb.core.hashing import node_hash
from rtdb.core.normalize import normalize

VECTORS = [
    ("null", ""),
    ("1", "YPVfR2bXt/lcDjiQZ8pOkAd3qkQ="),
    ("1.5", "4MftviR9Z/2MQCMkjh2RNbvlLJc="),
    ("-2", "WAZzDfnhK/4ijD914ZHLE1hou/I="),
    ('"hello"', "z6sRbrNLwbHX5fdjpvsTtWgXUFc="),
    ("true", "E5z61QM0lN/U2WsOnusszCTkR8M="),
    ('{"a":1,"b":"x"}', "jRI9dwRS9sb4SWm8uuoN7+xBk4g="),
    ('{".priority":5,"a":1}', "7Ucnc9YfKfydVr+rPBCMEKdsVEI="),
    ('{".value":"v",".priority":"p"}', "R0MIwvHETT8eZK7iUSai21aukVY="),
    ("9007199254740993", "m4qsp/5BbIWTdjthNlnOX+WCTB0="),
    ('"é😀"', "z5EhWwfWbdCO10sZHK3vEDoZoOI="),
    ('{"b":{"c":true},"a":[1,2]}', "pt0CNADYBLLFCNBFiYyWyHsk/vQ="),
    (
        '{"x":{".value":1,".priority":"p"},"y":2,"z":{".value":3,".priority":1}}',
        "Zu35EY+ACy1CpFNXPW/h9NWyon8=",
    ),
    ('{"10":1,"9":2,"a":3,"-1":4,"007":5}', "eHZnIbciCD1FttMX2CjERGuttZs="),
]


@pytest.mark.parametrize(("wire", "expected"), VECTORS)
def test_hash_vectors(wire: str, expected: str) -> None:
    assert node_hash(normalize(json.loads(wire))) == expected


def test_hash_ignores_key_insertion_order_and_empty_children() -> None:
    a = normalize({"a": 1, "b": {"c": None}, "d": 2})
    b = normalize({"d": 2, "a": 1})
    assert node_hash(a) == node_hash(b) != ""


def test_int_and_equal_float_hash_alike() -> None:
    assert node_hash(normalize(2)) == node_hash(normalize(2.0))
