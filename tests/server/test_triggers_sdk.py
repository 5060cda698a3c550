"""The Python Functions SDK's own handler parses the events our server sends.

Real events (server process → HTTP sink) are handed, in ``functions/venv`` (python3.11 with
the pinned firebase-functions), to ``cloudevents.http.from_http`` as functions-framework
does, then to ``firebase_functions.db_fn._db_endpoint_handler``; what the function would
see (``event.data``, ``params``, ``auth_type``…) must equal what reads of the database
return before and after each write.
"""

from __future__ import annotations

import base64
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_triggers_delivery import NS, call, register, registration
from trigger_sink import Sink

from tools.testing.rtdb_process import ROOT, RtdbServer, start_server, stop_server
from tools.testing.tokens import id_token

FUNCTIONS_PY = ROOT / "functions" / "venv" / "bin" / "python"
PATTERN = "forum/{cid}/questions/{qid}"
KINDS = ("created", "updated", "deleted", "written")

HANDLER = r"""
import json, sys
from cloudevents.http import from_http
from firebase_functions import db_fn
from firebase_functions.private.path_pattern import PathPattern

out = []
for case in json.load(sys.stdin):
    seen = {}
    def fn(event):
        data = event.data
        if hasattr(data, "before"):
            seen["data"] = {"before": data.before, "after": data.after}
        else:
            seen["data"] = data
        seen.update(params=event.params, auth_type=event.auth_type, auth_id=event.auth_id,
                    reference=event.reference, instance=event.instance, id=event.id,
                    time=event.time.isoformat())
    raw = from_http(case["headers"], case["body"].encode())
    db_fn._db_endpoint_handler(fn, case["type"], PathPattern(case["path"]),
                               PathPattern("*"), raw)
    out.append(seen)
json.dump(out, sys.stdout)
"""


def user_token(uid: str) -> str:
    """A password user's unsigned ID token (the server decodes, never verifies)."""
    return id_token(uid, firebase={"sign_in_provider": "password"})


@pytest.fixture
def server_and_sink(tmp_path: Path) -> Iterator[tuple[RtdbServer, Sink]]:
    if not FUNCTIONS_PY.exists():
        pytest.skip("functions/venv is absent: `python3 build.py setup` creates it")
    sink = Sink().start()
    server = start_server(tmp_path, None, "--functions_emulator_port", str(sink.port))
    try:
        yield server, sink
    finally:
        stop_server(server)
        sink.stop()


def test_the_sdk_handler_sees_what_reads_return(server_and_sink: tuple[RtdbServer, Sink]) -> None:
    server, sink = server_and_sink
    register(
        server,
        *(registration(PATTERN, kind, f"google.firebase.database.ref.v1.{kind}") for kind in KINDS),
    )
    ref = "forum/c1/questions/q1"
    writes: list[tuple[str, str, Any, str | None]] = [
        ("PUT", ref, {"title": "Why?", "score": 0, "tags": {"a": True}}, user_token("alice")),
        ("PUT", f"{ref}/title", "Why not?", None),  # nested write
        ("PATCH", "forum/c1", {"questions/q1/score": 3, "questions/q1/tags/a": None}, "owner"),
        ("PUT", "forum/c1", {"questions": {"q1": {"title": "Moved", "score": 3}}}, "owner"),
        ("DELETE", "forum", None, user_token("bob")),  # delete from above
    ]
    cases, expected = [], []
    for method, path, body, token in writes:
        before = call(server, "GET", f"/{ref}.json?ns={NS}")[1]
        count = len(sink.received)
        status, _ = call(server, method, f"/{path}.json?ns={NS}", body, token)
        assert status == 200
        after = call(server, "GET", f"/{ref}.json?ns={NS}")[1]
        # created/updated/deleted: exactly one of them, plus written.
        received = sink.wait_for(count + 2)[count:]
        time.sleep(0.2)
        assert len(sink.received) == count + 2
        for item in received:
            kind = item.key.split("-")[2]
            cases.append(
                {
                    "headers": {"Content-Type": item.content_type},
                    "body": item.raw.decode(),
                    "type": f"google.firebase.database.ref.v1.{kind}",
                    "path": PATTERN,
                }
            )
            expected.append((kind, before, after, token))
    kinds = [k for k, *_ in expected]
    assert sorted(kinds) == sorted(
        ["created", "written"] + ["updated", "written"] * 3 + ["deleted", "written"]
    )
    run = subprocess.run(
        [str(FUNCTIONS_PY), "-c", HANDLER],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT / "functions",
    )
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    for (kind, before, after, token), event in zip(expected, seen, strict=True):
        if kind == "created":
            assert event["data"] == after
        elif kind == "deleted":
            assert event["data"] == before
        else:
            assert event["data"] == {"before": before, "after": after}
        assert event["params"] == {"cid": "c1", "qid": "q1"}
        assert event["reference"] == ref
        assert event["instance"] == NS
        if token == "owner":
            assert (event["auth_type"], event["auth_id"]) == ("admin", None)
        elif token is None:
            assert (event["auth_type"], event["auth_id"]) == ("unauthenticated", None)
        else:
            uid = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))["user_id"]
            assert (event["auth_type"], event["auth_id"]) == ("app_user", uid)
