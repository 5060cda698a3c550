"""Sending one mail to one user, the only way Nimbus sends mail: every guarantee is here.

``send(uid, kind, key, mail)``:

1. Claims ``mail/sent/<uid>/<key>`` in a transaction: a redelivered event, a second run of a
   digest or a receipt's duplicate webhook finds the claim and sends nothing.
2. Reads the address from Auth (``auth.get_user``), never from the database: browsers
   cannot read or change where mail goes.
3. Refuses a suppressed address (``mail/suppressed/<sha256 of the address>``, written by
   ``mail_events`` on a hard bounce or a complaint) and says so in ``emailStatus/<uid>``;
   when the account's address is no longer the suppressed one, clears that status.
4. Ticks the user's window (``mail/rate/<uid>``, a transaction): at most
   ``limits.MAILS_PER_HOUR`` per ``limits.MAIL_WINDOW_MS``, whatever the kind.
5. Sends text and HTML parts, From the platform's identity, with RFC 8058 one-click
   unsubscribe (``List-Unsubscribe`` with a signed HTTPS link, ``List-Unsubscribe-Post``),
   through SMTP (``smtplib``): the provider's relay deployed (STARTTLS, login with the
   ``SMTP_PASSWORD`` secret), the local sink under ``serve`` and the tests.

The unsubscribe token is ``<base64url(uid.kind)>.<hex HMAC-SHA256>`` keyed with the
``EMAIL_TOKEN_SECRET`` secret, so a link works without signing in and cannot be made for
anyone else or any other kind.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import html
import json
import logging
import os
import smtplib
import ssl
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid
from typing import Any

from _model import email, limits, paths
from firebase_admin import auth, db
from firebase_functions import params

log = logging.getLogger(__name__)

EMAIL_TOKEN_SECRET = params.SecretParam("EMAIL_TOKEN_SECRET")
SMTP_PASSWORD = params.SecretParam("SMTP_PASSWORD")
MAILGUN_WEBHOOK_SIGNING_KEY = params.SecretParam("MAILGUN_WEBHOOK_SIGNING_KEY")
SENDING_SECRETS = [EMAIL_TOKEN_SECRET, SMTP_PASSWORD]  # what a function that mails declares

REGION = "us-central1"
SMTP_TIMEOUT_S = 20
STALE_CLAIM_MS = 120000  # a claim whose send died (a crashed worker) may be taken again

SENT, DUPLICATE, SUPPRESSED, RATE_LIMITED, NO_ADDRESS = (
    "sent", "duplicate", "suppressed", "rate-limited", "no-address",
)  # fmt: skip


@dataclass(frozen=True)
class Mail:
    """What to say: the subject, the text body, the HTML body's inner markup (escaped by
    its maker), and the action link the footer repeats."""

    subject: str
    text: str
    html: str


def now_ms() -> int:
    return int(time.time() * 1000)


def _project() -> str:
    config = os.environ.get("FIREBASE_CONFIG", "")
    if config.startswith("{"):
        project = json.loads(config).get("projectId")
        if project:
            return str(project)
    return os.environ.get("GCLOUD_PROJECT") or os.environ.get("GCP_PROJECT") or "nimbus"


def site_url() -> str:
    """Where the mails' links open: the local Hosting emulator, or the project's site."""
    return (os.environ.get("NIMBUS_SITE_URL") or f"https://{_project()}.web.app").rstrip("/")


def functions_url() -> str:
    """The HTTPS functions' base URL (the unsubscribe link's)."""
    default = f"https://{REGION}-{_project()}.cloudfunctions.net"
    return (os.environ.get("NIMBUS_FUNCTIONS_URL") or default).rstrip("/")


def sender() -> tuple[str, str]:
    """(name, address) mail comes from; deployed, MAIL_FROM names the verified sender."""
    address = os.environ.get("MAIL_FROM") or "notifications@nimbus.test"
    return os.environ.get("MAIL_FROM_NAME") or "Nimbus", address


def address_key(address: str) -> str:
    """The suppression list's key for an address: its SHA-256, so mail/ holds no address."""
    return hashlib.sha256(address.strip().lower().encode()).hexdigest()


# ---- unsubscribe tokens


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _sign(payload: str) -> str:
    key = EMAIL_TOKEN_SECRET.value.encode()
    return hmac.new(key, b"unsubscribe:" + payload.encode(), hashlib.sha256).hexdigest()


def label(kind: str) -> str:
    """What a mail kind is called on pages (the digest stands for every kind sent in it)."""
    return email.LABELS.get(kind) or "The daily digest"


def token(uid: str, kind: str) -> str:
    """The unsubscribe token for ``kind`` (a mail kind, or "digest": every digest kind)."""
    payload = uid + "." + kind
    return _b64(payload.encode()) + "." + _sign(payload)


def read_token(value: str) -> tuple[str, str] | None:
    """(uid, kind) a token was signed for, or None for anything else."""
    if not isinstance(value, str) or value.count(".") != 1:
        return None
    encoded, signature = value.split(".")
    try:
        payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    if not hmac.compare_digest(_sign(payload), signature) or payload.count(".") != 1:
        return None
    uid, kind = payload.split(".")
    return (uid, kind) if uid and (kind in email.KINDS or kind == email.DIGEST) else None


def unsubscribe_url(uid: str, kind: str) -> str:
    return functions_url() + "/email_unsubscribe?t=" + token(uid, kind)


def settings_url() -> str:
    return site_url() + "/settings.html"


# ---- status


def suppression(address: str) -> dict[str, Any] | None:
    found = db.reference(paths.mail_suppressed(address_key(address))).get()
    return found if isinstance(found, dict) else None


def refresh_status(uid: str, address: str | None) -> dict[str, Any] | None:
    """Bring emailStatus/<uid> in line with the account's current address: suppressed (as
    the list says) or nothing. Returns the suppression in force, if any."""
    ref = db.reference(paths.email_status(uid))
    shown = ref.get() or {}
    found = suppression(address) if address else None
    if found:
        want = {
            "address": email.mask(address),
            "reason": found.get("reason", "bounced"),
            "at": found.get("at", now_ms()),
        }
        if shown.get("suppressed") != want:
            ref.set({"suppressed": want})
        return found
    if shown:
        ref.delete()  # the address changed since it bounced: mail may go again
    return None


def _take_window(uid: str) -> bool:
    """Count one mail in the user's window; False when the window is full."""
    taken = {"ok": False}

    def tick(current: Any) -> Any:
        now = now_ms()
        window = current if isinstance(current, dict) else {}
        start = window.get("windowStart", 0)
        count = window.get("count", 0)
        if now - start >= limits.MAIL_WINDOW_MS:
            start, count = now, 0
        if count >= limits.MAILS_PER_HOUR:
            taken["ok"] = False
            return window
        taken["ok"] = True
        return {"windowStart": start, "count": count + 1}

    db.reference(paths.mail_rate(uid)).transaction(tick)
    return taken["ok"]


def _claim(uid: str, key: str, kind: str, subject: str) -> bool:
    """Take the mail's idempotency record; False when it was sent (or settled) already."""
    won = {"ok": False}

    def claim(current: Any) -> Any:
        now = now_ms()
        if isinstance(current, dict) and (
            current.get("status") != "sending" or now - current.get("at", 0) < STALE_CLAIM_MS
        ):
            won["ok"] = False
            return current
        won["ok"] = True
        return {"kind": kind, "subject": subject, "status": "sending", "at": now}

    db.reference(paths.mail_sent(uid, key)).transaction(claim)
    return won["ok"]


def _settle(uid: str, key: str, status: str, **extra: Any) -> None:
    db.reference(paths.mail_sent(uid, key)).update({"status": status, "at": now_ms(), **extra})


# ---- composing and sending


def compose(to: str, uid: str, kind: str, mail: Mail) -> EmailMessage:
    """The message: text and HTML parts, the sender, one-click unsubscribe for its kind."""
    name, address = sender()
    unsubscribe = unsubscribe_url(uid, kind)
    footer_text = (
        f"\n\n--\nYou get this because of your Nimbus email settings ({label(kind)}).\n"
        f"Change them: {settings_url()}\nUnsubscribe from these: {unsubscribe}\n"
    )
    footer_html = (
        "<hr style='border:0;border-top:1px solid #dde'><p style='color:#667;font-size:13px'>"
        f"You get this because of your Nimbus email settings ({html.escape(label(kind))})."
        f" <a href='{html.escape(settings_url())}'>Change your email settings</a> or "
        f"<a href='{html.escape(unsubscribe)}'>unsubscribe from these emails</a>.</p>"
    )
    msg = EmailMessage()
    msg["From"] = formataddr((name, address))
    msg["To"] = to
    msg["Subject"] = mail.subject
    msg["Date"] = formatdate(usegmt=True)
    msg["Message-ID"] = make_msgid(domain=address.rsplit("@", 1)[-1])
    msg["List-Unsubscribe"] = f"<{unsubscribe}>"
    msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"  # RFC 8058
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies
    msg["X-Nimbus-Kind"] = kind
    msg.set_content(mail.text + footer_text)
    doc = (
        "<!doctype html><html><body style='font-family:system-ui,sans-serif;color:#1d2433;"
        "max-width:40rem;margin:0 auto;padding:1rem'>"
        f"{mail.html}{footer_html}</body></html>"
    )
    msg.add_alternative(doc, subtype="html")
    return msg


def transmit(msg: EmailMessage) -> None:
    """Hand the message to the SMTP relay: STARTTLS and login deployed, plain to the sink."""
    host = os.environ.get("SMTP_HOST") or "smtp.mailgun.org"
    port = int(os.environ.get("SMTP_PORT") or "587")
    with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S) as smtp:
        if os.environ.get("SMTP_TLS", "starttls") == "starttls":
            smtp.starttls(context=ssl.create_default_context())
        user = os.environ.get("SMTP_USER")
        if user:
            smtp.login(user, SMTP_PASSWORD.value)
        smtp.send_message(msg)


def address_of(uid: str) -> str | None:
    try:
        return auth.get_user(uid).email or None
    except auth.UserNotFoundError:
        return None


def send(uid: str, kind: str, key: str, mail: Mail) -> str:
    """Mail ``mail`` to user ``uid`` once for ``key``; what happened (SENT, DUPLICATE, …).
    The caller has checked that the user wants ``kind`` now."""
    if not _claim(uid, key, kind, mail.subject):
        return DUPLICATE
    address = address_of(uid)
    if not address:
        _settle(uid, key, NO_ADDRESS)
        return NO_ADDRESS
    if refresh_status(uid, address):
        _settle(uid, key, SUPPRESSED)
        return SUPPRESSED
    if not _take_window(uid):
        _settle(uid, key, RATE_LIMITED)
        log.info("mail to %s over the hourly limit: %s", uid, key)
        return RATE_LIMITED
    msg = compose(address, uid, kind, mail)
    try:
        transmit(msg)
    except Exception:
        db.reference(paths.mail_sent(uid, key)).delete()  # a retry may send it
        raise
    _settle(uid, key, SENT, messageId=str(msg["Message-ID"]))
    return SENT


def wants(uid: str, kind: str, when: str) -> bool:
    """Whether the user's choice for ``kind`` is ``when`` (instant or digest)."""
    return email.choice(db.reference(paths.email_settings(uid)).get(), kind) == when
