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
from firebase_functions import db_fn, https_fn, scheduler_fn
from notifications import _mail, events, mailing, unsubscribe
from notifications.fanout import forget_member, notify_answer, notify_comment, notify_question
from payments import checkout, media, refunds, webhook
from payments._stripe import STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET
from search import indexing
from search.gurubot import gurubot_reply

# Notifications (issue 14) and Gurubot (issue 13): their triggers are decorated in
# notifications/fanout.py and search/gurubot.py and exposed here by name, as every function is.
__all__ = [
    "forget_member",
    "gurubot_reply",
    "notify_answer",
    "notify_comment",
    "notify_question",
]

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


@db_fn.on_value_written(reference=paths.transcript("{cid}", "{lid}"))
def index_transcript(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    """Search: a lesson's transcript written (or deleted) re-indexes its moments."""
    indexing.transcript_written(event.params["cid"], event.params["lid"])


# ---- email (issue 14): notifications/mailing.py says what is mailed, _mail.py how.
@db_fn.on_value_created(
    reference=paths.inbox_entry("{uid}", "{nid}"), secrets=_mail.SENDING_SECRETS
)
def email_instant(event: db_fn.Event[Any]) -> None:
    """A new inbox entry is mailed at once to a user who chose "instant" for its kind."""
    mailing.instant(event.params["uid"], event.params["nid"], event.data)


@scheduler_fn.on_schedule(
    schedule="every day 08:00", timezone="Etc/UTC", secrets=_mail.SENDING_SECRETS
)
def email_digest(event: scheduler_fn.ScheduledEvent) -> None:
    """The daily digest: each user's unread entries since their last digest, if any."""
    # Only a job run mails: the emulator's readiness probe also runs a scheduled function
    # (without Cloud Scheduler's headers, so job_name is None).
    if event.job_name:
        mailing.digest_all()


@db_fn.on_value_written(reference=paths.order("{uid}", "{oid}"), secrets=_mail.SENDING_SECRETS)
def email_receipt(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    """An order that just became paid (stripe_webhook) gets its receipt mailed."""
    before, after = event.data.before or {}, event.data.after or {}
    if after.get("status") == "paid" and before.get("status") != "paid":
        mailing.receipt(event.params["uid"], event.params["oid"], after)


@https_fn.on_request(secrets=[_mail.EMAIL_TOKEN_SECRET])
def email_unsubscribe(req: https_fn.Request) -> https_fn.Response:
    """One-click unsubscribe (RFC 8058) from a mail's signed link; no sign-in."""
    return unsubscribe.email_unsubscribe(req)


@https_fn.on_request(secrets=[_mail.MAILGUN_WEBHOOK_SIGNING_KEY])
def mail_events(req: https_fn.Request) -> https_fn.Response:
    """Mailgun's signed delivery events: hard bounces and complaints suppress the address."""
    return events.mail_events(req)


@https_fn.on_call()
def email_status_check(req: https_fn.CallableRequest) -> dict[str, Any]:
    """The settings page asks on load: is mail to my (current) address suppressed?"""
    if req.auth is None:
        raise https_fn.HttpsError(https_fn.FunctionsErrorCode.UNAUTHENTICATED, "Sign in first.")
    found = _mail.refresh_status(req.auth.uid, _mail.address_of(req.auth.uid))
    return {"suppressed": bool(found)}
