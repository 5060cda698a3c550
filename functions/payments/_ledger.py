"""Applying a payment fact to the database: the order, then what follows from it.

Each delivery first counts itself under the fact's id (payments/events/<id>, a
transaction, so the first delivery of an event is known even when copies arrive at once).
The order node is the one place concurrent deliveries meet: a firebase-admin transaction
raises its status as `_orders.advance` says (so two facts racing for one order serialise
there). The enrollment and the bookkeeping follow in one multi-path update written from the
status the transaction committed; if a later fact moved the order meanwhile (paid, then
refunded, in two function instances at once), the order is read again and the enrollment
rewritten until it matches, so whichever write lands last, the enrollment ends as the
order's status says. A retried delivery rewrites the same values, which also completes
the work of an attempt that died between the two writes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from _model import paths
from firebase_admin import db

from payments import _orders

SETTLE_ROUNDS = 5  # re-reads after the update; each needs a newer fact to have landed


def now() -> str:
    """ISO-8601 UTC with milliseconds, the form the browser's clock module reads."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def apply_fact(uid: str, order_id: str, fact: _orders.Fact) -> dict[str, Any] | None:
    """Raise the order by ``fact`` and bring its enrollment in line; the order as it ends
    (None when there is no such order)."""
    seen = {"first": False}

    def count(current: Any) -> Any:
        seen["first"] = not current
        return _orders.event_record(uid, order_id, fact, current or None)

    db.reference(paths.payment_event(fact.fact_id)).transaction(count)
    ref = db.reference(paths.order(uid, order_id))
    outcome = {"changed": False}

    def step(current: Any) -> Any:
        new = _orders.advance(order_id, current, fact)
        outcome["changed"] = new is not None
        return current if new is None else new

    order = ref.transaction(step)
    if not order:
        return None
    update = {
        **_orders.bookkeeping_update(uid, order_id, fact, outcome["changed"], seen["first"]),
        **_entitlement(uid, order),
    }
    for _ in range(SETTLE_ROUNDS):
        db.reference("/").update(update)
        latest = ref.get() or {}
        if latest.get("status") == order.get("status"):
            break
        order = latest
        update = _entitlement(uid, order)
        if not update:
            break
    return order


def _entitlement(uid: str, order: dict[str, Any]) -> dict[str, Any]:
    """The order's enrollment write; a refund first reads the learner's other orders (one
    of them may still pay for the course)."""
    if order.get("status") != "refunded":
        return _orders.entitlement_update(uid, order)
    return _orders.entitlement_update(uid, order, db.reference(paths.orders(uid)).get() or {})


def order_of_intent(intent_id: str) -> tuple[str, str] | None:
    """(uid, orderId) that create_payment_intent recorded for a PaymentIntent."""
    found = db.reference(paths.payment_intent(intent_id)).get()
    if isinstance(found, dict) and found.get("uid") and found.get("orderId"):
        return str(found["uid"]), str(found["orderId"])
    return None
