"""Office hours in three browsers: the instructor's console opens a session, two learners
join its queue from the course page and see their place and expected wait move live as the
instructor takes the next and marks it done; a learner who closes the page leaves the queue
(the SDK's onDisconnect, run by the server), and closing the session empties it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import User, guard, open_signed_in
from tools.testing.stacks import new_account
from tools.testing.waiting import wait_until

pytestmark = pytest.mark.e2e
LIVE = 5_000
COURSE = "thick-front-ends"


def course_url(stack) -> str:
    return f"{stack.hosting_url}/course/{COURSE}.html"


def join(page: Page, question: str) -> None:
    box = page.locator("#office-hours")
    expect(box).to_have_attribute("data-state", "open", timeout=LIVE)
    page.fill("#oh-question", question)
    page.click("#oh-join")
    expect(box).to_have_attribute("data-state", "queued", timeout=LIVE)


def test_two_learners_queue_and_the_instructor_serves_them(
    users: dict[str, User], browser: Browser, local_stack, admin_db
) -> None:
    admin_db.child(f"officeHours/{COURSE}").delete()
    first, instructor = users["learner"].page, users["instructor"].page
    email, second_uid = new_account(local_stack, "queuer")
    admin_db.child(f"enrollments/{second_uid}/{COURSE}").set(True)
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    guard(context)
    second = context.new_page()

    open_signed_in(instructor, f"{local_stack.hosting_url}/console.html", "instructor@nimbus.test")
    block = instructor.locator(f'#office-hours .oh-course[data-course="{COURSE}"]')
    expect(block).to_have_attribute("data-state", "closed", timeout=LIVE)
    open_signed_in(first, course_url(local_stack), "learner@nimbus.test")
    expect(first.locator("#office-hours")).to_have_attribute("data-state", "closed", timeout=LIVE)
    expect(first.locator("#office-hours .oh-closed")).to_be_visible()

    block.locator('[data-act="open"]').click()
    expect(block).to_have_attribute("data-state", "open", timeout=LIVE)
    assert admin_db.child(f"officeHours/{COURSE}/by").get() is not None

    # a two-line question is refused in words, the draft stays
    expect(first.locator("#office-hours")).to_have_attribute("data-state", "open", timeout=LIVE)
    first.fill("#oh-question", "")
    first.click("#oh-join")
    expect(first.locator("#oh-error")).to_have_text("Write your question in one line first.")
    join(first, "How do I deploy the functions?")
    expect(first.locator("#oh-position")).to_have_text("You are 1st in line")
    expect(first.locator("#oh-wait")).to_have_text("you are next")
    expect(first.locator("#oh-mine")).to_have_text("How do I deploy the functions?")

    open_signed_in(second, course_url(local_stack), email)
    join(second, "Why is my listener called twice?")
    expect(second.locator("#oh-position")).to_have_text("You are 2nd in line")
    expect(second.locator("#oh-wait")).to_contain_text("no estimate yet")
    entries = block.locator(".oh-queue > .oh-entry")
    expect(entries).to_have_count(2, timeout=LIVE)
    expect(entries.nth(0)).to_contain_text("How do I deploy the functions?")
    expect(entries.nth(1)).to_contain_text("Why is my listener called twice?")
    expect(entries.nth(0)).to_contain_text("Lena Learner")
    expect(first.locator("#oh-count")).to_have_text("2 waiting", timeout=LIVE)

    # take next: the first learner's turn; the second is first in line, one being helped
    block.locator('[data-act="next"]').click()
    expect(first.locator("#office-hours")).to_have_attribute("data-state", "taken", timeout=LIVE)
    expect(first.locator(".oh-taken")).to_be_visible()
    expect(second.locator("#oh-position")).to_have_text("You are 1st in line", timeout=LIVE)
    expect(block.locator(".oh-current")).to_contain_text("How do I deploy the functions?")
    expect(block.locator('[data-act="next"]')).to_be_disabled()  # one at a time
    expect(entries).to_have_count(1)

    # done: a service time is recorded; the second learner is next
    instructor.wait_for_timeout(1_200)
    block.locator('[data-act="done"]').click()
    expect(first.locator("#office-hours")).to_have_attribute("data-state", "open", timeout=LIVE)
    expect(first.locator("#oh-note")).to_contain_text("Your turn is over")
    expect(second.locator("#oh-wait")).to_have_text("you are next", timeout=LIVE)
    served = admin_db.child(f"officeHours/{COURSE}/served").get() or {}
    mine = [s for s in served.values() if s["joinedAt"] and s["takenAt"] and s["doneAt"]]
    assert mine and all(s["doneAt"] - s["takenAt"] >= 1_000 for s in mine[-1:])

    # the first learner joins again: behind the second, with an estimate from that service
    join(first, "And the hosting rewrites?")
    expect(first.locator("#oh-position")).to_have_text("You are 2nd in line")
    expect(first.locator("#oh-wait")).to_have_text(re.compile(r"^about \d+ min$"))

    # the second learner closes the page: the server removes their entry
    context.close()
    queue = lambda: admin_db.child(f"officeHours/{COURSE}/queue").get(shallow=True) or {}  # noqa: E731
    wait_until(lambda: second_uid not in queue(), timeout=10, what="the onDisconnect removal")
    expect(first.locator("#oh-position")).to_have_text("You are 1st in line", timeout=LIVE)
    expect(entries).to_have_count(1, timeout=LIVE)

    # the instructor closes the session: the queue goes with it
    block.locator('[data-act="close"]').click()
    expect(first.locator("#office-hours")).to_have_attribute("data-state", "closed", timeout=LIVE)
    expect(block).to_have_attribute("data-state", "closed", timeout=LIVE)
    assert queue() == {}
