"""create_payment_intent: an order for a course, paid with the card Stripe.js tokenised.

The browser sends only a Stripe token (Stripe.js turned the card into it; the card never
reaches Nimbus), the course and an attempt id. The amount and currency come from the
catalog in the database. The order's id is derived from (uid, course, attempt), and the
order is claimed in a transaction before Stripe is called, so a double click (the same
attempt twice, even at once) makes one order, one customer, one intent and one confirm;
the Stripe calls also carry idempotency keys derived from the order id, so a retried call
is one call to Stripe as well.

The server confirms the intent (Stripe's "finalize payments on the server" flow): the
answer's status is "succeeded", "processing", or "requires_action" (3-D Secure, which the
browser completes with Stripe.js's confirmCardPayment). The course is granted by the
webhook only, never here: the order is "processing" until Stripe's signed event arrives.
"""

from __future__ import annotations

import hashlib
import re
import time
from typing import Any

import stripe
from _model import paths
from firebase_admin import db
from firebase_functions import https_fn

from payments import _ledger, _orders, _stripe

Code = https_fn.FunctionsErrorCode
SLUG = re.compile(paths.SLUG)  # catalog ids
ATTEMPT = re.compile(r"[A-Za-z0-9_-]{1,40}")
TOKEN = re.compile(r"tok_[A-Za-z0-9_]{1,99}")
CURRENCY = "usd"
CENTS = 100  # courses/$cid/price is in whole dollars
MINIMUM_CENTS = 50  # Stripe's smallest charge in usd
RESUME_SECONDS = 15.0  # how long a repeated call waits for the first one's intent
CARD_UNREADABLE = "The card details could not be used."  # the page adds what to check
UNANSWERED = "The payment service did not answer. Try again in a moment."


def order_id_for(uid: str, course_id: str, attempt: str) -> str:
    """The order's key: the same (user, course, attempt) always names the same order."""
    digest = hashlib.sha256(f"{uid}\n{course_id}\n{attempt}".encode()).hexdigest()
    return "o" + digest[:20]


def _refuse(code: Code, message: str) -> https_fn.HttpsError:
    return https_fn.HttpsError(code, message)


def _inputs(data: Any) -> tuple[str, str, str]:
    if not isinstance(data, dict):
        raise _refuse(Code.INVALID_ARGUMENT, "Choose a course to buy.")
    course_id, attempt, token = data.get("courseId"), data.get("attempt"), data.get("token")
    if not isinstance(course_id, str) or not SLUG.fullmatch(course_id):
        raise _refuse(Code.INVALID_ARGUMENT, "Choose a course to buy.")
    if not isinstance(attempt, str) or not ATTEMPT.fullmatch(attempt):
        raise _refuse(Code.INVALID_ARGUMENT, "Start the checkout again.")
    if not isinstance(token, str) or not TOKEN.fullmatch(token):
        raise _refuse(Code.INVALID_ARGUMENT, "Enter your card details.")
    return course_id, attempt, token


def _amount(course: dict[str, Any]) -> int:
    price = course.get("price")
    if isinstance(price, bool) or not isinstance(price, (int, float)) or price <= 0:
        raise _refuse(Code.FAILED_PRECONDITION, "This course is not for sale.")
    amount = round(price * CENTS)
    if amount < MINIMUM_CENTS:  # Stripe refuses the intent: the order would hang pending
        raise _refuse(Code.FAILED_PRECONDITION, "This course is not for sale.")
    return amount


def create_payment_intent(req: https_fn.CallableRequest) -> dict[str, Any]:
    """The callable's body (main.py declares the trigger and its secret)."""
    if req.auth is None:
        raise _refuse(Code.UNAUTHENTICATED, "Sign in to buy a course.")
    uid = req.auth.uid
    course_id, attempt, token = _inputs(req.data)
    course = db.reference(paths.course(course_id)).get()
    if not isinstance(course, dict):
        raise _refuse(Code.NOT_FOUND, "That course does not exist.")
    title = str(course.get("title") or course_id)
    order_id = order_id_for(uid, course_id, attempt)
    earlier = db.reference(paths.order(uid, order_id)).get()
    if isinstance(earlier, dict):  # a repeat of this attempt, even once its webhook enrolled
        return _resume(uid, order_id, earlier)
    if db.reference(paths.enrollment(uid, course_id)).get() is True:
        raise _refuse(Code.ALREADY_EXISTS, f"You are already enrolled in {title}.")
    if _confirming_elsewhere(uid, course_id, order_id):
        raise _refuse(
            Code.ALREADY_EXISTS,
            f"A payment for {title} is already being confirmed; the course unlocks as soon as"
            " it is. Your Orders page shows it.",
        )
    at = _ledger.now()
    draft = {
        "courseId": course_id,
        "courseTitle": title,
        "amount": _amount(course),
        "currency": CURRENCY,
        "status": "pending",
        "createdAt": at,
        "updatedAt": at,
    }
    claim = {"mine": False}

    def claim_order(current: Any) -> Any:
        claim["mine"] = current is None
        return draft if current is None else current

    order = db.reference(paths.order(uid, order_id)).transaction(claim_order)
    if not claim["mine"]:
        return _resume(uid, order_id, order)
    try:
        return _charge(uid, order_id, order, token)
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as err:
        # Stripe did not answer: the attempt ends as failed (a later success event still
        # raises it to paid), and the learner may try again with a new attempt.
        fact = _orders.Fact(f"unanswered:{order_id}", "failed", None, _ledger.now(), UNANSWERED)
        _ledger.apply_fact(uid, order_id, fact)
        raise _refuse(Code.UNAVAILABLE, UNANSWERED) from err


def _confirming_elsewhere(uid: str, course_id: str, order_id: str) -> bool:
    """Another attempt's payment went through and only its webhook is outstanding: a second
    charge (another tab, a retry) would bill the learner twice for one course. Stripe
    retries webhooks for days, so such an order does not stay "processing" for ever."""
    orders = db.reference(paths.orders(uid)).get()
    if not isinstance(orders, dict):
        return False
    return any(
        key != order_id
        and isinstance(order, dict)
        and order.get("courseId") == course_id
        and order.get("status") == "processing"
        for key, order in orders.items()
    )


def _answer(order_id: str, order: dict[str, Any], intent: Any) -> dict[str, Any]:
    return {
        "orderId": order_id,
        "clientSecret": intent.client_secret,
        "status": intent.status,
        "amount": order["amount"],
        "currency": order["currency"],
    }


def _declined(uid: str, order_id: str, intent_id: str | None, err: stripe.StripeError) -> None:
    """Record the provider's refusal on the order and tell the learner, in its words: a
    card error's message is written for the card holder; any other (an unknown or spent
    token: "No such token: 'tok_…'") is written for developers, so the learner reads ours."""
    reason = (isinstance(err, stripe.CardError) and err.user_message) or CARD_UNREADABLE
    fact_id = f"declined:{intent_id or order_id}"
    _ledger.apply_fact(
        uid, order_id, _orders.Fact(fact_id, "failed", intent_id, _ledger.now(), reason)
    )
    raise _refuse(Code.FAILED_PRECONDITION, reason) from err


def _charge(uid: str, order_id: str, order: dict[str, Any], token: str) -> dict[str, Any]:
    """First call of an attempt: customer with the card, intent, server-side confirm."""
    client = _stripe.client()
    key = f"nimbus-{order_id}"
    try:
        customer = client.v1.customers.create(
            params={"source": token, "metadata": {"uid": uid}},
            options={"idempotency_key": f"{key}-customer"},
        )
    except (stripe.CardError, stripe.InvalidRequestError) as err:
        _declined(uid, order_id, None, err)
    intent = client.v1.payment_intents.create(
        params={
            "amount": order["amount"],
            "currency": order["currency"],
            "customer": customer.id,
            "payment_method": customer.default_source,
            "payment_method_types": ["card"],
            "metadata": {"uid": uid, "orderId": order_id, "courseId": order["courseId"]},
        },
        options={"idempotency_key": f"{key}-intent"},
    )
    db.reference("/").update(
        {
            paths.child(paths.order(uid, order_id), "intentId"): intent.id,
            paths.payment_intent(intent.id): {"uid": uid, "orderId": order_id},
        }
    )
    try:
        intent = client.v1.payment_intents.confirm(
            intent.id, options={"idempotency_key": f"{key}-confirm"}
        )
    except stripe.CardError as err:
        _declined(uid, order_id, intent.id, err)
    if intent.status in ("succeeded", "processing"):
        # Paid or on its way; only the signed webhook grants the course.
        fact = _orders.Fact(f"confirmed:{intent.id}", "processing", intent.id, _ledger.now())
        _ledger.apply_fact(uid, order_id, fact)
    return _answer(order_id, order, intent)


def _resume(uid: str, order_id: str, order: dict[str, Any]) -> dict[str, Any]:
    """A repeated call of the same attempt: the first call's order and intent, no new ones."""
    ref = db.reference(paths.order(uid, order_id))
    deadline = time.monotonic() + RESUME_SECONDS
    while not order.get("intentId") and order.get("status") != "failed":
        if time.monotonic() > deadline:
            raise _refuse(Code.UNAVAILABLE, "Your payment is still starting. Try again shortly.")
        time.sleep(0.2)
        order = ref.get() or order
    if order.get("status") == "failed":
        raise _refuse(Code.FAILED_PRECONDITION, order.get("failureReason") or CARD_UNREADABLE)
    intent = _stripe.client().v1.payment_intents.retrieve(order["intentId"])
    return _answer(order_id, order, intent)
