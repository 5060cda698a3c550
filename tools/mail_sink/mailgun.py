"""Mailgun's webhook format, as the sink posts it (no I/O).

Mailgun (documentation.mailgun.com, "Securing Webhooks" and "Webhook Payloads") POSTs JSON
``{"signature": {"timestamp", "token", "signature"}, "event-data": {...}}``: ``timestamp``
is seconds since the epoch (a string), ``token`` 50 random characters, and ``signature`` the
hex HMAC-SHA256 of ``timestamp + token`` (no separator) keyed with the account's webhook
signing key. A hard bounce is ``event-data.event == "failed"`` with ``severity ==
"permanent"``; a spam report is ``"complained"``. functions/notifications/events.py checks
the signature the way Mailgun's documentation says to.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
import uuid
from typing import Any

TOKEN_CHARS = 50


def signature(signing_key: str, timestamp: str, token: str) -> str:
    """Mailgun's signature of a webhook: hex HMAC-SHA256 of timestamp + token."""
    return hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


def signed(
    signing_key: str, event_data: dict[str, Any], now: float | None = None
) -> dict[str, Any]:
    """A webhook body for ``event_data``, signed as Mailgun signs it."""
    timestamp = str(int(now if now is not None else time.time()))
    token = secrets.token_hex(TOKEN_CHARS // 2)
    return {
        "signature": {
            "timestamp": timestamp,
            "token": token,
            "signature": signature(signing_key, timestamp, token),
        },
        "event-data": event_data,
    }


def _message(headers: dict[str, str]) -> dict[str, Any]:
    keep = ("to", "from", "subject", "message-id")
    return {"headers": {k: headers[k] for k in keep if k in headers}}


def failed(recipient: str, headers: dict[str, str], now: float) -> dict[str, Any]:
    """A permanent failure (hard bounce): the receiving server refused the mailbox."""
    return {
        "id": uuid.uuid4().hex,
        "timestamp": now,
        "log-level": "error",
        "event": "failed",
        "severity": "permanent",
        "reason": "bounce",
        "recipient": recipient,
        "recipient-domain": recipient.rsplit("@", 1)[-1],
        "delivery-status": {
            "code": 550,
            "message": "5.1.1 The email account that you tried to reach does not exist.",
            "description": "",
            "attempt-no": 1,
        },
        "message": _message(headers),
    }


def complained(recipient: str, headers: dict[str, str], now: float) -> dict[str, Any]:
    """The recipient marked the mail as spam."""
    return {
        "id": uuid.uuid4().hex,
        "timestamp": now,
        "log-level": "warn",
        "event": "complained",
        "recipient": recipient,
        "recipient-domain": recipient.rsplit("@", 1)[-1],
        "message": _message(headers),
    }
