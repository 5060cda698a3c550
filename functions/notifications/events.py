"""mail_events: the provider's delivery events (Mailgun's webhook) turn into suppressions.

Mailgun POSTs ``{"signature": {timestamp, token, signature}, "event-data": {...}}`` (its
"Securing Webhooks" and "Webhook Payloads" pages). The signature is the hex HMAC-SHA256 of
``timestamp + token`` keyed with the webhook signing key (the ``MAILGUN_WEBHOOK_SIGNING_KEY``
secret), compared in constant time; a timestamp more than ``TOLERANCE_S`` from now is
refused, and each token is applied once (``mail/webhooks/<token>``), so a captured request
cannot be replayed. A refused request gets 403 and changes nothing.

A hard bounce (``event == "failed"`` and ``severity == "permanent"``) or a spam complaint
(``"complained"``) suppresses the recipient: ``mail/suppressed/<sha256(address)>`` (no
address is stored), and the owner of that address in Auth sees why in
``emailStatus/<uid>`` (masked). Nothing is sent to it again (``_mail.send`` checks the
list) until the account's address changes. Other events (delivered, temporary failures,
opens) are answered 200 and ignored, so the provider does not resend them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from http import HTTPStatus
from typing import Any

from _model import email, paths
from firebase_admin import auth, db
from firebase_functions import https_fn

from notifications import _mail

log = logging.getLogger(__name__)

TOLERANCE_S = 900  # how far a webhook's timestamp may be from now
TOKEN_SHAPE = re.compile(r"[0-9A-Za-z]{16,128}")


def verified(signature: Any, key: str, now: float) -> str | None:
    """The signature block's token when Mailgun signed it (fresh), else None."""
    if not isinstance(signature, dict):
        return None
    timestamp, token, given = (
        str(signature.get(k) or "") for k in ("timestamp", "token", "signature")
    )
    if (
        not timestamp.isdigit()
        or not TOKEN_SHAPE.fullmatch(token)
        or abs(now - int(timestamp)) > TOLERANCE_S
    ):
        return None
    wanted = hmac.new(key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    return token if hmac.compare_digest(wanted, given) else None


def reason_of(event: dict[str, Any]) -> str | None:
    """ "bounced", "complained", or None for events that do not suppress."""
    if event.get("event") == "failed" and event.get("severity") == "permanent":
        return "bounced"
    if event.get("event") == "complained":
        return "complained"
    return None


def suppress(address: str, reason: str, event_id: str) -> str | None:
    """Put the address on the list and show it to its owner; their uid, if any."""
    at = _mail.now_ms()
    db.reference(paths.mail_suppressed(_mail.address_key(address))).set(
        {"reason": reason, "at": at, "event": event_id}
    )
    try:
        user = auth.get_user_by_email(address)
    except auth.UserNotFoundError:
        return None
    if (user.email or "").lower() == address.lower():
        db.reference(paths.email_status(user.uid)).set(
            {"suppressed": {"address": email.mask(address), "reason": reason, "at": at}}
        )
    return user.uid


def mail_events(req: https_fn.Request) -> https_fn.Response:
    """The HTTPS function's body (main.py declares the trigger and its secret)."""
    if req.method != "POST":
        return https_fn.Response("POST Mailgun events here.", status=HTTPStatus.METHOD_NOT_ALLOWED)
    try:
        body = json.loads(req.get_data(as_text=True))
    except ValueError:
        return https_fn.Response("not JSON", status=HTTPStatus.BAD_REQUEST)
    if not isinstance(body, dict):
        return https_fn.Response("not a Mailgun event", status=HTTPStatus.BAD_REQUEST)
    token = verified(body.get("signature"), _mail.MAILGUN_WEBHOOK_SIGNING_KEY.value, time.time())
    if token is None:
        log.warning("mail_events refused a request: bad or stale signature")
        return https_fn.Response("invalid signature", status=HTTPStatus.FORBIDDEN)
    first = {"ok": False}

    def once(current: Any) -> Any:
        first["ok"] = current is None
        return current if current is not None else _mail.now_ms()

    db.reference(paths.mail_webhook(token)).transaction(once)
    if not first["ok"]:
        return https_fn.Response("already applied", status=HTTPStatus.OK)
    event = body.get("event-data") if isinstance(body.get("event-data"), dict) else {}
    reason = reason_of(event)
    recipient = str(event.get("recipient") or "").strip()
    if reason is None or "@" not in recipient:
        return https_fn.Response("ignored", status=HTTPStatus.OK)
    suppress(recipient, reason, str(event.get("id") or token))
    log.info("mail_events: suppressed an address (%s)", reason)
    return https_fn.Response("suppressed", status=HTTPStatus.OK)
