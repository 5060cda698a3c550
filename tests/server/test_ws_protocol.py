"""Protocol v5 on the wire, from a raw WebSocket client: handshake, ping, frames, bad input.

The SDK never sends malformed input, so these speak the protocol directly (as the SDK's
``WebSocketConnection`` does) to check the server's answers and that it stays up.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest

from tools.testing.jsclient import JsFactory
from tools.testing.rawws import MAX_FRAME, RawWs


def run(coro: Any) -> Any:
    return asyncio.run(coro)


async def connect(server: Any, ns: str, session: aiohttp.ClientSession) -> tuple[RawWs, dict]:
    raw = await RawWs.connect(session, server.url, ns)
    return raw, raw.hello


def test_handshake_and_ping(rtdb_server: Any, ns: str) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            raw, hello = await connect(rtdb_server, ns, s)
            assert hello["t"] == "c" and hello["d"]["t"] == "h"
            h = hello["d"]["d"]
            assert h["v"] == "5" and h["s"] and h["h"] == rtdb_server.emulator_host
            assert abs(h["ts"] - time.time() * 1000) < 5000
            await raw.send("0")  # keepalive: no answer
            await raw.send({"t": "c", "d": {"t": "p", "d": {}}})
            assert await raw.recv() == {"t": "c", "d": {"t": "o", "d": {}}}
            assert await raw.call("s", {"c": {"sdk.js.12-19-0": 1}}) == {"s": "ok", "d": ""}

    run(go())


def test_listen_data_precedes_ok_and_write_echo_precedes_ack(rtdb_server: Any, ns: str) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            raw, _ = await connect(rtdb_server, ns, s)
            await raw.send({"t": "d", "d": {"r": 1, "a": "q", "b": {"p": "/a", "h": ""}}})
            first, second = await raw.recv(), await raw.recv()
            assert first["d"] == {"a": "d", "b": {"p": "a", "d": None}}
            assert second["d"] == {"r": 1, "b": {"s": "ok", "d": {}}}
            await raw.send({"t": "d", "d": {"r": 2, "a": "p", "b": {"p": "/a/b", "d": 1}}})
            first, second = await raw.recv(), await raw.recv()
            assert first["d"] == {"a": "d", "b": {"p": "a/b", "d": 1}}
            assert second["d"] == {"r": 2, "b": {"s": "ok", "d": ""}}

    run(go())


def test_large_messages_split_both_ways(rtdb_server: Any, ns: str) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            raw, _ = await connect(rtdb_server, ns, s)
            big = {f"k{i}": "v" * 50 for i in range(100_000)}  # ~6.5 MB
            assert (await raw.call("p", {"p": "/big", "d": big}))["s"] == "ok"
            await raw.send({"t": "d", "d": {"r": 99, "a": "g", "b": {"p": "/big", "q": {}}}})
            count = await raw.ws.receive(10)
            assert count.data.isdigit() and int(count.data) > 1  # the server splits too
            parts = [(await raw.ws.receive(10)).data for _ in range(int(count.data))]
            assert all(len(p) <= MAX_FRAME for p in parts)
            assert json.loads("".join(parts))["d"]["b"]["d"] == big

    run(go())


@pytest.mark.parametrize(
    ("action", "body", "code"),
    [
        ("p", {"p": "/a.b", "d": 1}, "invalid_path"),
        ("p", {"p": "/a/b$", "d": 1}, "invalid_path"),
        ("p", {"p": "/x", "d": {"bad.key": 1}}, "invalid_data"),
        ("p", {"p": "/x", "d": {"a": {"$x": 1}}}, "invalid_data"),
        ("p", {"p": "/" + "/".join(["d"] * 33), "d": 1}, "invalid_path"),
        ("p", {"p": "/" + "/".join(["d"] * 30), "d": {"a": {"b": {"c": 1}}}}, "invalid_data"),
        ("p", {"p": "/x", "d": {".sv": "bogus"}}, "invalid_data"),
        ("m", {"p": "/x", "d": [1, 2]}, "invalid_data"),
        ("m", {"p": "/x", "d": {"a": 1, "a/b": 2}}, "invalid_data"),
        ("q", {"p": "/x", "q": {"l": "many"}, "t": 1}, "invalid_data"),
        ("q", {"p": "/x", "q": {"i": ".key", "sp": 5}, "t": 1}, "invalid_data"),
        ("q", {"p": "/x", "q": [1]}, "invalid_data"),
        ("g", {"p": "/x", "q": {"sp": {"o": 1}}}, "invalid_data"),
        ("p", {"d": 1}, "invalid_data"),
        ("zz", {}, "invalid_action"),
    ],
)
def test_bad_requests_get_errors_and_the_connection_lives(
    rtdb_server: Any, ns: str, action: str, body: dict, code: str
) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            raw, _ = await connect(rtdb_server, ns, s)
            reply = await raw.call(action, body)
            assert reply["s"] == code and isinstance(reply["d"], str) and reply["d"]
            assert await raw.call("p", {"p": "/ok", "d": 1}) == {"s": "ok", "d": ""}

    run(go())


@pytest.mark.parametrize(
    "frames",
    [
        ["{not json"],
        ["[1,2]"],
        ["2", '{"t":"d",', '"d":{'],  # two segments that do not make JSON
        ["[" * 100_000 + "]" * 100_000],  # too deep for any parser
        ['{"t":"d","d":{"r":"x","a":"p","b":"nope"}}'],
        ['{"t":"d","d":[]}', '{"t":"q"}', '{"t":"c","d":{"t":"zz"}}'],
    ],
)
def test_malformed_frames_leave_connection_and_server_up(
    rtdb_server: Any, ns: str, frames: list[str]
) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            raw, _ = await connect(rtdb_server, ns, s)
            other, _ = await connect(rtdb_server, ns, s)
            for f in frames:
                await raw.ws.send_str(f)
            assert await raw.call("p", {"p": "/still", "d": 2}) == {"s": "ok", "d": ""}
            assert await other.call("g", {"p": "/still", "q": {}}) == {"s": "ok", "d": 2}

    run(go())


def test_bad_listener_cannot_break_other_writers(rtdb_server: Any, ns: str, js: JsFactory) -> None:
    """A raw client's garbage must never make another client's write fail."""

    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            raw, _ = await connect(rtdb_server, ns, s)
            bad = {"p": "/w", "q": {"i": "a/b", "sp": True, "ep": "z", "l": 2, "vf": "r"}, "t": 7}
            assert (await raw.call("q", bad))["s"] == "ok"  # valid, odd bounds
            await asyncio.to_thread(writer.set, "/w", {"x": {"a": {"b": "y"}}, "y": 1})
            assert await raw.call("g", {"p": "/w", "q": {}}) == {
                "s": "ok",
                "d": {"x": {"a": {"b": "y"}}, "y": 1},
            }

    writer = js()
    run(go())


def test_unknown_tag_unlisten_and_relisten(rtdb_server: Any, ns: str) -> None:
    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            raw, _ = await connect(rtdb_server, ns, s)
            q = {"i": ".value", "l": 1, "vf": "l"}
            await raw.call("p", {"p": "/t", "d": {"a": 2, "b": 1}})
            await raw.send({"t": "d", "d": {"r": 50, "a": "q", "b": {"p": "/t", "q": q, "t": 3}}})
            push = await raw.recv()
            assert push["d"]["b"] == {"p": "t", "d": {"b": 1}, "t": 3}
            assert (await raw.recv())["d"]["b"]["s"] == "ok"
            assert await raw.call("n", {"p": "/t", "q": q, "t": 3}) == {"s": "ok", "d": ""}
            assert await raw.call("n", {"p": "/t", "q": q, "t": 3}) == {"s": "ok", "d": ""}
            await raw.call("p", {"p": "/t/c", "d": 0})
            # No push for the dropped listen: the next message is the response to this get.
            raw.r += 1
            await raw.send({"t": "d", "d": {"r": raw.r, "a": "g", "b": {"p": "/t", "q": q}}})
            assert (await raw.recv())["d"] == {"r": raw.r, "b": {"s": "ok", "d": {"c": 0}}}

    run(go())


def test_reconnect_with_ls_ends_the_previous_session_first(rtdb_server: Any, ns: str) -> None:
    """A client that reconnects names its last session (``ls``): the server ends that session
    at once, running its onDisconnect writes before anything the new session sends, and
    closes the old socket. (A presence flag set again on reconnect must survive.)"""

    async def go() -> None:
        async with aiohttp.ClientSession() as s:
            old, hello = await connect(rtdb_server, ns, s)
            old_id = hello["d"]["d"]["s"]
            assert (await old.call("o", {"p": "/presence/u1", "d": "offline"}))["s"] == "ok"
            assert (await old.call("p", {"p": "/presence/u1", "d": "online"}))["s"] == "ok"

            url = f"{rtdb_server.url}/.ws?v=5&ns={ns}&ls={old_id}"
            new = RawWs(await s.ws_connect(url, max_msg_size=0))
            assert (await new.recv())["d"]["t"] == "h"
            got = await new.call("g", {"p": "/presence/u1", "q": {}})
            assert got == {"s": "ok", "d": "offline"}, "the old session's onDisconnect ran first"
            assert (await new.call("p", {"p": "/presence/u1", "d": "online"}))["s"] == "ok"

            closed = await old.ws.receive(timeout=10)  # the server drops the old socket
            assert closed.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED), closed
            await asyncio.sleep(0.2)
            assert await new.call("g", {"p": "/presence/u1", "q": {}}) == {
                "s": "ok",
                "d": "online",
            }, "nothing of the old session ran after the new one's write"

            # An unknown or foreign ls is ignored.
            other = RawWs(await s.ws_connect(f"{url[: url.index('&ls=')]}&ls=nope", max_msg_size=0))
            assert (await other.recv())["d"]["t"] == "h"
            assert await other.call("g", {"p": "/presence/u1", "q": {}}) == {
                "s": "ok",
                "d": "online",
            }

    run(go())
