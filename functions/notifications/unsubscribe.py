"""email_unsubscribe: one-click unsubscribe (RFC 8058), no sign-in needed.

Every mail's ``List-Unsubscribe`` names ``email_unsubscribe?t=<token>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``: a mail app that offers "Unsubscribe"
POSTs ``List-Unsubscribe=One-Click`` there, which turns that kind off at once. A person who
opens the link gets a page that asks first (GET never changes anything: link scanners and
prefetchers follow links), whose button POSTs the same. A token that is not one Nimbus
signed gets a 400 page that says so and where the settings are.
"""

from __future__ import annotations

import html
from http import HTTPStatus
from typing import Any

from _model import email, paths
from firebase_admin import db
from firebase_functions import https_fn

from notifications import _mail


def _page(title: str, body: str, status: int = HTTPStatus.OK) -> https_fn.Response:
    doc = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{html.escape(title)} · Nimbus</title><style>"
        "body{font:16px/1.5 system-ui,sans-serif;color:#1d2433;max-width:34rem;margin:3rem auto;"
        "padding:0 1rem}button{font:inherit;padding:.5rem 1rem;border-radius:6px;border:0;"
        "background:#2f5bea;color:#fff;cursor:pointer}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )
    return https_fn.Response(doc, status=status, content_type="text/html; charset=utf-8")


def _settings_link() -> str:
    return f"<a href='{html.escape(_mail.settings_url())}'>your email settings</a>"


def _refused() -> https_fn.Response:
    return _page(
        "This unsubscribe link is not valid",
        "<p>Nimbus could not read this link: it may have been cut short or changed on the "
        f"way. Nothing was changed. You can choose what Nimbus emails you in {_settings_link()}"
        " (sign in first).</p>",
        HTTPStatus.BAD_REQUEST,
    )


def turn_off(uid: str, kind: str) -> list[str]:
    """Set ``kind`` off (the digest: every kind now in the digest); the kinds changed."""
    settings = db.reference(paths.email_settings(uid)).get()
    if kind == email.DIGEST:
        kinds = [k for k in email.KINDS if email.choice(settings, k) == email.DIGEST]
    else:
        kinds = [kind]
    update: dict[str, Any] = {paths.email_setting(uid, k): email.OFF for k in kinds}
    if update:
        db.reference("/").update(update)
    return kinds


def email_unsubscribe(req: https_fn.Request) -> https_fn.Response:
    """The HTTPS function's body (main.py declares the trigger and its secret)."""
    value = req.args.get("t") or req.form.get("t") or ""
    found = _mail.read_token(value)
    if found is None:
        return _refused()
    uid, kind = found
    what = html.escape(_mail.label(kind))
    if req.method == "GET":
        action = html.escape("?t=" + value)
        return _page(
            "Unsubscribe?",
            f"<p>Stop emails for <b>{what}</b>? The notices stay in your Nimbus inbox.</p>"
            f"<form method='post' action='{action}'><input type='hidden' name='t' "
            f"value='{html.escape(value)}'><button type='submit'>Unsubscribe</button></form>",
        )
    if req.method != "POST":
        return _page("Use the link in the email", "<p>Open the link from the email.</p>",
                     HTTPStatus.METHOD_NOT_ALLOWED)  # fmt: skip
    turn_off(uid, kind)
    return _page(
        "You are unsubscribed",
        f"<p>Nimbus will not email you <b>{what}</b> any more. You can turn them back on in "
        f"{_settings_link()}.</p>",
    )
