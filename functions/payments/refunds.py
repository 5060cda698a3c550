"""refund_order: an admin refunds a paid order through Stripe, and the course is taken back.

The refund is applied here as soon as Stripe accepts it, through the same state machine
as Stripe's `charge.refunded` event (whichever comes first raises the order to refunded;
the other then changes nothing). Locally that is the only way a refund lands, because
localstripe never sends `charge.refunded`; deployed, the event also arrives and confirms it.
"""

from __future__ import annotations

import re
from typing import Any

import stripe
from _model import paths
from firebase_admin import db
from firebase_functions import https_fn

from payments import _ledger, _orders, _stripe

Code = https_fn.FunctionsErrorCode
UID = re.compile(r"[A-Za-z0-9_-]{1,128}")
ORDER_ID = re.compile(r"o[0-9a-f]{20}")


def refund_order(req: https_fn.CallableRequest) -> dict[str, Any]:
    """The callable's body (main.py declares the trigger and its secret)."""
    if req.auth is None:
        raise https_fn.HttpsError(Code.UNAUTHENTICATED, "Sign in as an admin to refund orders.")
    if (req.auth.token or {}).get("admin") is not True:
        raise https_fn.HttpsError(Code.PERMISSION_DENIED, "Only an admin can refund an order.")
    data = req.data if isinstance(req.data, dict) else {}
    uid, order_id = data.get("uid"), data.get("orderId")
    if not isinstance(uid, str) or not UID.fullmatch(uid):
        raise https_fn.HttpsError(Code.INVALID_ARGUMENT, "Name the learner whose order it is.")
    if not isinstance(order_id, str) or not ORDER_ID.fullmatch(order_id):
        raise https_fn.HttpsError(Code.INVALID_ARGUMENT, "Name the order to refund.")
    order = db.reference(paths.order(uid, order_id)).get()
    if not isinstance(order, dict):
        raise https_fn.HttpsError(Code.NOT_FOUND, "There is no such order.")
    if order.get("status") == "refunded":
        return {"status": "refunded"}
    if order.get("status") != "paid" or not order.get("intentId"):
        raise https_fn.HttpsError(
            Code.FAILED_PRECONDITION,
            f"Only a paid order can be refunded; this one is {order.get('status')}.",
        )
    try:
        refund = _stripe.client().v1.refunds.create(
            params={"payment_intent": order["intentId"], "metadata": {"uid": uid}},
            options={"idempotency_key": f"nimbus-{order_id}-refund"},
        )
    except stripe.InvalidRequestError as err:
        raise https_fn.HttpsError(
            Code.FAILED_PRECONDITION, err.user_message or "Stripe refused the refund."
        ) from err
    fact = _orders.Fact(f"refund:{refund.id}", "refunded", order["intentId"], _ledger.now())
    order = _ledger.apply_fact(uid, order_id, fact) or order
    return {"status": order.get("status")}
