"""Callables through the Functions JS SDK, scheduled functions on demand, and delivery
that survives the Functions emulator going away."""

from __future__ import annotations

import uuid

import pytest

from tests.cloudfunctions.conftest import call_function, records, wait_until
from tools.stack import Stack

PASSWORD = "callable-test-password"


@pytest.fixture(scope="module")
def users(fn_stack: Stack, fn_admin) -> dict[str, str]:
    """Two Auth-emulator accounts: a learner, and an admin (custom claim)."""
    from firebase_admin import auth

    from tools.seed import admin_app

    app = admin_app(fn_stack)
    made = {}
    for name, claims in (("learner", None), ("admin", {"admin": True})):
        email = f"{name}-{uuid.uuid4().hex[:8]}@nimbus.test"
        user = auth.create_user(email=email, password=PASSWORD, app=app)
        if claims:
            auth.set_custom_user_claims(user.uid, claims, app=app)
        made[name] = (email, user.uid)
    return made


def test_a_callable_sees_the_callers_uid_and_claims(fn_stack: Stack, users) -> None:
    email, uid = users["learner"]
    reply = call_function(fn_stack, "whoami", {"q": 1}, email=email, password=PASSWORD)
    assert reply["ok"], reply
    assert reply["result"] == {"uid": uid, "admin": False, "data": {"q": 1}}
    email, uid = users["admin"]
    reply = call_function(fn_stack, "whoami", None, email=email, password=PASSWORD)
    assert reply["result"] == {"uid": uid, "admin": True, "data": None}


def test_a_callable_refuses_the_signed_out_in_words(fn_stack: Stack) -> None:
    reply = call_function(fn_stack, "whoami", {"q": 1})
    assert not reply["ok"]
    assert reply["code"] == "functions/unauthenticated"
    # The function's own words; the JS SDK appends the HTTP status, which
    # app/services/functions.py drops before the UI shows the sentence.
    assert reply["message"] == "Sign in first. [401]"


def test_a_scheduled_function_runs_on_demand_as_cloud_scheduler_would(
    fn_stack: Stack, fn_admin
) -> None:
    before = len(fn_admin.child("_ticks").get() or {})
    fn_stack.run_scheduled("tick")
    ticks = wait_until(
        lambda: [t for t in (fn_admin.child("_ticks").get() or {}).values() if t.get("job")],
        what="a tick with its job name",
    )
    assert ticks[-1]["job"] == "firebase-schedule-tick-us-central1"
    assert len(fn_admin.child("_ticks").get()) > before
    with pytest.raises(LookupError, match="scheduled: \\['tick'\\]"):
        fn_stack.run_scheduled("whoami")


def test_events_wait_for_a_functions_emulator_that_is_down(fn_stack: Stack, fn_admin) -> None:
    fn_stack.stop_process("emulators")
    ref = f"t/down{uuid.uuid4().hex[:8]}/m"
    fn_admin.child(ref).set({"text": "while down"})
    fn_stack.restart_emulators()
    found = wait_until(
        lambda: records(fn_admin, "created", ref),
        timeout=60,
        what="the event written while the functions emulator was down",
    )
    assert [r["data"] for r in found] == [{"text": "while down"}]
