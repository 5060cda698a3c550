"""Nimbus's Cloud Functions: every function the platform deploys, exposed by name.

`firebase deploy --only functions` and the local Functions emulator both discover what this
module exposes at import time (firebase_functions' `functions.yaml`). Functions come in the
design card's three families, one package each, one decorated module-level def per trigger
(firebase/functions-samples style): `payments/` (checkout, webhooks, entitlements, signed
media URLs), `search/` (indexing, Gurubot), `notifications/` (inbox fan-out, email, digests).
Everything else the app does is a direct write that the database rules check. Handlers are
idempotent: Firebase delivers background events at least once.
"""

from typing import Any

import _app
from _model import paths, search
from firebase_functions import db_fn, https_fn
from notifications.fanout import notify_answer, notify_comment, notify_question
from payments import checkout, media, refunds, webhook
from payments._stripe import STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET
from search import indexing

# Notifications (issue 14): their triggers are decorated in notifications/fanout.py and
# exposed here by name, as every function is.
__all__ = ["notify_answer", "notify_comment", "notify_question"]

_app.init()


@https_fn.on_request()
def health(req: https_fn.Request) -> https_fn.Response:
    """A smoke check after deploys: the codebase imported and the runtime answers."""
    return https_fn.Response("nimbus functions: ok", content_type="text/plain")


@https_fn.on_call(secrets=[STRIPE_SECRET_KEY])
def create_payment_intent(req: https_fn.CallableRequest) -> dict[str, Any]:
    """Checkout: an order for a course priced from the catalog, paid with a Stripe token."""
    return checkout.create_payment_intent(req)


@https_fn.on_request(secrets=[STRIPE_WEBHOOK_SECRET])
def stripe_webhook(req: https_fn.Request) -> https_fn.Response:
    """Stripe's signed events: the only path that grants a paid course."""
    return webhook.stripe_webhook(req)


@https_fn.on_call(secrets=[STRIPE_SECRET_KEY])
def refund_order(req: https_fn.CallableRequest) -> dict[str, Any]:
    """Admins refund a paid order through Stripe; the course is revoked."""
    return refunds.refund_order(req)


@https_fn.on_call()
def media_url(req: https_fn.CallableRequest) -> dict[str, Any]:
    """Request Protected File: a 15-minute signed URL for lesson media, entitled callers only."""
    return media.media_url(req)


@db_fn.on_value_written(reference=paths.question("{cid}", "{qid}"))
def index_question(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    """Search: a question written (or hidden, or deleted) re-indexes its thread."""
    if search.changes_entries(event.data.before, event.data.after):
        indexing.question_written(event.params["cid"], event.params["qid"])


@db_fn.on_value_written(reference=paths.answer("{cid}", "{qid}", "{aid}"))
def index_answer(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    """Search: an answer written (or hidden, or deleted) re-indexes it."""
    if search.changes_entries(event.data.before, event.data.after):
        p = event.params
        indexing.answer_written(p["cid"], p["qid"], p["aid"])
