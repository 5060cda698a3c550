"""Email end to end: the real functions, the real Auth emulator and database, the real SMTP
sink and its Mailgun-format bounce webhook. What each test proves is in its name."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from firebase_admin import auth

from app.model import email, limits, paths
from tests.mail.conftest import (
    COURSE,
    LESSON,
    ask,
    messages,
    notify,
    parsed,
    settled,
    wait_messages,
)
from tools.mail_sink import mailgun
from tools.project import MAILGUN_LOCAL_SIGNING_KEY
from tools.seed import admin_app
from tools.testing.waiting import wait_until


def _http(method: str, url: str, body: bytes | None = None, ctype: str = "") -> tuple[int, str]:
    req = urllib.request.Request(url, data=body, method=method)
    if ctype:
        req.add_header("Content-Type", ctype)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def _choose(root: Any, uid: str, **choices: str) -> None:
    root.update({paths.email_setting(uid, k): v for k, v in choices.items()})


def _unsubscribe_url(msg) -> str:
    header = str(msg["List-Unsubscribe"])
    found = re.fullmatch(r"<(https?://[^>]+)>", header)
    assert found, header
    return found.group(1)


def test_an_instant_reply_lands_with_both_parts_the_sender_and_working_links(
    mail_stack, root, person
) -> None:
    asker, quiet = person("asker"), person("quiet")
    _choose(root, asker.uid, replies=email.INSTANT)
    qid = ask(root, asker)
    # quiet has chosen nothing: replies default to the digest, so nothing is mailed now.
    notify(root, quiet, ask(root, quiet), actor="Ben")
    notify(root, asker, qid, actor="Ada Answerer", snippet="Keep a <warm> pool.")
    (got,) = wait_messages(mail_stack, asker.email, 1)
    assert messages(mail_stack, quiet.email) == []  # its event came first, in commit order
    msg = parsed(mail_stack, got)
    assert msg["From"].addresses[0].display_name == "Nimbus"
    assert msg["From"].addresses[0].addr_spec == "notifications@nimbus.test"
    assert str(msg["To"]) == asker.email
    assert str(msg["Subject"]) == "Ada Answerer answered \u201cHow do cold starts work?\u201d"
    assert str(msg["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    text = msg.get_body(("plain",)).get_content()
    rich = msg.get_body(("html",)).get_content()
    post = f"{mail_stack.hosting_url}/course/{COURSE}/lesson/{LESSON}.html#q-{qid}"
    assert post in text and "Keep a <warm> pool." in text
    assert f"href='{post}'" in rich and "Keep a &lt;warm&gt; pool." in rich  # escaped
    unsubscribe = _unsubscribe_url(msg)
    assert unsubscribe in text and unsubscribe.replace("&", "&amp;") in rich
    assert f"{mail_stack.hosting_url}/settings.html" in text
    # The unsubscribe link opens a page that asks first; opening it changes nothing.
    status, page = _http("GET", unsubscribe)
    assert status == 200 and "Unsubscribe?" in page and "method='post'" in page
    assert root.child(paths.email_setting(asker.uid, email.REPLIES)).get() == email.INSTANT
    # The sink's page lists it and shows it as sent.
    status, listing = _http("GET", mail_stack.mail_url + "/")
    assert status == 200 and "Ada Answerer answered" in listing
    status, shown = _http("GET", f"{mail_stack.mail_url}/message/{got['id']}")
    assert status == 200 and "HTML part" in shown and "TEXT part" in shown


def test_one_click_unsubscribe_stops_that_kind_only(mail_stack, root, person) -> None:
    asker = person("oneclick")
    _choose(root, asker.uid, replies=email.INSTANT, activity=email.INSTANT)
    qid = ask(root, asker)
    notify(root, asker, qid, snippet="first reply")
    (first,) = wait_messages(mail_stack, asker.email, 1)
    unsubscribe = _unsubscribe_url(parsed(mail_stack, first))
    # What a mail app sends for RFC 8058's one-click button.
    status, page = _http(
        "POST", unsubscribe, b"List-Unsubscribe=One-Click", "application/x-www-form-urlencoded"
    )
    assert status == 200 and "You are unsubscribed" in page
    assert root.child(paths.email_setting(asker.uid, email.REPLIES)).get() == email.OFF
    notify(root, asker, qid, snippet="second reply: must not be mailed")
    other = ask(root, person("someone"))  # not asker's question: activity, still instant
    notify(root, asker, other, snippet="activity: still mailed")
    found = wait_messages(mail_stack, asker.email, 2)
    time.sleep(1)  # anything else the triggers would send has had its turn too
    found = messages(mail_stack, asker.email)
    assert len(found) == 2, [m["subject"] for m in found]
    assert "first reply" in found[0]["text"] and "activity: still mailed" in found[1]["text"]


def test_a_bad_unsubscribe_token_is_refused_with_a_clear_page(mail_stack, root, person) -> None:
    asker = person("tamper")
    _choose(root, asker.uid, replies=email.INSTANT)
    notify(root, asker, ask(root, asker))
    (got,) = wait_messages(mail_stack, asker.email, 1)
    url = _unsubscribe_url(parsed(mail_stack, got))
    base, token = url.split("?t=")
    encoded, signature = token.split(".")
    # Someone else's uid with this signature, a flipped signature, a cut token, nothing.
    forged = urllib.parse.quote(
        __import__("base64").urlsafe_b64encode(b"someone-else.replies").decode().rstrip("=")
    )
    for bad in (f"{forged}.{signature}", f"{encoded}.{'0' * len(signature)}", token[:20], ""):
        for method in ("GET", "POST"):
            status, page = _http(method, f"{base}?t={bad}", b"List-Unsubscribe=One-Click")
            assert status == 400, (bad, method)
            assert "This unsubscribe link is not valid" in page and "Nothing was changed" in page
    assert root.child(paths.email_setting(asker.uid, email.REPLIES)).get() == email.INSTANT


def test_a_bounce_suppresses_the_address_shows_why_and_stops_the_next_mail(
    mail_stack, root, person
) -> None:
    bouncy = person("bouncy", domain="bounce.nimbus.test")
    _choose(root, bouncy.uid, replies=email.INSTANT)
    qid = ask(root, bouncy)
    notify(root, bouncy, qid, snippet="this one bounces")
    (got,) = wait_messages(mail_stack, bouncy.email, 1)
    assert got["recipients"] == {bouncy.email: "bounced"}
    status = wait_until(
        lambda: root.child(paths.email_status(bouncy.uid)).get(),
        timeout=30,
        what="emailStatus after the bounce webhook",
    )
    assert status["suppressed"]["address"] == "b\u2026@\u2026"
    assert status["suppressed"]["reason"] == "bounced"
    # The sink records the webhook's answer once the POST returns: after the function wrote.
    hooks = wait_until(
        lambda: messages(mail_stack, bouncy.email)[0]["webhooks"],
        what="the sink's record of the bounce webhook's answer",
    )
    assert hooks[-1]["status"] == 200
    nid = notify(root, bouncy, qid, snippet="must not be sent")
    wait_until(lambda: settled(root, bouncy.uid, "entry-" + nid), what="the second mail settled")
    assert settled(root, bouncy.uid, "entry-" + nid) == "suppressed"
    assert len(messages(mail_stack, bouncy.email)) == 1
    # A new address in Auth lifts it: the next mail goes there, and the banner's status goes.
    fixed = bouncy.email.replace("@bounce.nimbus.test", "@nimbus.test")
    auth.update_user(bouncy.uid, email=fixed, app=admin_app(mail_stack))
    notify(root, bouncy, qid, snippet="to the new address")
    wait_messages(mail_stack, fixed, 1)
    assert root.child(paths.email_status(bouncy.uid)).get() is None


def test_a_complaint_suppresses_too(mail_stack, root, person) -> None:
    grumpy = person("grumpy", domain="complaint.nimbus.test")
    _choose(root, grumpy.uid, replies=email.INSTANT)
    notify(root, grumpy, ask(root, grumpy))
    (got,) = wait_messages(mail_stack, grumpy.email, 1)
    assert got["recipients"] == {grumpy.email: "complained"}
    status = wait_until(lambda: root.child(paths.email_status(grumpy.uid)).get(), timeout=30)
    assert status["suppressed"]["reason"] == "complained"


def _webhook(mail_stack, body: Any) -> tuple[int, str]:
    import json

    return _http("POST", mail_stack.function_url("mail_events"), json.dumps(body).encode(),
                 "application/json")  # fmt: skip


def test_the_bounce_webhook_refuses_forged_stale_and_replayed_events(
    mail_stack, root, person
) -> None:
    victim = person("victim")
    event = mailgun.failed(victim.email, {"to": victim.email}, time.time())
    key = hashlib.sha256(victim.email.encode()).hexdigest()
    listed = lambda: root.child(paths.mail_suppressed(key)).get()  # noqa: E731
    wrong = mailgun.signed("not-the-signing-key", event)
    assert _webhook(mail_stack, wrong)[0] == 403
    stale = mailgun.signed(MAILGUN_LOCAL_SIGNING_KEY, event, now=time.time() - 3600)
    assert _webhook(mail_stack, stale)[0] == 403
    unsigned = {"event-data": event}
    assert _webhook(mail_stack, unsigned)[0] == 403
    tampered = mailgun.signed(MAILGUN_LOCAL_SIGNING_KEY, event)
    tampered["signature"]["timestamp"] = str(int(tampered["signature"]["timestamp"]) + 1)
    assert _webhook(mail_stack, tampered)[0] == 403
    assert listed() is None and root.child(paths.email_status(victim.uid)).get() is None
    # A temporary failure is taken (200) and changes nothing.
    soft = mailgun.signed(MAILGUN_LOCAL_SIGNING_KEY, {**event, "severity": "temporary"})
    assert _webhook(mail_stack, soft) == (200, "ignored")
    assert listed() is None
    good = mailgun.signed(MAILGUN_LOCAL_SIGNING_KEY, event)
    assert _webhook(mail_stack, good) == (200, "suppressed")
    assert listed()["reason"] == "bounced"
    assert root.child(paths.email_status(victim.uid)).get()["suppressed"]["reason"] == "bounced"
    root.child(paths.mail_suppressed(key)).delete()
    assert _webhook(mail_stack, good) == (200, "already applied")  # the same token again
    assert listed() is None
    assert hmac.compare_digest(
        good["signature"]["signature"],
        mailgun.signature(MAILGUN_LOCAL_SIGNING_KEY, good["signature"]["timestamp"],
                          good["signature"]["token"]),
    )  # fmt: skip


def test_the_digest_on_demand_lists_only_unread_entries_and_only_when_there_are_new_ones(
    mail_stack, root, person
) -> None:
    reader = person("reader")  # no settings: replies go to the daily digest
    qid = ask(root, reader)
    now = int(time.time() * 1000)
    notify(root, reader, qid, title="Unread one", actor="Ann", created=now - 3000)
    notify(root, reader, qid, title="Read already", actor="Bob", created=now - 2000, read=True)
    notify(root, reader, qid, title="Unread two", actor="Cid", created=now - 1000)
    assert messages(mail_stack, reader.email) == []  # nothing instant for digest kinds
    mail_stack.run_scheduled("email_digest")
    (digest,) = wait_messages(mail_stack, reader.email, 1)
    assert digest["subject"] == "2 new in Nimbus"
    assert "Unread one" in digest["text"] and "Unread two" in digest["text"]
    assert "Read already" not in digest["text"] and "Read already" not in digest["html"]
    msg = parsed(mail_stack, digest)
    assert str(msg["List-Unsubscribe-Post"]) == "List-Unsubscribe=One-Click"
    # Nothing new since: a second run mails nothing.
    mail_stack.run_scheduled("email_digest")
    assert len(messages(mail_stack, reader.email)) == 1
    notify(root, reader, qid, title="Newer", actor="Dee")
    mail_stack.run_scheduled("email_digest")
    second = wait_messages(mail_stack, reader.email, 2)[1]
    assert second["subject"] == "1 new in Nimbus"
    assert "Newer" in second["text"] and "Unread one" not in second["text"]
    # The digest's one-click unsubscribe turns every digest kind off.
    one_click = (b"List-Unsubscribe=One-Click", "application/x-www-form-urlencoded")
    status, _ = _http("POST", _unsubscribe_url(parsed(mail_stack, second)), *one_click)
    assert status == 200
    assert root.child(paths.email_setting(reader.uid, email.REPLIES)).get() == email.OFF


def test_a_user_gets_at_most_the_hourly_limit(mail_stack, root, person) -> None:
    busy = person("busy")
    _choose(root, busy.uid, replies=email.INSTANT)
    qid = ask(root, busy)
    nids = [notify(root, busy, qid, snippet=f"reply {i}") for i in range(limits.MAILS_PER_HOUR + 2)]
    wait_until(
        lambda: all(settled(root, busy.uid, "entry-" + n) for n in nids),
        timeout=60,
        what="every mail settled",
    )
    outcomes = [settled(root, busy.uid, "entry-" + n) for n in nids]
    assert outcomes == ["sent"] * limits.MAILS_PER_HOUR + ["rate-limited"] * 2
    assert len(messages(mail_stack, busy.email)) == limits.MAILS_PER_HOUR


def test_a_paid_order_mails_its_receipt_once(mail_stack, root, person) -> None:
    buyer = person("buyer")
    order = {"courseId": COURSE, "courseTitle": "Serverless Foundations", "amount": 4900,
             "currency": "usd", "status": "processing"}  # fmt: skip
    ref = root.child(paths.order(buyer.uid, "order-1"))
    ref.set(order)
    receipt = {"orderId": "order-1", "courseId": COURSE, "courseTitle": "Serverless Foundations",
               "amount": 4900, "currency": "usd", "paidAt": "2026-12-02T05:00:00.000Z"}  # fmt: skip
    ref.update({"status": "paid", "receipt": receipt})
    (got,) = wait_messages(mail_stack, buyer.email, 1)
    assert got["subject"] == "Your receipt for Serverless Foundations"
    assert "49.00 USD" in got["text"] and "order-1" in got["text"]
    ref.update({"paidSeen": True})  # a later write to a paid order sends nothing more
    wait_until(lambda: settled(root, buyer.uid, "receipt-order-1"), what="the receipt settled")
    time.sleep(1)
    assert len(messages(mail_stack, buyer.email)) == 1


def test_a_digest_over_the_hourly_limit_waits_for_the_next_run(mail_stack, root, person) -> None:
    late = person("late")  # replies in the digest (the default)
    qid = ask(root, late)
    notify(root, late, qid, title="Kept for later", actor="Eve")
    full = {"windowStart": int(time.time() * 1000), "count": limits.MAILS_PER_HOUR}
    root.child(paths.mail_rate(late.uid)).set(full)  # as if the user had had their mails
    mail_stack.run_scheduled("email_digest")
    assert messages(mail_stack, late.email) == []
    assert root.child(paths.mail_digest(late.uid)).get() is None  # the cursor did not move
    root.child(paths.mail_rate(late.uid)).delete()  # the hour is over
    mail_stack.run_scheduled("email_digest")
    (digest,) = wait_messages(mail_stack, late.email, 1)
    assert "Kept for later" in digest["text"]


def test_an_answer_in_the_forum_reaches_the_askers_mailbox_through_the_fan_out(
    mail_stack, root, person
) -> None:
    """The whole chain: an answer is written, the fan-out puts it in the asker's inbox (they
    follow their own question), and that entry is mailed (the asker chose instant)."""
    from tests.mail.conftest import push_key

    asker, answerer = person("chain"), person("helper")
    _choose(root, asker.uid, replies=email.INSTANT)
    qid = ask(root, asker, title="Does the chain hold?")
    root.update({paths.follow(COURSE, qid, asker.uid): True,
                 paths.enrollment(asker.uid, COURSE): True,
                 paths.enrollment(answerer.uid, COURSE): True})  # fmt: skip
    root.child(paths.answer(COURSE, qid, push_key())).set(
        {"uid": answerer.uid, "authorName": answerer.name, "body": "It holds.",
         "createdAt": int(time.time() * 1000), "score": 0}
    )  # fmt: skip
    (got,) = wait_messages(mail_stack, asker.email, 1, timeout=60)
    assert got["subject"] == f"{answerer.name} answered \u201cDoes the chain hold?\u201d"
    assert "It holds." in got["text"]
    assert messages(mail_stack, answerer.email) == []  # never the actor


def test_a_run_without_cloud_schedulers_headers_mails_no_digest(mail_stack, root, person) -> None:
    """The emulator's readiness probe reaches a scheduled function's code too (once per cold
    start, with no Cloud Scheduler headers): such a call must not send the digest."""
    early = person("early")
    notify(root, early, ask(root, early), title="Only on a real run")
    (definition,) = [d for d in mail_stack.backends() if d["name"] == "email_digest"]
    url = (f"{mail_stack.functions_url}/functions/projects/{mail_stack.project}/triggers/"
           + mail_stack.trigger_key(definition))  # fmt: skip
    status, _ = _http("POST", url, b"{}", "application/json")
    assert status == 200
    assert messages(mail_stack, early.email) == []
    assert root.child(paths.mail_digest(early.uid)).get() is None
    mail_stack.run_scheduled("email_digest")
    (digest,) = wait_messages(mail_stack, early.email, 1)
    assert "Only on a real run" in digest["text"]
