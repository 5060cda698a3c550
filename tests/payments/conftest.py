"""A local stack running Nimbus's own functions/ against localstripe, and a shop's worth of
helpers: learners, card tokens made as Stripe.js makes them, callables through the Firebase
JS SDK, and Stripe events signed as Stripe signs them.

Everything is the real thing: firebase-tools' Functions and Auth emulators, Nimbus's
database with the real rules, localstripe as the stack starts it, the `stripe` library.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import stripe

from tools.project import (
    STRIPE_LOCAL_PUBLISHABLE_KEY,
    STRIPE_LOCAL_SECRET_KEY,
    STRIPE_LOCAL_WEBHOOK_SECRET,
)
from tools.stack import Stack
from tools.testing.stacks import admin_root, call_function, nimbus_functions_stack
from tools.testing.waiting import wait_until

PASSWORD = "payments-test-password"
COURSE, OTHER_COURSE = "serverless-101", "thick-front-ends"
# Stripe's test cards (localstripe knows the same numbers).
VISA = "4242424242424242"
DECLINED_AT_CHARGE = "4000000000000341"  # attaches, then its charge fails
DECLINED = "4000000000000002"  # refused when attached to the customer
NEEDS_3DS = "4000002500003155"
WEBHOOK_WAIT = 30.0


@dataclass(frozen=True)
class Learner:
    email: str
    uid: str


@pytest.fixture(scope="session")
def pay_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """functions/ as `serve` runs it (real rules, localstripe), with the catalog seeded."""
    with nimbus_functions_stack(tmp_path_factory.mktemp("pay-stack"), "payments") as stack:
        yield stack


@pytest.fixture(scope="session")
def admin_db(pay_stack: Stack):
    return admin_root(pay_stack)


@pytest.fixture(scope="session")
def new_learner(pay_stack: Stack) -> Callable[..., Learner]:
    """Make a fresh Auth-emulator account (admin=True: with the admin claim)."""
    from firebase_admin import auth

    from tools.seed import admin_app

    app = admin_app(pay_stack)

    def make(admin: bool = False) -> Learner:
        email = f"buyer-{uuid.uuid4().hex[:10]}@nimbus.test"
        user = auth.create_user(email=email, password=PASSWORD, app=app)
        if admin:
            auth.set_custom_user_claims(user.uid, {"admin": True}, app=app)
        return Learner(email, user.uid)

    return make


def call(stack: Stack, name: str, data: Any, who: Learner | None) -> dict[str, Any]:
    """A callable through the Firebase JS SDK, signed in as ``who`` (None: signed out)."""
    if who is None:
        return call_function(stack, name, data)
    return call_function(stack, name, data, email=who.email, password=PASSWORD)


def card_token(stack: Stack, number: str) -> str:
    """A card token made the way Stripe.js makes one: the card goes to Stripe (here
    localstripe) with the publishable key, and only the token's id comes back."""
    form = {
        "card[number]": number,
        "card[exp_month]": "12",
        "card[exp_year]": "2034",
        "card[cvc]": "123",
        "key": STRIPE_LOCAL_PUBLISHABLE_KEY,
    }
    req = urllib.request.Request(
        f"{stack.stripe_url}/v1/tokens",
        data=urllib.parse.urlencode(form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)["id"]


def stripe_client(stack: Stack) -> stripe.StripeClient:
    """The `stripe` library on localstripe, as the functions use it."""
    return stripe.StripeClient(
        STRIPE_LOCAL_SECRET_KEY, base_addresses={"api": stack.stripe_url}, max_network_retries=0
    )


def buy(stack: Stack, who: Learner, number: str = VISA, course: str = COURSE, attempt=None):
    """create_payment_intent with a fresh card token; the callable's reply."""
    data = {
        "courseId": course,
        "attempt": attempt or uuid.uuid4().hex[:20],
        "token": card_token(stack, number),
    }
    return call(stack, "create_payment_intent", data, who)


def order_of(admin_db, who: Learner, order_id: str) -> dict[str, Any]:
    return admin_db.child(f"orders/{who.uid}/{order_id}").get() or {}


def wait_for_status(admin_db, who: Learner, order_id: str, status: str) -> dict[str, Any]:
    return wait_until(
        lambda: (o := order_of(admin_db, who, order_id)).get("status") == status and o,
        timeout=WEBHOOK_WAIT,
        what=f"order {order_id} to be {status}",
    )


def paid_order(stack: Stack, admin_db, who: Learner, course: str = COURSE) -> dict[str, Any]:
    """Buy ``course`` with a good card and wait for the webhook: the order, with its id."""
    reply = buy(stack, who, course=course)
    assert reply["ok"], reply
    order_id = reply["result"]["orderId"]
    return {"orderId": order_id, **wait_for_status(admin_db, who, order_id, "paid")}


def events_of(admin_db, who: Learner, order_id: str) -> list[dict[str, Any]]:
    """The functions' record of the Stripe facts applied to this order."""
    seen = admin_db.child("payments/events").get() or {}
    return [e for e in seen.values() if e["uid"] == who.uid and e["orderId"] == order_id]


def sign(payload: str, secret: str = STRIPE_LOCAL_WEBHOOK_SECRET, timestamp=None) -> str:
    """A Stripe-Signature header, made by the `stripe` library's own signer."""
    return stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


def post_webhook(stack: Stack, payload: str, signature: str | None) -> tuple[int, str]:
    """POST a body to stripe_webhook as Stripe does; (status, body)."""
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if signature is not None:
        headers["Stripe-Signature"] = signature
    req = urllib.request.Request(
        stack.stripe_webhook_url, data=payload.encode(), method="POST", headers=headers
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def stripe_event(stack: Stack, event_type: str, intent_id: str) -> dict[str, Any]:
    """The event localstripe sent to the webhook for this intent (its own record)."""
    events = stripe_client(stack).v1.events.list(params={"type": event_type, "limit": 100})
    found = [e.to_dict() for e in events.data]
    found = [e for e in found if e["data"]["object"].get("id") == intent_id]
    assert found, f"localstripe has no {event_type} for {intent_id}"
    return json.loads(json.dumps(found[0]))


def as_stripe_sends(event: dict[str, Any]) -> tuple[str, str]:
    """The body and signature localstripe delivers (json, indent 2, keys sorted; t=created)."""
    payload = json.dumps(event, indent=2, sort_keys=True)
    return payload, sign(payload, timestamp=event["created"])


def authenticate_3ds(stack: Stack, client_secret: str) -> dict[str, Any]:
    """What Stripe.js's confirmCardPayment does for a 3-D Secure intent with localstripe's
    stand-in: the shopper completes the challenge (publishable key, client secret)."""
    intent_id = client_secret.split("_secret_")[0]
    body = {"key": STRIPE_LOCAL_PUBLISHABLE_KEY, "client_secret": client_secret}
    req = urllib.request.Request(
        f"{stack.stripe_url}/v1/payment_intents/{intent_id}/_authenticate?success=true",
        data=json.dumps(body).encode(),
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return json.load(resp)
