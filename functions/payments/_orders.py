"""The order state machine, without I/O: an order and one payment fact in, the new order out.

Stripe delivers each event at least once, in any order, and may resend old ones;
``refund_order`` learns of its own refund before (and, locally, instead of) Stripe's
``charge.refunded``. So a fact never sets an order's status, it only raises it along

    pending < processing < failed < paid < refunded

and an order's status after any collection of facts is the highest one among them, whatever
their order or repetition (the statuses form a chain; applying a fact is taking a maximum,
which is commutative and idempotent). That ranking follows Stripe's own lifecycle: a failed
attempt can still be followed by a success, a success never by a failure, and a refund
ends it. The entitlement is a function of the status alone (``paid`` and nothing else), so
exactly one entitlement per paid order holds under duplicates, replays and reordering.

Facts name their PaymentIntent: an order is paid by the one intent it was created with, so a
fact about another intent changes nothing; and a success event pays it only for the order's
own amount and currency (what the catalog said at checkout), never for what an event says.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from _model import paths

STATUSES = ("pending", "processing", "failed", "paid", "refunded")
RANK = {status: rank for rank, status in enumerate(STATUSES)}

# Stripe event type -> the status it proves (Stripe documents these payloads; see README).
EVENT_STATUS = {
    "payment_intent.processing": "processing",
    "payment_intent.payment_failed": "failed",
    "payment_intent.succeeded": "paid",
    "charge.refunded": "refunded",
}
DEFAULT_FAILURE = "The payment did not go through."


@dataclass(frozen=True)
class Fact:
    """Something Stripe said about an order's payment: an event, or a call's answer."""

    fact_id: str  # the Stripe event id, or a stable id of the call's answer (refund id…)
    status: str  # one of STATUSES
    intent_id: str | None  # None: a card refused before any intent existed
    at: str  # ISO-8601 UTC, when the function applies it
    reason: str | None = None  # status "failed": the provider's words
    amount: int | None = None  # status "paid" from an event: what the intent received
    currency: str | None = None  # ... and in which currency


def advance(order_id: str, order: dict[str, Any] | None, fact: Fact) -> dict[str, Any] | None:
    """The order once ``fact`` holds, or None when it changes nothing (no such order, a
    status the order is already at or past, or another intent's fact)."""
    if not order:
        return None
    if order.get("intentId") not in (None, fact.intent_id):
        return None
    if RANK[fact.status] <= RANK.get(order.get("status", "pending"), 0):
        return None
    if fact.status == "paid" and not pays_in_full(order, fact):
        return None
    new = dict(order, status=fact.status, updatedAt=fact.at)
    if fact.intent_id:
        new["intentId"] = fact.intent_id
    if fact.status == "failed":
        new["failureReason"] = fact.reason or DEFAULT_FAILURE
    elif fact.status == "paid":
        new.pop("failureReason", None)
        new["receipt"] = receipt(new, order_id=order_id, paid_at=fact.at)
    elif fact.status == "refunded":
        new["refundedAt"] = fact.at  # the receipt, if it was paid, stays
    return new


def pays_in_full(order: dict[str, Any], fact: Fact) -> bool:
    """Whether a paid fact paid this order's amount in its currency (facts of our own calls
    state none; every success event states both)."""
    if fact.amount is None and fact.currency is None:
        return True
    return fact.amount == order.get("amount") and fact.currency == order.get("currency")


def receipt(order: dict[str, Any], order_id: str, paid_at: str) -> dict[str, Any]:
    """What the learner keeps once paid (shown on the Orders page, kept after a refund)."""
    return {
        "orderId": order_id,
        "courseId": order["courseId"],
        "courseTitle": order["courseTitle"],
        "amount": order["amount"],
        "currency": order["currency"],
        "paidAt": paid_at,
    }


def entitled(order: dict[str, Any] | None) -> bool:
    """Whether the order grants its course: paid, and only paid."""
    return bool(order) and order.get("status") == "paid"


def entitlement_update(
    uid: str, order: dict[str, Any], others: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The enrollment write that matches the order's status: granted while paid, removed
    once refunded unless another of the learner's orders (``others``: their orders by id)
    still pays for the course (two checkouts opened at once can both be paid; refunding
    one keeps the course the other bought). Pending, processing and failed orders leave it
    alone (the learner may hold the course through another paid order)."""
    path = paths.enrollment(uid, order["courseId"])
    if order.get("status") == "paid":
        return {path: True}
    if order.get("status") == "refunded":
        course = order["courseId"]
        held = [o for o in (others or {}).values() if isinstance(o, dict) and entitled(o)]
        if any(o.get("courseId") == course for o in held):
            return {}
        return {path: None}
    return {}


def event_record(uid: str, order_id: str, fact: Fact, seen: dict[str, Any] | None) -> dict:
    """The functions' record of a fact, kept by its first delivery (``seen``: the record a
    delivery found); later deliveries only count themselves, so a replay shows as one."""
    if seen:
        return {**seen, "deliveries": int(seen.get("deliveries", 1)) + 1}
    return {"uid": uid, "orderId": order_id, "status": fact.status, "at": fact.at, "deliveries": 1}


def bookkeeping_update(
    uid: str, order_id: str, fact: Fact, changed: bool, first: bool
) -> dict[str, Any]:
    """Functions-private records that follow a fact: the intent's order (how charge events,
    which carry no metadata, find it) and, from the first delivery, whether it moved it."""
    update: dict[str, Any] = {}
    if fact.intent_id:
        update[paths.payment_intent(fact.intent_id)] = {"uid": uid, "orderId": order_id}
    if first:
        update[paths.child(paths.payment_event(fact.fact_id), "changed")] = changed
    return update


def fact_from_event(event: dict[str, Any], at: str) -> Fact | None:
    """The fact a Stripe event proves, or None for events Nimbus does not act on (and for a
    partial refund, which keeps the course: only a full refund revokes it)."""
    status = EVENT_STATUS.get(str(event.get("type")))
    obj = (event.get("data") or {}).get("object") or {}
    if status is None or not isinstance(obj, dict):
        return None
    if status == "refunded":
        intent = obj.get("payment_intent")
        if isinstance(intent, dict):
            intent = intent.get("id")
        if not intent or not obj.get("refunded"):
            return None
    else:
        intent = obj.get("id")
    reason, amount, currency = None, None, None
    if status == "paid":
        amount, currency = obj.get("amount_received", obj.get("amount")), obj.get("currency")
        if isinstance(amount, bool) or not isinstance(amount, int) or not currency:
            return None  # Stripe always states them; an event without them proves nothing
        currency = str(currency).lower()
    if status == "failed":
        error = obj.get("last_payment_error") or {}
        reason = error.get("message") if isinstance(error, dict) else None
    return Fact(str(event["id"]), status, str(intent), at, reason, amount, currency)


def order_address(event: dict[str, Any]) -> tuple[str, str] | None:
    """(uid, orderId) from the metadata create_payment_intent put on the intent (payment
    intent events carry it; a charge's events do not, and are looked up by intent id)."""
    obj = (event.get("data") or {}).get("object") or {}
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    if isinstance(meta, dict) and meta.get("uid") and meta.get("orderId"):
        return str(meta["uid"]), str(meta["orderId"])
    return None
