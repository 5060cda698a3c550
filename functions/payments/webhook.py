"""stripe_webhook: Stripe's signed events turned into order facts, applied idempotently.

The signature (`Stripe-Signature`, HMAC-SHA256 of "<t>.<body>" with the endpoint's secret)
is checked by the `stripe` library's own `Webhook.construct_event`, which also refuses a
timestamp older than its tolerance (300 s), so a captured event cannot be replayed later.
A refused event gets 400 and changes nothing. An accepted one finds its order through the
functions' own record of the intent and is applied through the order
state machine (`_orders`), so duplicates, replays of fresh events and any order of arrival
leave the order and its enrollment as the set of facts says. Answers: 200 once applied (or
when the event is not one Nimbus acts on, so Stripe stops resending it); an exception
answers 500 and Stripe retries.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus

import stripe
from firebase_functions import https_fn

from payments import _ledger, _orders, _stripe

log = logging.getLogger(__name__)


def stripe_webhook(req: https_fn.Request) -> https_fn.Response:
    """The HTTPS function's body (main.py declares the trigger and its secret)."""
    if req.method != "POST":
        return https_fn.Response("POST Stripe events here.", status=HTTPStatus.METHOD_NOT_ALLOWED)
    payload = req.get_data(as_text=True)
    try:
        stripe.Webhook.construct_event(
            payload, req.headers.get("Stripe-Signature"), _stripe.STRIPE_WEBHOOK_SECRET.value
        )
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError) as err:
        log.warning("stripe_webhook refused an event: %s", err)
        return https_fn.Response("invalid signature", status=HTTPStatus.BAD_REQUEST)
    fact = _orders.fact_from_event(event, _ledger.now())
    if fact is None:
        return https_fn.Response("ignored", status=HTTPStatus.OK)
    # The order is the one create_payment_intent recorded for this intent (before it ever
    # confirmed it), not whatever the event's metadata names: an intent Nimbus did not make,
    # or metadata naming another learner's order, pays nothing.
    address = _ledger.order_of_intent(str(fact.intent_id))
    named = _orders.order_address(event)
    if address is None or named not in (None, address):
        log.warning("stripe_webhook: no order for %s (%s)", fact.intent_id, event.get("type"))
        return https_fn.Response("no such order", status=HTTPStatus.OK)
    order = _ledger.apply_fact(*address, fact)
    return https_fn.Response(
        f"order {order.get('status') if order else 'missing'}", status=HTTPStatus.OK
    )
