"""Issue 9 item 11: a client that never reads is cut off once its backlog passes the cap
(``rtdb.transports.outbox.MAX_BACKLOG_BYTES``), in every transport, and what it held is
let go: its listens and session are gone. Before the fix the server buffered without
limit (10 such sockets added 631 MB) and kept them listening for ever.

In-process server, so the tests can look at its listeners and sessions.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import urllib.request

from tools.testing.inproc import inproc_server
from tools.testing.rawhttp import OWNER, request
from tools.testing.rawws import listen_frame, raw_ws
from tools.testing.waiting import wait_until

CHUNK = json.dumps("x" * 256 * 1024).encode()  # one 256 KB push per write
WRITES = 100  # 25 MB: over the 8 MB cap plus whatever the kernel's buffers absorb


def flood(url: str, ns: str, gone: object) -> None:
    """Write into /feed until the consumer is dropped (or WRITES have been sent)."""
    for i in range(WRITES):
        target = f"/feed/{i}.json?ns={ns}&print=silent"
        reply = request(url, "PUT", target, raw=CHUNK, headers=OWNER)
        assert reply.status == 204
        if gone():
            return


def test_websocket_consumer_that_never_reads_is_dropped():
    with inproc_server() as srv:
        sock = raw_ws("127.0.0.1", srv.port, "slow-ws")
        sock.sendall(listen_frame("/feed"))
        wait_until(lambda: srv.listener_count("slow-ws") == 1, 5, "the listen")
        flood(srv.url, "slow-ws", lambda: srv.listener_count("slow-ws") == 0)
        wait_until(lambda: srv.listener_count("slow-ws") == 0, 10, "the consumer to be dropped")
        wait_until(lambda: srv.call(lambda: len(srv.state.sessions)) == 0, 10, "its session")
        sock.close()


def test_sse_consumer_that_never_reads_is_dropped():
    with inproc_server() as srv:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", srv.port))
        sock.sendall(
            b"GET /feed.json?ns=slow-sse HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
        )
        wait_until(lambda: srv.listener_count("slow-sse") == 1, 5, "the stream's listen")
        flood(srv.url, "slow-sse", lambda: srv.listener_count("slow-sse") == 0)
        wait_until(lambda: srv.listener_count("slow-sse") == 0, 10, "the stream to be dropped")
        wait_until(lambda: srv.call(lambda: len(srv.state.streams)) == 0, 10, "its registration")
        sock.close()


def _segment(message: dict) -> str:
    raw = base64.b64encode(json.dumps(message).encode()).decode()
    return raw.replace("+", "-").replace("/", "_").replace("=", ".")


def test_long_poll_consumer_that_stops_polling_is_dropped():
    with inproc_server() as srv:
        start = urllib.request.urlopen(f"{srv.url}/.lp?start=t&ser=1&cb=1&v=5&ns=slow-lp").read()
        lp_id, pw = re.search(rb"pLPCommand\('start','(\w+)','(\w+)'\)", start).groups()
        listen = {"t": "d", "d": {"r": 1, "a": "q", "b": {"p": "/feed", "h": ""}}}
        poll = (
            f"{srv.url}/.lp?id={lp_id.decode()}&pw={pw.decode()}&ser=2&ns=slow-lp"
            f"&seg0=0&ts0=1&d0={_segment(listen)}"
        )
        urllib.request.urlopen(poll, timeout=10).read()  # answered with the listen's data
        wait_until(lambda: srv.listener_count("slow-lp") == 1, 5, "the listen")
        # No more polls from here on: everything queues for a page that stopped asking.
        flood(srv.url, "slow-lp", lambda: srv.listener_count("slow-lp") == 0)
        wait_until(lambda: srv.listener_count("slow-lp") == 0, 10, "the long-poll to be dropped")
        wait_until(lambda: srv.call(lambda: len(srv.state.sessions)) == 0, 10, "its session")
