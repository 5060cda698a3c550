"""Gurubot end to end in Chromium (issue 13 item 4): a learner asks through the lesson page;
the stack's Functions emulator runs the real triggers (indexing, gurubot_reply); the bot's
answer appears in the question's card with its bot badge, a link to the answered thread and
deep links to transcript moments; a moment's link opens the lesson with the video at that
second; the asker's "This answered it" accepts the answer and stores the feedback.

The answered thread is written with firebase-admin (a back end), the seeded transcripts are
indexed by the seed's backfill, as build.py serve does.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from app.model import gurubot, paths
from tests.e2e.conftest import User, open_signed_in
from tests.e2e.test_search import COURSE, lesson_url, wait_indexed, word

pytestmark = pytest.mark.e2e
LIVE = 5_000
REPLIED_MS = 30_000  # the bot's first run in the emulator starts its Python worker
MOMENT = 11  # l01's cue at 11.9 s: "The provider runs your function when an event arrives ..."


def answered_thread(admin_db, unique: str) -> str:
    """A thread with an accepted answer, both mentioning ``unique``; its id once indexed."""
    now = int(time.time() * 1000)
    question = {"uid": "someone", "authorName": "Otto Other", "lessonId": "l02",
                "title": f"Why does {unique} stop my function?", "body": "After one event.",
                "createdAt": now, "score": 0}  # fmt: skip
    qid = admin_db.child(paths.questions(COURSE)).push(question).key
    body = f"{unique} stops the function once the event is handled."
    answer = {"uid": "someone2", "authorName": "Ivan Instructor", "createdAt": now + 1,
              "body": body, "score": 0}  # fmt: skip
    aid = admin_db.child(paths.answers(COURSE, qid)).push(answer).key
    admin_db.child(paths.child(paths.question(COURSE, qid), "acceptedAnswerId")).set(aid)
    wait_indexed(admin_db, qid, aid)
    return qid


def test_gurubot_answers_links_seek_and_this_answered_it(
    users: dict[str, User], local_stack, admin_db
) -> None:
    page = users["learner"].page
    unique = word()
    old = answered_thread(admin_db, unique)
    open_signed_in(page, lesson_url(local_stack), "learner@nimbus.test")
    expect(page.locator("#forum")).to_have_attribute("data-state", "live", timeout=LIVE)
    title = f"Does the provider stop my {unique} function after the event?"
    page.fill("#ask-title", title)
    page.fill("#ask-body", "It seems to stop right after each event arrives.")
    page.locator("#ask-pin").set_checked(False)
    page.click("#ask-submit")
    expect(page.locator("#ask-title")).to_have_value("", timeout=LIVE)
    questions = admin_db.child(paths.questions(COURSE)).get() or {}
    qid = next(k for k, v in questions.items() if v.get("title") == title)

    card = page.locator(f'#questions > .question[data-key="{qid}"]')
    bot = card.locator('.answer[data-role="bot"]')
    expect(bot).to_have_count(1, timeout=REPLIED_MS)
    # a bot's suggestion is not an answer yet: the question stays in the unanswered filter
    expect(card).to_have_attribute("data-answers", "0")
    expect(card.locator('summary [data-field="answers"]')).to_have_text("1 answer")
    card.locator("summary").click()
    expect(bot.locator(".badge-role")).to_have_text("Bot")
    expect(bot.locator('[data-field="author"]')).to_have_text(gurubot.BOT_NAME)
    thread_link = bot.locator(f'a[href="{gurubot.thread_url(COURSE, "l02", old)}"]')
    expect(thread_link).to_have_text(f"Why does {unique} stop my function?")
    expect(bot.locator("blockquote")).to_contain_text(f"{unique} stops the function")
    moment = bot.locator(f'a[href="{gurubot.moment_url(COURSE, "l01", MOMENT)}"]')
    expect(moment).to_have_text("at 0:11 in What serverless really means")

    # the moment's link opens the lesson (a new tab: the draft and the card stay) at 0:11
    with page.context.expect_page() as opened:
        moment.click()
    lesson = opened.value
    lesson.wait_for_load_state()
    assert lesson.url.endswith(f"/lesson/l01.html#t={MOMENT}")
    lesson.wait_for_function(
        f"() => {{ const v = document.querySelector('#video');"
        f" return v && v.readyState >= 1 && Math.abs(v.currentTime - {MOMENT}) < 0.5; }}",
        timeout=30_000,
    )
    # on the same page, another moment's link (a hash change) seeks again
    lesson.evaluate("location.hash = '#t=4'")
    lesson.wait_for_function(
        "() => Math.abs(document.querySelector('#video').currentTime - 4) < 0.5", timeout=LIVE
    )
    lesson.close()

    # "This answered it": the question is answered by the bot's answer, the feedback stored
    button = bot.locator('[data-act="accept"]')
    expect(button).to_have_text("This answered it")
    button.click()
    expect(bot).to_have_attribute("data-accepted", "", timeout=LIVE)
    expect(card).to_have_attribute("data-accepted", "")
    expect(card).to_have_attribute("data-answers", "1")  # accepted: it answers the question
    expect(button).to_have_text("Unaccept")
    bot_aid = bot.get_attribute("data-key")
    question = admin_db.child(paths.question(COURSE, qid)).get()
    assert question["acceptedAnswerId"] == bot_aid
    feedback = admin_db.child(paths.gurubot_feedback(COURSE, qid)).get()
    assert feedback["uid"] == question["uid"] and feedback["answerId"] == bot_aid
    assert feedback["helpful"] is True

    # pressed again after an unaccept, it accepts again; the stored verdict stays as it was
    button.click()
    expect(button).to_have_text("This answered it", timeout=LIVE)
    button.click()
    expect(button).to_have_text("Unaccept", timeout=LIVE)
    assert admin_db.child(paths.gurubot_feedback(COURSE, qid)).get() == feedback
    assert users["learner"].watch.page_errors == []
