"""The order state machine (functions/payments/_orders.py) under any delivery of facts.

Stripe delivers events at least once and in no particular order, and refund_order applies
its own refund too. Whatever the sequence (duplicates, replays, reordering, facts about
another intent), the order ends at the highest status proved for its intent, its course
is granted exactly when it ends paid, it is granted at most once, and it keeps a receipt
once paid.
"""

from __future__ import annotations

from typing import Any

from functions_import import functions_module
from hypothesis import given, settings
from hypothesis import strategies as st

_orders = functions_module("payments._orders")
paths = functions_module("_model.paths")

UID, ORDER_ID, COURSE, INTENT, OTHER_INTENT = "u1", "oabc", "serverless-101", "pi_1", "pi_2"
ENROLLMENT = paths.enrollment(UID, COURSE)
STATUSES = [s for s in _orders.STATUSES if s != "pending"]


def pending_order() -> dict[str, Any]:
    at = "2026-12-01T10:00:00.000Z"
    return {
        "courseId": COURSE,
        "courseTitle": "Serverless Foundations",
        "amount": 2900,
        "currency": "usd",
        "status": "pending",
        "createdAt": at,
        "updatedAt": at,
        "intentId": INTENT,
    }


facts = st.builds(
    _orders.Fact,
    fact_id=st.sampled_from([f"evt_{i}" for i in range(6)]),  # a small pool: duplicates
    status=st.sampled_from(STATUSES),
    intent_id=st.sampled_from([INTENT, INTENT, INTENT, OTHER_INTENT]),
    at=st.sampled_from(["2026-12-01T10:00:01.000Z", "2026-12-01T10:00:02.000Z"]),
    reason=st.sampled_from([None, "Your card was declined."]),
)
deliveries = st.lists(facts, max_size=12).flatmap(
    # a replay: the same facts again, some of them, in another order
    lambda sent: (
        st.tuples(st.just(sent), st.lists(st.sampled_from(sent), max_size=6))
        if sent
        else st.just((sent, []))
    )
)


def deliver(sequence: list[Any]) -> tuple[dict[str, Any], dict[str, Any], int]:
    """Apply facts one by one as the ledger does: the order, then its entitlement write.
    Returns the order, the database's other paths, and how many times paid was reached."""
    order, db, grants = pending_order(), {}, 0
    for fact in sequence:
        new = _orders.advance(ORDER_ID, order, fact)
        if new is not None:
            grants += new["status"] == "paid"
            order = new
        for path, value in _orders.entitlement_update(UID, order).items():
            if value is None:
                db.pop(path, None)
            else:
                db[path] = value
    return order, db, grants


def highest(sequence: list[Any]) -> str:
    mine = [f.status for f in sequence if f.intent_id == INTENT]
    return max(["pending", *mine], key=_orders.RANK.__getitem__)


@settings(max_examples=400, deadline=None)
@given(deliveries)
def test_any_delivery_ends_at_the_highest_status_with_one_entitlement_iff_paid(sent) -> None:
    first, replay = sent
    sequence = first + replay
    order, db, grants = deliver(sequence)
    assert order["status"] == highest(sequence)
    assert (db.get(ENROLLMENT) is True) == (order["status"] == "paid")
    assert set(db) <= {ENROLLMENT}  # nothing else is granted
    assert grants <= 1  # the course is granted at most once per order
    if order["status"] == "paid":
        assert order["receipt"]["orderId"] == ORDER_ID
        assert order["receipt"]["amount"] == 2900
    if order["status"] in ("pending", "processing", "failed"):
        assert "receipt" not in order
    if order["status"] == "failed":
        assert order["failureReason"]
    assert order["intentId"] == INTENT  # another intent's facts never touch it


@settings(max_examples=300, deadline=None)
@given(st.lists(facts, max_size=8).flatmap(lambda s: st.tuples(st.just(s), st.permutations(s))))
def test_the_outcome_does_not_depend_on_the_order_of_arrival(pair) -> None:
    sequence, shuffled = pair
    a, db_a, _ = deliver(sequence)
    b, db_b, _ = deliver(shuffled)
    assert a["status"] == b["status"]
    assert db_a == db_b


@settings(max_examples=300, deadline=None)
@given(st.lists(facts, max_size=8))
def test_delivering_everything_twice_changes_nothing(sequence) -> None:
    once, db_once, _ = deliver(sequence)
    twice, db_twice, _ = deliver(sequence + sequence)
    assert once == twice
    assert db_once == db_twice


def test_a_refund_before_the_success_event_leaves_no_entitlement() -> None:
    at = "2026-12-01T10:00:03.000Z"
    refund = _orders.Fact("refund:re_1", "refunded", INTENT, at)
    paid = _orders.Fact("evt_paid", "paid", INTENT, at)
    order, db, grants = deliver([refund, paid])
    assert (order["status"], db, grants) == ("refunded", {}, 0)


def test_stripe_events_become_facts_as_documented() -> None:
    at = "2026-12-01T10:00:03.000Z"
    failed = {
        "id": "evt_f",
        "type": "payment_intent.payment_failed",
        "data": {
            "object": {
                "id": INTENT,
                "object": "payment_intent",
                "metadata": {"uid": UID, "orderId": ORDER_ID},
                "last_payment_error": {"code": "card_declined", "message": "Declined."},
            }
        },
    }
    fact = _orders.fact_from_event(failed, at)
    assert fact == _orders.Fact("evt_f", "failed", INTENT, at, "Declined.")
    assert _orders.order_address(failed) == (UID, ORDER_ID)
    charge = {"id": "ch_1", "object": "charge", "payment_intent": INTENT, "metadata": {}}
    refunded = {**charge, "refunded": True}
    full = {"id": "evt_r", "type": "charge.refunded", "data": {"object": refunded}}
    partial = {**full, "data": {"object": {**charge, "refunded": False}}}
    assert _orders.fact_from_event(full, at) == _orders.Fact("evt_r", "refunded", INTENT, at)
    assert _orders.fact_from_event(partial, at) is None  # a partial refund keeps the course
    assert _orders.order_address(full) is None  # charges carry no metadata: looked up by intent
    assert _orders.fact_from_event({"id": "e", "type": "customer.created", "data": {}}, at) is None


def succeeded(amount: int, currency: str, received: int | None = None) -> dict[str, Any]:
    """Stripe's documented payment_intent.succeeded event for INTENT."""
    intent = {"id": INTENT, "object": "payment_intent", "amount": amount, "currency": currency}
    if received is not None:
        intent["amount_received"] = received
    intent["metadata"] = {"uid": UID, "orderId": ORDER_ID}
    return {"id": "evt_s", "type": "payment_intent.succeeded", "data": {"object": intent}}


def test_a_success_for_another_amount_or_currency_pays_nothing() -> None:
    at = "2026-12-01T10:00:03.000Z"
    for event in (succeeded(50, "usd"), succeeded(2900, "eur"), succeeded(2900, "usd", 100)):
        fact = _orders.fact_from_event(event, at)
        assert fact is not None and fact.status == "paid"
        assert _orders.advance(ORDER_ID, pending_order(), fact) is None, event
    fact = _orders.fact_from_event(succeeded(2900, "USD", 2900), at)
    assert _orders.advance(ORDER_ID, pending_order(), fact)["status"] == "paid"
    no_amount = succeeded(2900, "usd")
    del no_amount["data"]["object"]["amount"]
    assert _orders.fact_from_event(no_amount, at) is None  # proves nothing


def test_refunding_one_of_two_paid_orders_keeps_the_course_the_other_pays_for() -> None:
    paid = {**pending_order(), "status": "paid"}
    refunded = {**pending_order(), "status": "refunded"}
    others = {"o1": refunded, "o2": paid}
    assert _orders.entitlement_update(UID, refunded, others) == {}
    elsewhere = {"o1": refunded, "o2": {**paid, "courseId": "other-course"}}
    assert _orders.entitlement_update(UID, refunded, elsewhere) == {ENROLLMENT: None}
