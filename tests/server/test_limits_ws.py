"""Firebase's limits and bad input over the WebSocket protocol (v5), spoken raw.

The JS SDK validates most of this before sending, so only a raw client can reach the
server's own checks — which is what a buggy or hostile client does. Each bad request
must fail alone: the same connection and a second client keep working afterwards.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from tools.testing.rawws import RawWs


async def scenario(base: str, ns: str, bad: list[tuple[str, dict[str, Any]]]) -> list[dict]:
    """Run each bad request on one connection; after each, both clients must still work."""
    async with aiohttp.ClientSession() as session:
        a = await RawWs.connect(session, base, ns)
        b = await RawWs.connect(session, base, ns)
        assert (await b.call("q", {"p": "/watch", "h": ""}))["s"] == "ok"
        answers = []
        for i, (action, body) in enumerate(bad):
            answers.append(await a.call(action, body))
            assert (await a.call("p", {"p": "/watch", "d": i}))["s"] == "ok"
            got = await b.call("g", {"p": "/watch", "q": {}})
            assert got == {"s": "ok", "d": i}
            assert b.pushes[-1]["b"]["d"] == i  # b's listen saw a's good write
        assert (await a.call("g", {"p": "/bad", "q": {}}))["d"] is None  # nothing was written
        await a.ws.close()
        await b.ws.close()
        return answers


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"k": value}
    return value


def run(rtdb_server, ns, bad):
    return asyncio.run(scenario(rtdb_server.url, ns, bad))


def test_invalid_keys_and_paths(rtdb_server, ns):
    bad = [("p", {"p": "/bad", "d": {key: 1}}) for key in ("a.b", "a$", "a#", "a[", "a]", "a\x01")]
    bad += [("p", {"p": "/bad", "d": {"k" * 769: 1}})]
    bad += [("p", {"p": f"/bad/{seg}", "d": 1}) for seg in ("a$b", "a#b", "a[b", "a.b")]
    bad += [("m", {"p": "/bad", "d": {"x/a$b": 1}}), ("m", {"p": "/bad", "d": {"a.b": 1}})]
    for answer in run(rtdb_server, ns, bad):
        assert answer["s"] != "ok", answer


def test_depth_limit(rtdb_server, ns):
    deep = "/" + "/".join(["d"] * 33)
    bad = [
        ("p", {"p": deep, "d": 1}),
        ("p", {"p": "/bad", "d": nested(33)}),
        ("p", {"p": "/bad/" + "/".join(["d"] * 20), "d": nested(13)}),
    ]
    for answer in run(rtdb_server, ns, bad):
        assert answer["s"] != "ok", answer


def test_malformed_requests(rtdb_server, ns):
    bad = [
        ("p", {"p": "/bad", "d": {".sv": "no-such-server-value"}}),
        ("p", {"d": 1}),
        ("p", {"p": 5, "d": 1}),
        ("m", {"p": "/bad", "d": [1, 2]}),
        ("nonsense", {}),
    ]
    for answer in run(rtdb_server, ns, bad):
        assert answer["s"] != "ok", answer


def test_garbage_frames_do_not_kill_the_connection(rtdb_server, ns):
    async def go() -> None:
        async with aiohttp.ClientSession() as session:
            a = await RawWs.connect(session, rtdb_server.url, ns)
            b = await RawWs.connect(session, rtdb_server.url, ns)
            for junk in ('{"t": "d", "d": ', "[1,2]", "null", '"str"', "{}", "3", "x" * 40):
                await a.ws.send_str(junk)
            for junk in ('{"t":"d","d":{"r":1,"a":"p","b":{"p":"/x","d":1}', "1", "2"):
                await a.ws.send_str(junk)  # truncated or dangling multi-frame starts
            await a.ws.send_str('{"t":"d","d":{"r":99,"a":"s","b":{}}}')
            assert (await b.call("p", {"p": "/ok", "d": 1}))["s"] == "ok"
            assert (await b.call("g", {"p": "/ok", "q": {}}))["d"] == 1
            await b.ws.close()
            await a.ws.close()

    asyncio.run(go())


@pytest.mark.parametrize(
    "size_mb",
    [
        10.5,
        17,
    ],
)
def test_oversized_writes(rtdb_server, ns, size_mb):
    """Firebase: 10 MB per string, 16 MB per WebSocket write; refused, not stored."""
    big = "x" * int(size_mb * 1024 * 1024)
    data = {"big": big} if size_mb < 16 else {"a": big[: len(big) // 2], "b": big[len(big) // 2 :]}
    [answer] = run(rtdb_server, ns, [("p", {"p": "/bad", "d": data})])
    assert answer["s"] != "ok"
    assert isinstance(answer["d"], str) and answer["d"]
