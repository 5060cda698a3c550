"""Database triggers end to end: rtdb → the official Functions emulator → a Python function.

Each function in tests/cloudfunctions/codebase records what it saw
(`_seen/<kind>/<event id>`), so these tests compare the function's own view (what the SDK's
`db_fn` parsed from rtdb's CloudEvent) with what Firebase documents for created, updated,
deleted and written (firebase.google.com/docs/functions/database-events).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from tests.cloudfunctions.conftest import post_event, records, wait_until
from tools.stack import NAMESPACE, Stack
from tools.testing.jsclient import JsDriver

CREATED = "google.firebase.database.ref.v1.created"
INSTANCES = "locations/us-central1/instances"


def change(record: dict[str, Any]) -> tuple[Any, Any]:
    data = record.get("data") or {}
    return data.get("before"), data.get("after")


def wait_records(admin, kind: str, ref: str, n: int = 1) -> list[dict[str, Any]]:
    return wait_until(
        lambda: (found := records(admin, kind, ref)) and len(found) >= n and found,
        what=f"{n} {kind} event(s) at {ref}",
    )


def room() -> str:
    return "r" + uuid.uuid4().hex[:10]


def test_a_message_lifecycle_fires_each_event_kind_once(fn_stack: Stack, fn_admin) -> None:
    r = room()
    ref = f"t/{r}/m1"
    fn_admin.child(ref).set({"text": "hi", "n": 1})
    (created,) = wait_records(fn_admin, "created", ref)
    assert created["data"] == {"text": "hi", "n": 1}
    assert created["params"] == {"room": r, "msg": "m1"}
    assert created["type"] == CREATED
    assert created["authtype"] == "admin"

    fn_admin.child(ref).update({"text": "edited"})
    (updated,) = wait_records(fn_admin, "updated", ref)
    assert change(updated) == ({"text": "hi", "n": 1}, {"text": "edited", "n": 1})

    fn_admin.child(ref).delete()
    (deleted,) = wait_records(fn_admin, "deleted", ref)
    assert deleted["data"] == {"text": "edited", "n": 1}

    written = wait_records(fn_admin, "written", ref, n=3)
    assert sorted(map(repr, map(change, written))) == sorted(
        map(
            repr,
            [
                (None, {"text": "hi", "n": 1}),
                ({"text": "hi", "n": 1}, {"text": "edited", "n": 1}),
                ({"text": "edited", "n": 1}, None),
            ],
        )
    )
    # Per-trigger order: the creation's events came first, so nothing else is on its way.
    assert len(records(fn_admin, "created", ref)) == 1
    assert len(records(fn_admin, "updated", ref)) == 1


def test_a_multi_path_update_fires_once_per_matching_location(fn_stack: Stack, fn_admin) -> None:
    r = room()
    fn_admin.child(f"t/{r}/old").set({"v": 0})
    wait_records(fn_admin, "created", f"t/{r}/old")
    fn_admin.child("t").update(
        {f"{r}/a": {"v": 1}, f"{r}/b/v": 2, f"{r}/old/v": 5, f"{r}/none": None}
    )
    (a,) = wait_records(fn_admin, "created", f"t/{r}/a")
    (b,) = wait_records(fn_admin, "created", f"t/{r}/b")
    assert (a["data"], b["data"]) == ({"v": 1}, {"v": 2})
    (old,) = wait_records(fn_admin, "updated", f"t/{r}/old")
    assert change(old) == ({"v": 0}, {"v": 5})
    wait_records(fn_admin, "written", f"t/{r}/b")
    assert records(fn_admin, "written", f"t/{r}/none") == []  # nothing there, nothing changed
    assert len(records(fn_admin, "created", f"t/{r}/a")) == 1


def test_a_write_above_the_trigger_fires_for_each_changed_child(fn_stack: Stack, fn_admin) -> None:
    r = room()
    fn_admin.child(f"t/{r}").set({"p": {"v": 1}, "q": {"v": 2}})
    wait_records(fn_admin, "created", f"t/{r}/p")
    wait_records(fn_admin, "created", f"t/{r}/q")
    fn_admin.child(f"t/{r}").set({"p": {"v": 1}, "s": {"deep": {"er": 3}}})
    (gone,) = wait_records(fn_admin, "deleted", f"t/{r}/q")
    assert gone["data"] == {"v": 2}
    (nested,) = wait_records(fn_admin, "created", f"t/{r}/s")
    assert nested["data"] == {"deep": {"er": 3}}
    wait_records(fn_admin, "written", f"t/{r}/s")
    # p was rewritten with the same value: no change, so no updated or second written event.
    assert records(fn_admin, "updated", f"t/{r}/p") == []
    assert len(records(fn_admin, "written", f"t/{r}/p")) == 1


def test_a_signed_in_users_write_and_transaction_carry_their_auth(
    fn_stack: Stack, fn_admin
) -> None:
    r = room()
    driver = JsDriver(fn_stack.ports.host, fn_stack.ports.database)
    try:
        alice = driver.client(NAMESPACE, token={"sub": "alice", "user_id": "alice"})
        alice.set(f"t/{r}/m", {"text": "from alice"})
        alice.transaction(f"t/{r}/count", "increment", 1)
        (created,) = wait_records(fn_admin, "created", f"t/{r}/m")
        assert (created["authtype"], created["authid"]) == ("app_user", "alice")
        (counted,) = wait_records(fn_admin, "created", f"t/{r}/count")
        assert counted["data"] == fn_admin.child(f"t/{r}/count").get()
    finally:
        driver.close()


def test_a_redelivered_event_changes_nothing_twice(fn_stack: Stack, fn_admin) -> None:
    r = room()
    ref = f"t/{r}/m"
    fn_admin.child(ref).set({"text": "once"})
    wait_records(fn_admin, "created", ref)
    seen = fn_admin.child("_seen/created").get()
    (event_id,) = [k for k, v in seen.items() if v["ref"] == ref]
    count = fn_admin.child("_count/created").get()
    key = fn_stack.trigger_key({"id": "us-central1-on_msg_created"})

    def event(eid: str) -> dict[str, Any]:
        return {
            "specversion": "1.0",
            "id": eid,
            "type": CREATED,
            "source": f"//firebasedatabase.googleapis.com/projects/_/{INSTANCES}/{NAMESPACE}",
            "subject": f"refs/{ref}",
            "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
            "location": "us-central1",
            "firebasedatabasehost": fn_stack.database_host,
            "instance": NAMESPACE,
            "ref": ref,
            "authtype": "admin",
            "data": {"data": None, "delta": {"text": "once"}},
        }

    assert post_event(fn_stack, key, event(event_id)) < 300
    assert fn_admin.child("_count/created").get() == count
    # The same route with a new id does count, so the check above could have failed.
    assert post_event(fn_stack, key, event(event_id + "-new")) < 300
    assert fn_admin.child("_count/created").get() == count + 1
