"""What Nimbus mails, and when: instant notices, the daily digest, purchase receipts.

Each reads the user's choice (app/model/email.py) and goes through ``_mail.send``, which
holds every other guarantee (idempotency, suppression, the hourly limit, one-click
unsubscribe). The inbox (``inbox/<uid>``, written by the fan-out functions) is the source
of the notices: what is mailed is always also in the app.
"""

from __future__ import annotations

import html
import logging
from typing import Any

from _model import email, paths
from firebase_admin import db

from notifications import _mail

log = logging.getLogger(__name__)

VERBS = {
    "answer": "answered",
    "comment": "commented on",
    "accepted": "accepted your answer to",
    "endorsed": "endorsed your answer to",
    "question": "asked",
}
DIGEST_ITEMS_MAX = 50  # the digest lists the newest unread entries; the inbox has the rest


def _own_question(uid: str, entry: dict[str, Any], cache: dict | None = None) -> bool:
    cid, qid = entry.get("courseId"), entry.get("questionId")
    if not cid or not qid:
        return False
    if cache is not None and (cid, qid) in cache:
        return cache[(cid, qid)]
    asker = db.reference(paths.child(paths.question(str(cid), str(qid)), "uid")).get()
    own = asker == uid
    if cache is not None:
        cache[(cid, qid)] = own
    return own


def entry_kind(uid: str, entry: dict[str, Any], cache: dict | None = None) -> str:
    """The mail kind of an inbox entry (a reply when it is on the user's own question)."""
    kind = str(entry.get("kind", ""))
    own = kind in ("answer", "comment") and _own_question(uid, entry, cache)
    return email.kind_of_entry(kind, own)


def post_url(entry: dict[str, Any]) -> str:
    """The lesson page at the question, as the inbox opens it (#q-<qid>)."""
    cid, lid, qid = entry.get("courseId"), entry.get("lessonId"), entry.get("questionId")
    if not cid or not lid:
        return _mail.site_url() + "/index.html"
    return f"{_mail.site_url()}/course/{cid}/lesson/{lid}.html#q-{qid}"


def _line(entry: dict[str, Any]) -> str:
    verb = VERBS.get(str(entry.get("kind")), "posted in")
    return f"{entry.get('actorName') or 'Someone'} {verb} \u201c{entry.get('title') or ''}\u201d"


def instant(uid: str, nid: str, entry: dict[str, Any]) -> str | None:
    """A new inbox entry: mail it now if the user chose "instant" for its kind."""
    if not isinstance(entry, dict) or entry.get("read"):
        return None
    kind = entry_kind(uid, entry)
    if not _mail.wants(uid, kind, email.INSTANT):
        return None
    url = post_url(entry)
    line = _line(entry)
    snippet = str(entry.get("snippet") or "")
    mail = _mail.Mail(
        subject=line,
        text=f"{line}\n\n{snippet}\n\nOpen it: {url}",
        html=(
            f"<p><b>{html.escape(line)}</b></p>"
            f"<blockquote style='border-left:3px solid #ccd;margin:0;padding:0 1rem;color:#333'>"
            f"{html.escape(snippet)}</blockquote>"
            f"<p><a href='{html.escape(url)}'>Open it in Nimbus</a></p>"
        ),
    )
    return _mail.send(uid, kind, "entry-" + nid, mail)


def digest_all() -> dict[str, int]:
    """One digest per user with something unread since their last one; counts by outcome."""
    # The inbox's root: paths.inbox(uid) names one user's, so take its parent.
    users = db.reference(paths.inbox("_")).parent.get(shallow=True) or {}
    outcomes: dict[str, int] = {}
    for uid in sorted(users):
        try:
            outcome = digest(uid)
        except Exception:  # one user's failure (their relay answer) must not stop the rest
            log.exception("digest for %s failed", uid)
            outcome = "failed"
        if outcome:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return outcomes


def digest(uid: str) -> str | None:
    """The user's digest: their unread entries since the last digest, of the kinds they
    chose "digest" for; nothing when there are none."""
    settings = db.reference(paths.email_settings(uid)).get()
    chosen = {k for k in email.KINDS if email.choice(settings, k) == email.DIGEST}
    if not chosen:
        return None
    cursor_ref = db.reference(paths.mail_digest(uid))
    since = (cursor_ref.get() or {}).get("lastAt", 0)
    entries = db.reference(paths.inbox(uid)).get() or {}
    cache: dict = {}
    fresh = []
    for nid, entry in entries.items():
        if not isinstance(entry, dict) or entry.get("read"):
            continue
        at = entry.get("createdAt", 0)
        if not isinstance(at, (int, float)) or at <= since:
            continue
        if entry_kind(uid, entry, cache) in chosen:
            fresh.append((at, nid, entry))
    if not fresh:
        return None
    fresh.sort(key=lambda item: item[0], reverse=True)
    latest = fresh[0][0]
    listed = fresh[:DIGEST_ITEMS_MAX]
    count = len(fresh)
    subject = f"{count} new in Nimbus" if count > 1 else "1 new in Nimbus"
    text_items = []
    html_items = []
    for _, _, entry in listed:
        line, url = _line(entry), post_url(entry)
        snippet = str(entry.get("snippet") or "")
        text_items.append(f"* {line}\n  {snippet}\n  {url}")
        html_items.append(
            f"<li style='margin-bottom:.8rem'><a href='{html.escape(url)}'>{html.escape(line)}</a>"
            f"<br><span style='color:#555'>{html.escape(snippet)}</span></li>"
        )
    more = count - len(listed)
    tail = f"\n\n…and {more} more in your inbox." if more > 0 else ""
    mail = _mail.Mail(
        subject=subject,
        text="Unread since your last digest:\n\n" + "\n\n".join(text_items) + tail,
        html=(
            "<p><b>Unread since your last digest</b></p><ul style='padding-left:1.2rem'>"
            + "".join(html_items)
            + "</ul>"
            + (f"<p>…and {more} more in your inbox.</p>" if more > 0 else "")
        ),
    )
    # One mail per set of news: the key is the newest entry's time, so a second run (or a
    # redelivered schedule) finds it sent; a rate-limited digest keeps its entries for the
    # next one (the cursor moves only once the mail went or cannot go).
    key = f"digest-{int(latest)}"
    outcome = _mail.send(uid, email.DIGEST, key, mail)
    if outcome == _mail.RATE_LIMITED:
        db.reference(paths.mail_sent(uid, key)).delete()  # the next run tries again
    if outcome in (_mail.SENT, _mail.DUPLICATE, _mail.SUPPRESSED, _mail.NO_ADDRESS):
        cursor_ref.set({"lastAt": latest})
    return outcome


def receipt(uid: str, order_id: str, order: dict[str, Any]) -> str | None:
    """An order just became paid: its receipt, unless the buyer turned receipts off."""
    if not _mail.wants(uid, email.RECEIPTS, email.INSTANT):
        return None
    facts = order.get("receipt") or {}
    title = str(facts.get("courseTitle") or order.get("courseTitle") or order.get("courseId"))
    cents = int(facts.get("amount") or order.get("amount") or 0)
    currency = str(facts.get("currency") or order.get("currency") or "usd").upper()
    amount = f"{cents // 100}.{cents % 100:02d} {currency}"
    paid = str(facts.get("paidAt") or "")
    course = f"{_mail.site_url()}/course/{order.get('courseId')}.html"
    orders = f"{_mail.site_url()}/orders.html"
    rows = (("Course", title), ("Amount", amount), ("Order", order_id), ("Paid", paid))
    mail = _mail.Mail(
        subject=f"Your receipt for {title}",
        text=(
            f"Thank you for buying {title}.\n\n"
            + "".join(f"{k}: {v}\n" for k, v in rows)
            + f"\nStart learning: {course}\nYour orders: {orders}"
        ),
        html=(
            f"<p>Thank you for buying <b>{html.escape(title)}</b>.</p><table>"
            + "".join(
                f"<tr><td style='color:#555;padding-right:1rem'>{html.escape(k)}</td>"
                f"<td>{html.escape(v)}</td></tr>"
                for k, v in rows
            )
            + f"</table><p><a href='{html.escape(course)}'>Start learning</a> · "
            f"<a href='{html.escape(orders)}'>Your orders</a></p>"
        ),
    )
    return _mail.send(uid, email.RECEIPTS, "receipt-" + order_id, mail)
