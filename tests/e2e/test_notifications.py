"""Notifications end to end in Chromium (issue 14): a learner follows a question, the
instructor answers it from another browser, the learner's bell counts up live, the inbox
opens the answer at its question and second and marks it read; "Mark all read"; the
course page's watch level. The real fan-out triggers run in the stack's Functions emulator.
"""

from __future__ import annotations

import time
import uuid

import pytest
from firebase_admin import auth
from playwright.sync_api import Page, expect

from app.model import notices, paths
from tests.e2e.conftest import User, open_signed_in
from tools.seed import admin_app

pytestmark = pytest.mark.e2e
LIVE = 5_000  # ms per step on a loaded 2-core machine
FANOUT = 30_000  # a trigger's first run in the emulator starts its Python worker
COURSE = "serverless-101"


def lesson_url(stack, lesson: str = "l01") -> str:
    return f"{stack.hosting_url}/course/{COURSE}/lesson/{lesson}.html"


def uid_of(stack, email: str) -> str:
    return auth.get_user_by_email(email, app=admin_app(stack)).uid


IVAN = "instructor@nimbus.test"


def answer_of(admin_db, qid: str, author: str) -> str:
    """The key of author's answer to qid, once it is stored."""
    deadline = time.monotonic() + 10
    while True:
        answers = admin_db.child(paths.answers(COURSE, qid)).get() or {}
        mine = [aid for aid, a in answers.items() if a.get("uid") == author]
        if mine:
            return mine[0]
        assert time.monotonic() < deadline, "the answer was never stored"
        time.sleep(0.2)


def unread_of(admin_db, uid: str) -> set[str]:
    entries = admin_db.child(paths.inbox(uid)).get() or {}
    return {nid for nid, e in entries.items() if e.get("read") is not True}


def card(page: Page, title: str):
    return page.locator("#questions > .question", has_text=title)


def someone_asks(admin_db, title: str, second: int) -> str:
    """A question by another member (a back end writes it: no follow for our learner)."""
    question = {"uid": "asker-" + uuid.uuid4().hex[:6], "authorName": "Ada Asker",
                "lessonId": "l01", "title": title, "body": "Why does it *stall*?",
                "createdAt": int(time.time() * 1000), "score": 0,
                "videoSecond": second}  # fmt: skip
    return admin_db.child(paths.questions(COURSE)).push(question).key


def answer_in(page: Page, title: str, body: str) -> None:
    thread = card(page, title)
    expect(thread).to_have_count(1, timeout=LIVE)
    if thread.locator("details").get_attribute("open") is None:
        thread.locator("summary").click()
    thread.locator(".answer-body").fill(body)
    thread.locator(".answer-form button[type=submit]").click()
    expect(thread.locator(".answer-body")).to_have_value("", timeout=LIVE)


def test_follow_answer_live_bell_open_and_mark_read(
    users: dict[str, User], local_stack, admin_db
) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    lena = uid_of(local_stack, "learner@nimbus.test")
    admin_db.child(paths.inbox(lena)).delete()  # earlier tests' entries
    title = f"Cold start stalls {uuid.uuid4().hex[:6]}"
    qid = someone_asks(admin_db, title, 9)

    open_signed_in(learner, lesson_url(local_stack, "l02"), "learner@nimbus.test")
    bell = learner.locator("#bell")
    expect(bell).to_be_visible(timeout=LIVE)
    expect(learner.locator("#bell-count")).to_have_text("")
    bell.click()
    expect(learner.locator("#inbox-panel")).to_have_attribute("data-state", "empty", timeout=LIVE)
    expect(learner.locator(".inbox-empty")).to_be_visible()
    bell.click()  # closes

    # Follow the question from its card on the lesson page.
    learner.goto(lesson_url(local_stack))
    thread = card(learner, title)
    expect(thread).to_have_count(1, timeout=LIVE)
    thread.locator("summary").click()
    follow = thread.locator('[data-act="follow"]')
    expect(follow).to_have_text("Follow", timeout=LIVE)
    follow.click()
    expect(follow).to_have_text("Following", timeout=LIVE)
    expect(follow).to_have_attribute("aria-pressed", "true")
    assert admin_db.child(paths.follow(COURSE, qid, lena)).get() is True

    # The learner goes to another lesson; the instructor answers from another browser.
    learner.goto(lesson_url(local_stack, "l02"))
    expect(learner.locator("#bell")).to_be_visible(timeout=LIVE)
    open_signed_in(instructor, lesson_url(local_stack), "instructor@nimbus.test")
    answer_in(instructor, title, "Keep one instance **warm**.")
    nid = notices.nid(notices.ANSWER, answer_of(admin_db, qid, uid_of(local_stack, IVAN)))
    note = learner.locator(f'#inbox-list .note[data-key="{nid}"]')
    expect(note).to_have_count(1, timeout=FANOUT)  # live: no reload
    unread = unread_of(admin_db, lena)
    assert nid in unread  # (Gurubot may have answered the question before it was followed)
    count = learner.locator("#bell-count")
    expect(count).to_have_text(str(len(unread)))
    expect(learner.locator("#bell")).to_have_attribute(
        "aria-label", f"Notifications, {len(unread)} unread"
    )

    learner.locator("#bell").click()
    expect(note.locator(".note-line")).to_have_text(f"Ivan Instructor answered “{title}”")
    expect(note.locator(".note-snippet")).to_have_text("Keep one instance **warm**.")
    expect(note).not_to_have_attribute("data-read", "")
    note.locator(".note-link").click()
    expect(learner).to_have_url(f"{lesson_url(local_stack)}#q-{qid}~9", timeout=LIVE)
    opened = card(learner, title)
    expect(opened).to_have_attribute("data-target", "", timeout=LIVE)
    expect(opened.locator("details")).to_have_attribute("open", "")
    expect(opened.locator(".answer .post-body strong")).to_have_text("warm")
    expect(note).to_have_attribute("data-read", "", timeout=LIVE)  # read now
    expect(count).to_have_text(str(len(unread) - 1) if len(unread) > 1 else "")
    assert admin_db.child(paths.inbox_read(lena, nid)).get() is True

    # Two more answers: the bell counts 2 more, and "Mark all read" clears all in one click.
    before = len(unread_of(admin_db, lena))
    answer_in(instructor, title, "Or provisioned concurrency.")
    answer_in(instructor, title, "Or a smaller bundle.")
    expect(count).to_have_text(str(before + 2), timeout=FANOUT)
    learner.locator("#bell").click()
    entries = admin_db.child(paths.inbox(lena)).get() or {}
    expect(learner.locator("#inbox-list .note")).to_have_count(len(entries))
    expect(learner.locator("#inbox-list .note:not([data-read])")).to_have_count(before + 2)
    learner.locator("#inbox-all-read").click()
    expect(count).to_have_text("", timeout=LIVE)
    expect(learner.locator("#inbox-list .note[data-read]")).to_have_count(len(entries))
    entries = admin_db.child(paths.inbox(lena)).get() or {}
    assert len(entries) >= 3 and all(e.get("read") is True for e in entries.values())

    # Unfollow: the next answer tells the learner nothing.
    follow = card(learner, title).locator('[data-act="follow"]')
    follow.click()
    expect(follow).to_have_text("Follow", timeout=LIVE)
    assert admin_db.child(paths.follow(COURSE, qid, lena)).get() is None
    for user in users.values():
        assert user.watch.page_errors == [], user.watch.page_errors


def test_the_course_page_sets_the_watch_level_and_asking_follows(
    users: dict[str, User], local_stack, admin_db
) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    lena = uid_of(local_stack, "learner@nimbus.test")
    ivan = uid_of(local_stack, "instructor@nimbus.test")
    admin_db.child(paths.watch(COURSE, lena)).delete()
    admin_db.child(paths.watch(COURSE, ivan)).delete()
    open_signed_in(learner, f"{local_stack.hosting_url}/course/{COURSE}.html",
                   "learner@nimbus.test")  # fmt: skip
    select = learner.locator("#watch-select")
    expect(learner.locator("#watch-level")).to_be_visible(timeout=LIVE)
    expect(select).to_have_value(notices.FOLLOWED)
    select.select_option(notices.ALL)
    expect(learner.locator("#watch-note")).to_contain_text("Every new question")
    deadline = time.monotonic() + 5
    while admin_db.child(paths.watch(COURSE, lena)).get() != notices.ALL:
        assert time.monotonic() < deadline, "the level was never stored"
        time.sleep(0.2)

    # The instructor watches "all" by default: the learner's new question reaches their bell.
    open_signed_in(instructor, f"{local_stack.hosting_url}/course/{COURSE}.html",
                   "instructor@nimbus.test")  # fmt: skip
    expect(instructor.locator("#watch-select")).to_have_value(notices.ALL, timeout=LIVE)
    admin_db.child(paths.inbox(ivan)).delete()
    learner.goto(lesson_url(local_stack))
    title = f"Does the level stick {uuid.uuid4().hex[:6]}"
    learner.fill("#ask-title", title)
    learner.fill("#ask-body", "Asking to be told.")
    learner.click("#ask-submit")
    expect(learner.locator("#ask-title")).to_have_value("", timeout=LIVE)
    expect(instructor.locator("#bell-count")).to_have_text("1", timeout=FANOUT)
    instructor.locator("#bell").click()
    expect(instructor.locator("#inbox-list .note-line").first).to_have_text(
        f"Lena Learner asked “{title}”"
    )
    qid = card(learner, title).get_attribute("data-key")
    assert admin_db.child(paths.follow(COURSE, qid, lena)).get() is True  # askers follow
    thread = card(learner, title)
    thread.locator("summary").click()
    expect(thread.locator('[data-act="follow"]')).to_have_text("Following", timeout=LIVE)

    learner.goto(f"{local_stack.hosting_url}/course/{COURSE}.html")
    expect(learner.locator("#watch-select")).to_have_value(notices.ALL, timeout=LIVE)
    learner.locator("#watch-select").select_option(notices.FOLLOWED)
    learner.locator("#signout").click()
    expect(learner.locator("#watch-level")).to_be_hidden(timeout=LIVE)
    expect(learner.locator("#bell")).to_be_hidden()
