"""Trigger registration and delivery through the real server process.

``python -m rtdb --data DIR --functions_emulator_port P`` as firebase-tools would start
Google's JAR; firebase-admin writes; a local HTTP sink (``trigger_sink.py``) stands in for
the Functions emulator's trigger route and can be taken down, made to fail, and brought
back. The real Functions emulator runs in the lead's tests (tests/functions).
"""

from __future__ import annotations

import contextlib
import json
import signal
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from trigger_sink import Received, Sink

from tools.testing.jsclient import js_fixture
from tools.testing.rtdb_process import RtdbServer, start_server, stop_server

PROJECT = "demo-nimbus"
NS = "demo-nimbus-default-rtdb"
WRITTEN = "google.firebase.database.ref.v1.written"


def registration(path: str, fn: str, event: str = WRITTEN, project: str = PROJECT) -> dict:
    key = f"us-central1-{fn}-0"
    return {
        "name": f"projects/{project}/locations/us-central1/triggers/{key}",
        "path": path,
        "event": event,
        "topic": f"projects/{project}/topics/{key}",
        "namespacePattern": "*",
    }


def call(
    server: RtdbServer, method: str, path: str, body: Any = None, token: str | None = "owner"
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(server.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, json.loads(resp.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def register(server: RtdbServer, *bodies: dict) -> None:
    for body in bodies:
        status, answer = call(server, "POST", "/.settings/functionTriggers.json", body)
        assert status == 200, answer


def write(server: RtdbServer, path: str, value: Any) -> float:
    """PUT as an admin; returns how long the acknowledgement took."""
    started = time.monotonic()
    status, _ = call(server, "PUT", f"/{path}.json?ns={NS}", value)
    assert status == 200
    return time.monotonic() - started


def read(server: RtdbServer, path: str) -> Any:
    return call(server, "GET", f"/{path}.json?ns={NS}")[1]


@pytest.fixture
def sink() -> Iterator[Sink]:
    s = Sink().start()
    yield s
    s.stop()


def start(servers: list, data: Path, sink: Sink, *extra: str) -> RtdbServer:
    server = start_server(
        data,
        None,
        "--functions_emulator_host",
        "127.0.0.1",
        "--functions_emulator_port",
        str(sink.port),
        "--single_project_mode",
        "Warning",
        *extra,
    )
    servers.append(server)
    return server


def values(received: list[Received]) -> list[Any]:
    return [r.body["data"]["delta"] for r in received]


# -- registration ----------------------------------------------------------------------


def test_registration_is_owner_only_upserts_by_name_and_lists(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    server = start(servers, tmp_path, sink)
    url = "/.settings/functionTriggers.json"
    body = registration("x/{id}", "on_x")
    user_token = "e30.eyJ1c2VyX2lkIjoiYWxpY2UiLCJzdWIiOiJhbGljZSJ9.c2ln"
    for token in (None, user_token, "not-a-token"):
        assert call(server, "POST", url, body, token) == (401, {"error": "Permission denied"})
        assert call(server, "GET", url, token=token)[0] == 401
    register(server, body)
    register(server, {**body, "path": "y/{id}"})  # same name: replaced
    register(server, registration("z", "on_z"))
    status, listed = call(server, "GET", url)
    assert status == 200
    assert [(t["name"].rsplit("/", 1)[1], t["path"]) for t in listed] == [
        ("us-central1-on_x-0", "y/{id}"),
        ("us-central1-on_z-0", "z"),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event": "google.firebase.database.ref.v1.changed"}, "expected one of"),
        ({"path": "a/{b"}, '"{b" is not'),
        ({"topic": "not-a-topic"}, "projects/<project>/topics/<trigger key>"),
        ({"namespacePattern": "a/b"}, "Invalid namespacePattern"),
        ({"name": None}, '"name" must be a non-empty string'),
    ],
)
def test_bad_registrations_are_400_with_the_reason(
    servers: list, sink: Sink, tmp_path: Path, change: dict, message: str
) -> None:
    server = servers[0] if servers else start(servers, tmp_path, sink)
    status, answer = call(
        server, "POST", "/.settings/functionTriggers.json", {**registration("x", "f"), **change}
    )
    assert status == 400
    assert message in answer["error"]
    assert call(server, "GET", "/.settings/functionTriggers.json") == (200, [])
    status, answer = call(server, "POST", "/.settings/functionTriggers.json?x=1", None)
    assert status == 400 and answer["error"] == "Error: No data supplied."


def test_single_project_mode_error_refuses_a_second_project(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    server = start_server(
        tmp_path,
        None,
        "--functions_emulator_port",
        str(sink.port),
        "--single_project_mode",
        "Error",
    )
    servers.append(server)
    register(server, registration("x", "f"))
    status, answer = call(
        server, "POST", "/.settings/functionTriggers.json", registration("x", "g", project="other")
    )
    assert status == 400
    assert "more than one project" in answer["error"]


# -- delivery --------------------------------------------------------------------------


def test_events_arrive_after_the_write_is_acknowledged_in_order_per_trigger(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    server = start(servers, tmp_path, sink)
    register(server, registration("items/{id}", "items"), registration("logs/{id}", "logs"))
    seen_in_db: list[bool] = []
    # The sink reads the database when an event arrives: the write is already visible.
    sink.on_event = lambda r: seen_in_db.append(
        read(server, r.body["ref"]) == r.body["data"]["delta"]
    )
    for n in range(20):
        write(server, f"items/i{n % 3}", n)
        write(server, f"logs/l{n}", {"n": n})
    received = sink.wait_for(40)
    assert all(seen_in_db) and len(seen_in_db) == 40
    by_key: dict[str, list[Received]] = {}
    for item in received:
        assert item.project == PROJECT
        assert item.content_type.startswith("application/cloudevents+json")
        by_key.setdefault(item.key, []).append(item)
    assert values(by_key["us-central1-items-0"]) == list(range(20))
    assert values(by_key["us-central1-logs-0"]) == [{"n": n} for n in range(20)]
    assert len({r.body["id"] for r in received}) == 40
    time.sleep(0.3)
    assert len(sink.received) == 40  # nothing twice


def test_emulator_down_then_back_gets_everything_once_and_writes_never_wait(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    server = start(servers, tmp_path, sink)
    register(server, registration("q/{id}", "q"))
    sink.stop()
    acks = [write(server, f"q/k{n}", n) for n in range(10)]
    assert max(acks) < 0.5, acks  # delivery retries never hold an acknowledgement
    time.sleep(1.0)
    sink.start()
    received = sink.wait_for(10)
    assert values(received) == list(range(10))
    time.sleep(0.5)
    assert len(sink.received) == 10


def test_a_failing_emulator_is_retried_with_the_same_event_id(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    sink.answer = lambda n: 500 if n < 3 else 200
    seen: list[str] = []
    sink.on_event = lambda r: seen.append(r.body["id"])
    server = start(servers, tmp_path, sink)
    register(server, registration("q/{id}", "q"))
    write(server, "q/a", 1)
    write(server, "q/b", 2)
    received = sink.wait_for(2)
    assert values(received) == [1, 2]
    assert seen[:4] == [received[0].body["id"]] * 4  # three 500s, then delivered
    assert "retrying" in stop_and_log(server)


def test_queued_events_survive_a_restart_and_a_kill(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    server = start(servers, tmp_path, sink)
    register(server, registration("q/{id}", "q"))
    sink.stop()
    for n in range(5):
        write(server, f"q/k{n}", n)
    stop_and_log(server)  # SIGTERM with 5 events undelivered
    server = start(servers, tmp_path, sink)
    for n in range(5, 8):
        write(server, f"q/k{n}", n)
    server.process.send_signal(signal.SIGKILL)  # acknowledged means on disk, events too
    server.process.wait(10)
    server = start(servers, tmp_path, sink)
    # The registration came back from disk too (firebase-tools registers only once).
    assert [t["path"] for t in call(server, "GET", "/.settings/functionTriggers.json")[1]] == [
        "q/{id}"
    ]
    sink.start()
    received = sink.wait_for(8)
    assert values(received) == list(range(8))
    write(server, "q/k8", 8)
    assert values(sink.wait_for(9))[8] == 8
    stop_and_log(server)
    server = start(servers, tmp_path, sink)
    time.sleep(0.5)
    assert len(sink.received) == 9  # delivered events are not sent again after a restart


def test_a_full_queue_drops_and_logs_each_event(servers: list, sink: Sink, tmp_path: Path) -> None:
    server = start(servers, tmp_path, sink, "--trigger-queue-max", "3")
    register(server, registration("q/{id}", "q"))
    sink.stop()
    for n in range(6):
        write(server, f"q/k{n}", n)
    sink.start()
    assert values(sink.wait_for(3)) == [0, 1, 2]
    log = stop_and_log(server)
    assert log.count("is full (3 events): dropped event") == 3
    for ref in ("q/k3", "q/k4", "q/k5"):
        assert f"at /{ref})" in log


def test_a_trigger_the_emulator_no_longer_has_is_unregistered_and_logged(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    sink.answer = lambda n: 404
    server = start(servers, tmp_path, sink, "--trigger-not-found-grace", "0.5")
    register(server, registration("q/{id}", "stale"))
    write(server, "q/a", 1)
    deadline = time.monotonic() + 10
    while (
        call(server, "GET", "/.settings/functionTriggers.json")[1] and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert call(server, "GET", "/.settings/functionTriggers.json")[1] == []
    assert "answered 404 for trigger us-central1-stale-0" in stop_and_log(server)


def test_other_namespaces_and_paths_do_not_fire(servers: list, sink: Sink, tmp_path: Path) -> None:
    server = start(servers, tmp_path, sink)
    body = {**registration("q/{id}", "q"), "namespacePattern": NS}
    register(server, body)
    call(server, "PUT", f"/q/a.json?ns=other-{uuid.uuid4().hex[:6]}", 1)
    write(server, "elsewhere/a", 1)
    write(server, "q/b", 2)
    assert values(sink.wait_for(1)) == [2]
    time.sleep(0.3)
    assert len(sink.received) == 1


def stop_and_log(server: RtdbServer) -> str:
    stop_server(server)
    assert server.process.stdout is not None
    return server.process.stdout.read()


def test_js_sdk_writes_and_transactions_fire_with_the_users_auth(
    servers: list, sink: Sink, tmp_path: Path
) -> None:
    server = start(servers, tmp_path, sink)
    register(server, registration("counters/{cid}", "counter"), registration("posts/{pid}", "post"))
    with contextlib.contextmanager(js_fixture)(server, NS) as js:
        alice = js({"sub": "alice", "user_id": "alice"})
        bob = js({"sub": "bob", "user_id": "bob"})
        alice.set("posts/p1", {"title": "hi"})
        alice.update("/", {"posts/p1/title": "hello", "posts/p2": {"title": "two"}})
        for _ in range(3):
            alice.transaction("counters/c1", "increment", 1)
            bob.transaction("counters/c1", "increment", 1)
        received = sink.wait_for(3 + 6)
    posts = [r.body for r in received if r.key == "us-central1-post-0"]
    assert [(p["ref"], p["authid"], p["data"]["delta"]) for p in posts] == [
        ("posts/p1", "alice", {"title": "hi"}),
        ("posts/p1", "alice", {"title": "hello"}),
        ("posts/p2", "alice", {"title": "two"}),
    ]
    counter = [r.body for r in received if r.key == "us-central1-counter-0"]
    # One event per committed transaction, each with the count it made, in commit order.
    assert [c["data"]["delta"] for c in counter] == [1, 2, 3, 4, 5, 6]
    assert [c["data"]["data"] for c in counter] == [None, 1, 2, 3, 4, 5]
    assert sorted(c["authid"] for c in counter) == ["alice"] * 3 + ["bob"] * 3
    assert all(c["authtype"] == "app_user" for c in counter)


def test_a_slow_function_never_slows_the_writer(servers: list, sink: Sink, tmp_path: Path) -> None:
    sink.on_event = lambda r: time.sleep(1.0)
    server = start(servers, tmp_path, sink)
    register(server, registration("q/{id}", "q"))
    acks = [write(server, f"q/k{n}", n) for n in range(4)]
    assert max(acks) < 0.5, acks
    assert values(sink.wait_for(4, timeout=30)) == [0, 1, 2, 3]


def test_an_event_failing_every_time_is_dropped_logged_and_the_next_goes_through(
    sink: Sink, caplog: pytest.LogCaptureFixture
) -> None:
    """In process, with a fast backoff: 12 answers of 500, then the queue moves on."""
    import asyncio

    from rtdb.core.auth import ADMIN
    from rtdb.core.namespaces import Namespaces
    from rtdb.core.trigger_delivery import HTTP_ATTEMPTS
    from rtdb.core.triggers import parse_trigger
    from rtdb.transports import triggers

    sink.answer = lambda n: 500 if n < HTTP_ATTEMPTS else 200

    async def scenario() -> dict[str, int]:
        namespaces = Namespaces()
        service = triggers.TriggerService(namespaces)
        service.configure("127.0.0.1:9", "127.0.0.1", sink.port, backoff=(0.005, 0.02))
        await service.start(triggers.NoDurability())
        await service.register([parse_trigger(registration("q/{id}", "q"))])
        db = namespaces.get(NS)
        db.set(("q", "a"), 1, ADMIN)
        db.set(("q", "b"), 2, ADMIN)
        deadline = time.monotonic() + 20
        while service.stats()["queued"] and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        stats = service.stats()
        await service.close()
        return stats

    with caplog.at_level("WARNING", logger="rtdb.triggers"):
        stats = asyncio.run(scenario())
    assert stats == {"queued": 0, "delivered": 1, "dropped": 1}
    assert values(sink.received) == [2]
    dropped_id = sink.received[0].body["id"].rsplit("-", 1)[0] + "-1"
    assert f"failed event {dropped_id} {HTTP_ATTEMPTS} times" in caplog.text
