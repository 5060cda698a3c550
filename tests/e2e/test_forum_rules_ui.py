"""What the hardened rules look like in the browser: names, staff badges, the post window.

Each refusal comes from the rules (or from the same check made before sending) and the UI
says why in words and keeps what the user typed.
"""

from __future__ import annotations

import time
import uuid

import pytest
from firebase_admin import auth
from playwright.sync_api import expect

from tests.e2e.conftest import PY_READY_TIMEOUT, User, open_signed_in
from tools.seed import admin_app
from tools.site import DEMO_PASSWORD

pytestmark = pytest.mark.e2e
LIVE = 5_000


def lesson_url(stack, course: str, lesson: str) -> str:
    return f"{stack.hosting_url}/course/{course}/lesson/{lesson}.html"


def _sign_up(page, url: str, email: str, name: str) -> None:
    page.goto(url)
    expect(page.locator("#py-status")).to_have_attribute(
        "data-state", "ready", timeout=PY_READY_TIMEOUT
    )
    page.click("#signup-toggle")
    page.fill("#signup-name", name)
    page.fill("#signin-email", email)
    page.fill("#signin-password", DEMO_PASSWORD)
    page.click("#signin-submit")


def test_sign_up_refuses_taken_and_invisible_names(users: dict[str, User], local_stack,
                                                   admin_db) -> None:  # fmt: skip
    page = users["learner"].page
    url = lesson_url(local_stack, "serverless-101", "l04")
    email = f"new-{uuid.uuid4().hex[:8]}@nimbus.test"
    _sign_up(page, url, email, "lena LEARNER")  # the demo learner's name, other letter case
    expect(page.locator("#account-error")).to_have_text(
        "That name is taken: choose another display name.", timeout=LIVE
    )
    expect(page.locator("#signup-name")).to_have_value("lena LEARNER")
    page.fill("#signup-name", "Ivan\u200bInstructor")
    page.click("#signin-submit")
    expect(page.locator("#account-error")).to_contain_text("no invisible or control characters")
    name = f"Nora Newcomer {uuid.uuid4().hex[:4]}"
    page.fill("#signup-name", name)
    page.click("#signin-submit")
    expect(page.locator("#account")).to_have_attribute("data-profile", "ready", timeout=15_000)
    expect(page.locator("#user-name")).to_have_text(name)
    uid = auth.get_user_by_email(email, app=admin_app(local_stack)).uid
    assert admin_db.child(f"profiles/{uid}/displayName").get() == name
    assert admin_db.child(f"displayNames/{name.lower()}").get() == uid


def test_staff_badge_comes_from_the_role(users: dict[str, User], local_stack) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    url = lesson_url(local_stack, "serverless-101", "l04")
    open_signed_in(learner, url, "learner@nimbus.test")
    open_signed_in(instructor, url, "instructor@nimbus.test")
    expect(instructor.locator("#forum")).to_have_attribute("data-staff", "")
    title = f"Badge? {uuid.uuid4().hex[:6]}"
    learner.fill("#ask-title", title)
    learner.fill("#ask-body", "Who answers?")
    learner.click("#ask-submit")
    card = instructor.locator("#questions > .question", has_text=title)
    expect(card).to_have_count(1, timeout=LIVE)
    card.locator("summary").click()
    card.locator(".answer-body").fill("I do.")
    card.locator(".answer-form button[type=submit]").click()
    mine = learner.locator("#questions > .question", has_text=title)
    expect(mine.locator(".answer")).to_have_count(1, timeout=LIVE)
    mine.locator("summary").click()
    expect(mine.locator(".answer .meta .badge-role")).to_have_text("Instructor")
    expect(mine.locator(".answer .meta .badge-role")).to_be_visible()
    expect(mine.locator("summary .badge-role")).to_be_hidden()  # the learner's own question


def test_posting_too_fast_says_how_long_to_wait(users: dict[str, User], local_stack,
                                                admin_db) -> None:  # fmt: skip
    learner = users["learner"].page
    url = lesson_url(local_stack, "serverless-101", "l04")
    open_signed_in(learner, url, "learner@nimbus.test")
    uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    window = admin_db.child(f"rateLimits/{uid}")
    try:
        full = {"windowStart": int(time.time() * 1000), "count": 10, "post": "forum/x"}
        window.set(full)  # ten posts in the last second (as if typed very fast)
        learner.fill("#ask-title", "Flood?")
        learner.fill("#ask-body", "One more.")
        learner.click("#ask-submit")
        expect(learner.locator("#ask-error")).to_contain_text(
            "Question not posted: you have posted 10 times in the last minute; wait ",
            timeout=LIVE,
        )
        expect(learner.locator("#ask-error")).to_contain_text(" s, then post again.")
        expect(learner.locator("#ask-title")).to_have_value("Flood?")
        expect(learner.locator("#ask-body")).to_have_value("One more.")
        window.update({"windowStart": full["windowStart"] - 61_000})  # the minute has passed
        learner.click("#ask-submit")
        expect(learner.locator("#ask-title")).to_have_value("", timeout=LIVE)
        expect(learner.locator("#questions > .question", has_text="Flood?")).to_have_count(1)
    finally:
        window.delete()  # other tests post as this learner
