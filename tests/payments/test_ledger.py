"""The ledger (functions/payments/_ledger.py) applying facts at the same time, as function
instances do when Stripe delivers an order's events at once: against the real database
server through firebase-admin, whatever the facts and however the threads interleave,
the order ends at the highest status proved for its intent and the enrollment exists
exactly when it is paid."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import firebase_admin
import pytest
from firebase_admin import db
from functions_import import functions_module
from hypothesis import given, settings
from hypothesis import strategies as st

_ledger = functions_module("payments._ledger")
_orders = functions_module("payments._orders")

COURSE, INTENT = "serverless-101", "pi_1"


@pytest.fixture(scope="module")
def ledger_app(rtdb_server) -> Iterator[firebase_admin.App]:
    """The default firebase-admin app, as the functions have it (``_app.init``), on a
    namespace of its own."""
    url = f"{rtdb_server.url}?ns=ledger-{uuid.uuid4().hex[:8]}"
    app = firebase_admin.initialize_app(options={"databaseURL": url, "projectId": "demo-nimbus"})
    try:
        yield app
    finally:
        firebase_admin.delete_app(app)


def pending(intent: str | None) -> dict:
    at = "2026-12-01T10:00:00.000Z"
    order = {"courseId": COURSE, "courseTitle": "Serverless Foundations", "amount": 2900}
    order.update(currency="usd", status="pending", createdAt=at, updatedAt=at)
    if intent:
        order["intentId"] = intent
    return order


facts = st.lists(
    st.tuples(
        st.sampled_from(["e1", "e2", "e3", "e4"]),  # shared ids: duplicate deliveries
        st.sampled_from([s for s in _orders.STATUSES if s != "pending"]),
        st.sampled_from([INTENT, INTENT, "pi_other"]),
    ),
    min_size=1,
    max_size=6,
)


@settings(max_examples=50, deadline=None)
@given(facts)
def test_concurrent_deliveries_end_as_the_facts_say(ledger_app, sent) -> None:
    uid, order_id = f"u{uuid.uuid4().hex[:12]}", "o" + uuid.uuid4().hex[:20]
    db.reference(f"orders/{uid}/{order_id}").set(pending(INTENT))
    at = "2026-12-01T10:00:01.000Z"
    batch = [_orders.Fact(f"{uid}-{fid}", status, intent, at) for fid, status, intent in sent]
    with ThreadPoolExecutor(len(batch)) as pool:
        list(pool.map(lambda fact: _ledger.apply_fact(uid, order_id, fact), batch))
    order = db.reference(f"orders/{uid}/{order_id}").get()
    # Duplicate ids carry the first delivery's fact in the real system; here a reused id
    # may name another status, and the order still takes the highest one it was given.
    mine = [f.status for f in batch if f.intent_id == INTENT]
    assert order["status"] == max(["pending", *mine], key=_orders.RANK.__getitem__)
    enrolled = db.reference(f"enrollments/{uid}/{COURSE}").get()
    assert (enrolled is True) == (order["status"] == "paid")
    seen = db.reference("payments/events").get() or {}
    counts = {k: v["deliveries"] for k, v in seen.items() if k.startswith(uid)}
    assert sum(counts.values()) == len(batch)  # every delivery counted once


def test_refunding_one_of_two_paid_orders_keeps_the_course(ledger_app) -> None:
    """Two checkouts opened at once (two tabs) can both be paid; refunding one of them
    must not take away the course the other still pays for (and refunding both does)."""
    uid, at = f"u{uuid.uuid4().hex[:12]}", "2026-12-01T10:00:01.000Z"
    first, second = "o" + uuid.uuid4().hex[:20], "o" + uuid.uuid4().hex[:20]
    db.reference(f"orders/{uid}/{first}").set(pending("pi_a"))
    db.reference(f"orders/{uid}/{second}").set(pending("pi_b"))
    _ledger.apply_fact(uid, first, _orders.Fact(f"{uid}-pa", "paid", "pi_a", at))
    _ledger.apply_fact(uid, second, _orders.Fact(f"{uid}-pb", "paid", "pi_b", at))
    _ledger.apply_fact(uid, first, _orders.Fact(f"{uid}-ra", "refunded", "pi_a", at))
    assert db.reference(f"enrollments/{uid}/{COURSE}").get() is True
    _ledger.apply_fact(uid, second, _orders.Fact(f"{uid}-rb", "refunded", "pi_b", at))
    assert db.reference(f"enrollments/{uid}/{COURSE}").get() is None


def test_a_late_copy_of_an_old_refund_leaves_the_course_bought_again(ledger_app) -> None:
    """Refunded, then bought again: Stripe's own charge.refunded for the first order (or a
    retried copy of it, days later) must not take away the course the second one paid."""
    uid, at = f"u{uuid.uuid4().hex[:12]}", "2026-12-01T10:00:01.000Z"
    first, second = "o" + uuid.uuid4().hex[:20], "o" + uuid.uuid4().hex[:20]
    db.reference(f"orders/{uid}/{first}").set(pending("pi_a"))
    _ledger.apply_fact(uid, first, _orders.Fact(f"{uid}-pa", "paid", "pi_a", at))
    _ledger.apply_fact(uid, first, _orders.Fact(f"{uid}-refund", "refunded", "pi_a", at))
    db.reference(f"orders/{uid}/{second}").set(pending("pi_b"))
    _ledger.apply_fact(uid, second, _orders.Fact(f"{uid}-pb", "paid", "pi_b", at))
    _ledger.apply_fact(uid, first, _orders.Fact(f"{uid}-evt_refund", "refunded", "pi_a", at))
    assert db.reference(f"enrollments/{uid}/{COURSE}").get() is True
