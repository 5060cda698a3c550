"""Search as you type and similar questions, end to end in Chromium (issue 13 items 2-3).

Questions are asked through the lesson page (browser Python, under the rules); the stack's
Functions emulator runs the real indexing triggers, and each test waits until the index
holds the post before it searches. An answer and its acceptance are written with
firebase-admin (a back end), which the triggers index the same way.
"""

from __future__ import annotations

import random
import string
import time

import pytest
from playwright.sync_api import Page, expect

from app.model import paths
from tests.e2e.conftest import User, open_signed_in
from tools.testing.browser import wait_python_ready

pytestmark = pytest.mark.e2e
LIVE = 5_000  # ms per step on a loaded 2-core machine
INDEXED_S = 30  # a trigger's first run in the emulator starts its Python worker
COURSE = "serverless-101"


def word() -> str:
    """A made-up word no other post has (letters only: it is stemmed like any word)."""
    return "zq" + "".join(random.choices(string.ascii_lowercase, k=8))


def lesson_url(stack, lesson: str = "l01") -> str:
    return f"{stack.hosting_url}/course/{COURSE}/lesson/{lesson}.html"


def ask(page: Page, title: str, body: str, admin_db) -> str:
    """Ask through the form; the question's id once the index holds it."""
    page.fill("#ask-title", title)
    page.fill("#ask-body", body)
    page.locator("#ask-pin").set_checked(False)
    page.click("#ask-submit")
    expect(page.locator("#ask-title")).to_have_value("", timeout=LIVE)
    questions = admin_db.child(paths.questions(COURSE)).get() or {}
    qid = next(k for k, v in questions.items() if v.get("title") == title)
    wait_indexed(admin_db, qid, qid)
    return qid


def wait_indexed(admin_db, qid: str, post_id: str) -> None:
    deadline = time.monotonic() + INDEXED_S
    while admin_db.child(paths.search_doc(COURSE, qid, post_id)).get() is None:
        assert time.monotonic() < deadline, f"post {qid}/{post_id} never reached the index"
        time.sleep(0.3)


def accept_an_answer(admin_db, qid: str) -> None:
    answer = {"uid": "someone", "authorName": "Ivan Instructor", "body": "Raise the timeout.",
              "createdAt": int(time.time() * 1000), "score": 0}  # fmt: skip
    aid = admin_db.child(paths.answers(COURSE, qid)).push(answer).key
    admin_db.child(paths.child(paths.question(COURSE, qid), "acceptedAnswerId")).set(aid)
    wait_indexed(admin_db, qid, aid)


def test_search_as_you_type_highlights_ranks_answered_first_and_opens_by_keyboard(
    users: dict[str, User], local_stack, admin_db
) -> None:
    page = users["learner"].page
    open_signed_in(page, lesson_url(local_stack), "learner@nimbus.test")
    expect(page.locator("#forum")).to_have_attribute("data-state", "live", timeout=LIVE)
    unique = word()
    plain = ask(page, f"Does {unique} <b>break</b> retries?", "Asking for a friend.", admin_db)
    answered = ask(page, f"Timeout when {unique} runs", f"My {unique} job stops.", admin_db)
    accept_an_answer(admin_db, answered)

    page.goto(f"{local_stack.hosting_url}/course/{COURSE}.html")
    box = page.locator("#search-input")
    expect(box).to_have_attribute("role", "combobox")
    box.press_sequentially(unique[:6], delay=30)  # a prefix: the word is still being typed
    options = page.locator("#search-results [role=option]")
    expect(options).to_have_count(2, timeout=LIVE)
    expect(box).to_have_attribute("aria-expanded", "true")
    # answered first; the typed prefix marks the whole word; the title's markup is text
    expect(options.nth(0)).to_have_attribute("data-key", answered)
    expect(options.nth(0)).to_have_attribute("data-answered", "")
    expect(options.nth(0).locator(".search-title mark")).to_have_text(unique)
    expect(options.nth(0).locator(".search-snippet mark")).to_have_text(unique)
    expect(options.nth(1)).to_have_attribute("data-key", plain)
    expect(options.nth(1).locator(".search-title")).to_have_text(
        f"Does {unique} <b>break</b> retries?"
    )
    assert options.nth(1).locator("b").count() == 0

    box.press("ArrowDown")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    expect(options.nth(0)).to_have_attribute("aria-selected", "false")
    expect(box).to_have_attribute("aria-activedescendant", "search-opt-1")
    box.press("Escape")
    expect(page.locator("#search-pop")).to_be_hidden()
    box.press("ArrowDown")  # reopens what was shown
    expect(page.locator("#search-pop")).to_be_visible()
    box.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url(f"**/lesson/l01.html#q-{plain}")
    card = page.locator(f'#questions > .question[data-key="{plain}"]')
    expect(card).to_have_attribute("data-target", "", timeout=LIVE)
    expect(card.locator("details")).to_have_attribute("open", "")


def test_no_results_says_what_was_searched(users: dict[str, User], local_stack) -> None:
    page = users["learner"].page
    open_signed_in(page, f"{local_stack.hosting_url}/course/{COURSE}.html", "learner@nimbus.test")
    unique = word()
    page.locator("#search-input").press_sequentially(f"{unique} quorble", delay=20)
    expect(page.locator("#search")).to_have_attribute("data-state", "empty", timeout=LIVE)
    expect(page.locator("#search-status")).to_have_text(f"No results for “{unique} quorble”")
    expect(page.locator("#search-results [role=option]")).to_have_count(0)


def test_a_non_member_is_told_search_is_for_enrolled_learners(
    users: dict[str, User], local_stack
) -> None:
    page = users["learner"].page  # not enrolled in realtime-forums
    url = f"{local_stack.hosting_url}/course/realtime-forums/lesson/l01.html"
    open_signed_in(page, url, "learner@nimbus.test")
    page.locator("#search-input").press_sequentially("lambda", delay=20)
    expect(page.locator("#search")).to_have_attribute("data-state", "refused", timeout=LIVE)
    expect(page.locator("#search-status")).to_have_text(
        "Search is for learners enrolled in this course."
    )


def test_similar_questions_appear_while_typing_and_the_draft_survives_opening_one(
    users: dict[str, User], local_stack, admin_db
) -> None:
    page = users["learner"].page
    open_signed_in(page, lesson_url(local_stack, "l02"), "learner@nimbus.test")
    expect(page.locator("#forum")).to_have_attribute("data-state", "live", timeout=LIVE)
    unique = word()
    qids = [ask(page, f"How to cache {unique} number {n}", "Details.", admin_db) for n in range(6)]
    accept_an_answer(admin_db, qids[3])

    similar = page.locator("#similar")
    expect(similar).to_be_hidden()
    page.locator("#ask-title").press_sequentially(f"Caching {unique} goes wrong", delay=20)
    page.fill("#ask-body", "My draft, keep it.")
    items = page.locator("#similar-list > li")
    expect(items).to_have_count(5, timeout=LIVE)  # six match; five are shown
    expect(items.nth(0)).to_have_attribute("data-key", qids[3])  # the answered one first
    expect(items.nth(0).locator("mark").first).to_have_text("cache")
    link = items.nth(2).locator("a")
    expect(link).to_have_attribute("target", "_blank")
    key = items.nth(2).get_attribute("data-key")
    with page.context.expect_page() as opened:
        link.click()
    other = opened.value
    other.wait_for_url(f"**#q-{key}")
    expect(other.locator(f'#questions > .question[data-key="{key}"]')).to_have_attribute(
        "data-target", "", timeout=15_000
    )
    expect(page.locator("#ask-title")).to_have_value(f"Caching {unique} goes wrong")
    expect(page.locator("#ask-body")).to_have_value("My draft, keep it.")
    other.close()


def test_a_signed_out_visitor_is_asked_to_sign_in(users: dict[str, User], local_stack) -> None:
    page = users["learner"].page
    page.goto(f"{local_stack.hosting_url}/course/{COURSE}.html")
    wait_python_ready(page)
    expect(page.locator("#account")).to_have_attribute("data-state", "signed-out", timeout=LIVE)
    page.locator("#search-input").press_sequentially("lambda", delay=20)
    expect(page.locator("#search")).to_have_attribute("data-state", "refused", timeout=LIVE)
    expect(page.locator("#search-status")).to_have_text(
        "Sign in: search is for learners enrolled in this course."
    )
