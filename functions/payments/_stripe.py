"""The Stripe client the payment functions share, and the two secrets they declare.

Secrets are firebase-functions secret params: `firebase deploy` binds them from Secret
Manager (`firebase functions:secrets:set STRIPE_SECRET_KEY`), and the Functions emulator
reads their local values from functions/.secret.local, which `build.py serve` and the test
stacks write with localstripe's test keys. STRIPE_API_BASE is set only by the local stack,
to send the library to localstripe; deployed it is unset and the library talks to Stripe.
"""

from __future__ import annotations

import os

import stripe
from firebase_functions import params

STRIPE_SECRET_KEY = params.SecretParam("STRIPE_SECRET_KEY")
STRIPE_WEBHOOK_SECRET = params.SecretParam("STRIPE_WEBHOOK_SECRET")


def client() -> stripe.StripeClient:
    """A client with the secret key; retries reuse each call's idempotency key."""
    base = os.environ.get("STRIPE_API_BASE")
    return stripe.StripeClient(
        STRIPE_SECRET_KEY.value,
        base_addresses={"api": base} if base else None,
        max_network_retries=2,
    )
