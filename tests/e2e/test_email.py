"""Email settings and the suppression banner in Chromium, against the whole local stack:
the settings page's choices, a mail that lands in the sink and whose links work in the
browser, one-click unsubscribe reflected live, and a bounce that raises the banner.

Inbox entries are written with firebase-admin, as the fan-out functions write them (their
own e2e test drives them from the forum); everything after that is the real path: the
trigger, Auth, the SMTP sink, its signed Mailgun webhook, the rules, the page.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid

import pytest
from firebase_admin import auth
from playwright.sync_api import Page, expect

from app.model import email, paths
from tests.e2e.conftest import open_signed_in
from tests.mail.conftest import messages, wait_messages
from tools.project import DEMO_PASSWORD
from tools.seed import admin_app
from tools.testing.browser import fill_sign_in
from tools.testing.waiting import wait_until

pytestmark = pytest.mark.e2e
COURSE, LESSON = "serverless-101", "l01"
LIVE = 60_000  # ms: a trigger, the sink, the webhook, the function, the page's listener


def account(stack, domain: str = "nimbus.test") -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    user = auth.create_user(
        email=f"mailer-{tag}@{domain}", password=DEMO_PASSWORD,
        display_name=f"Mailer {tag}", app=admin_app(stack),
    )  # fmt: skip
    return user.email, user.uid


def own_question_entry(admin_db, uid: str, snippet: str) -> str:
    """The asker's question and an answer's inbox entry for them; the question id."""
    qid = ("-E" + uuid.uuid4().hex)[:20]
    admin_db.child(paths.question(COURSE, qid)).set(
        {"uid": uid, "authorName": "Asker", "lessonId": LESSON, "title": "Why email?",
         "body": "Because.", "createdAt": 1_700_000_000_000, "score": 0}
    )  # fmt: skip
    post = ("-F" + uuid.uuid4().hex)[:20]
    admin_db.child(paths.inbox_entry(uid, "answer-" + post)).set(
        {"kind": "answer", "courseId": COURSE, "questionId": qid, "postId": post,
         "lessonId": LESSON, "second": 4, "actorName": "Ivan Instructor", "title": "Why email?",
         "snippet": snippet, "createdAt": int(time.time() * 1000)}
    )  # fmt: skip
    return qid


def _change_link(stack, new_email: str) -> str | None:
    """The Auth emulator's link for a pending address change to new_email (its oobCodes)."""
    url = f"http://{stack.auth_host}/emulator/v1/projects/{stack.project}/oobCodes"
    with urllib.request.urlopen(url, timeout=10) as resp:
        codes = json.load(resp).get("oobCodes", [])
    found = [c for c in codes if c.get("newEmail") == new_email or c.get("email") == new_email]
    return found[-1]["oobLink"] if found else None


def choice(page: Page, kind: str, value: str):
    return page.locator(f'[data-kind="{kind}"] input[value="{value}"]')


def test_settings_choose_instant_mail_lands_links_work_and_unsubscribe_shows_live(
    local_stack, admin_db, people
) -> None:
    address, uid = account(local_stack)
    me = people("learner").page
    open_signed_in(me, f"{local_stack.hosting_url}/settings.html", address)
    box = me.locator("#email-settings")
    expect(box).to_have_attribute("data-state", "live", timeout=15_000)
    # The defaults: replies in the digest, the rest off, receipts right away (no digest).
    expect(choice(me, email.REPLIES, email.DIGEST)).to_be_checked()
    expect(choice(me, email.ACTIVITY, email.OFF)).to_be_checked()
    expect(choice(me, email.RECEIPTS, email.INSTANT)).to_be_checked()
    expect(
        me.locator(f'[data-kind="{email.RECEIPTS}"] input[value="{email.DIGEST}"]')
    ).to_have_count(0)
    choice(me, email.REPLIES, email.INSTANT).check()
    expect(me.locator(f'[data-kind="{email.REPLIES}"] [data-field="saved"]')).to_have_text("Saved")
    assert admin_db.child(paths.email_setting(uid, email.REPLIES)).get() == email.INSTANT
    me.reload()
    expect(box).to_have_attribute("data-state", "live", timeout=15_000)
    expect(choice(me, email.REPLIES, email.INSTANT)).to_be_checked()

    qid = own_question_entry(admin_db, uid, "Mail is opt-in.")
    (got,) = wait_messages(local_stack, address, 1, timeout=LIVE / 1000)
    # The mail as its recipient sees it: the sink's page renders the HTML part.
    mail = people("mailbox").page
    mail.goto(f"{local_stack.mail_url}/message/{got['id']}")
    frame = mail.frame_locator("iframe")
    expect(frame.locator("text=Mail is opt-in.")).to_be_visible()
    post = frame.locator("a", has_text="Open it in Nimbus")
    href = post.get_attribute("href")
    assert href == f"{local_stack.hosting_url}/course/{COURSE}/lesson/{LESSON}.html#q-{qid}"
    opened = me.goto(href)  # the post link opens the lesson page at the question
    assert opened is not None and opened.ok
    expect(me.locator("body")).to_have_attribute("data-page", "lesson")
    # The unsubscribe link asks first, then turns replies off; the settings page follows live.
    unsubscribe = re.fullmatch(r"<([^>]+)>", dict(got["headers"])["List-Unsubscribe"]).group(1)
    mail.goto(unsubscribe)
    expect(mail.locator("h1")).to_have_text("Unsubscribe?")
    settings = people("settings").page
    open_signed_in(settings, f"{local_stack.hosting_url}/settings.html", address)
    expect(choice(settings, email.REPLIES, email.INSTANT)).to_be_checked(timeout=15_000)
    mail.click("button[type=submit]")
    expect(mail.locator("h1")).to_have_text("You are unsubscribed")
    expect(choice(settings, email.REPLIES, email.OFF)).to_be_checked(timeout=LIVE)


def test_a_bounce_shows_the_banner_live_and_a_new_address_lifts_it(
    local_stack, admin_db, people
) -> None:
    address, uid = account(local_stack, domain="bounce.nimbus.test")
    admin_db.child(paths.email_setting(uid, email.REPLIES)).set(email.INSTANT)
    me = people("learner").page
    open_signed_in(me, f"{local_stack.hosting_url}/index.html", address)
    banner = me.locator("#email-banner")
    expect(banner).to_be_hidden()
    own_question_entry(admin_db, uid, "This one bounces.")
    expect(banner).to_be_visible(timeout=LIVE)
    expect(banner).to_contain_text(
        "We couldn't deliver email to m\u2026@\u2026: update your address"
    )
    me.click("#email-banner a")
    expect(me.locator("#email-settings")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(me.locator("#email-suppressed")).to_contain_text("the mailbox does not exist")
    assert len(messages(local_stack, address)) == 1
    # The user changes their address on the settings page: Auth mails the new address a
    # link (the Auth emulator keeps it), which they open; the address changes then.
    expect(me.locator("#email-current")).to_have_text(address)
    fixed = address.replace("@bounce.nimbus.test", "@nimbus.test")
    me.fill("#email-new", "not-an-address")
    me.click("#email-change-submit")
    expect(me.locator("#email-change-error")).to_contain_text("Enter the new address")
    expect(me.locator("#email-new")).to_have_value("not-an-address")  # the draft stays
    me.fill("#email-new", fixed)
    me.click("#email-change-submit")
    expect(me.locator("#email-change-sent")).to_contain_text("We sent a link to " + fixed)
    link = wait_until(lambda: _change_link(local_stack, fixed), what="the confirmation link")
    confirm = people("mailbox").page
    confirm.goto(link)
    expect(confirm.locator("body")).to_contain_text("successfully changed")
    assert auth.get_user(uid, app=admin_app(local_stack)).email == fixed
    # Reopened, the page re-checks the address (email_status_check) and the banner goes.
    # Firebase may end the session when the address changes: then sign in with the new one.
    me.goto(f"{local_stack.hosting_url}/settings.html")
    box = me.locator("#account")
    expect(box).to_have_attribute("data-state", re.compile("signed-(in|out)"), timeout=15_000)
    if box.get_attribute("data-state") == "signed-out":
        fill_sign_in(me, fixed)
    expect(me.locator("#email-settings")).to_have_attribute("data-state", "live", timeout=15_000)
    expect(banner).to_be_hidden(timeout=LIVE)
    expect(me.locator("#email-suppressed")).to_be_hidden()
