"""The confusion map in two browsers: a learner taps "I'm lost here" at the video's current
second; the rules take one tap per user per bucket (a second one, after a reload, is refused
and said in words); the instructor's lesson page shows the mark on the scrubber's heat strip
live, and the console lists the lesson's hottest moment."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import User, open_signed_in

pytestmark = pytest.mark.e2e
LIVE = 5_000
COURSE, LESSON = "serverless-101", "l04"


def test_lost_here_is_taken_once_per_bucket_and_heats_the_strip(
    users: dict[str, User], local_stack, admin_db
) -> None:
    admin_db.child(f"confusion/{COURSE}/{LESSON}").delete()
    learner, instructor = users["learner"].page, users["instructor"].page
    url = f"{local_stack.hosting_url}/course/{COURSE}/lesson/{LESSON}.html"
    open_signed_in(instructor, url, "instructor@nimbus.test")
    strip = instructor.locator("#heat-strip")
    expect(strip).to_be_attached(timeout=LIVE)
    expect(instructor.locator('#heat-strip .heat[data-bucket="0"]')).to_have_count(0)

    open_signed_in(learner, url, "learner@nimbus.test")
    expect(learner.locator("#lost-here")).to_be_visible(timeout=LIVE)
    expect(learner.locator("#heat-strip")).to_be_hidden()  # staff only
    learner.click("#lost-here")  # at 0 s: the first bucket
    expect(learner.locator("#lost-status")).to_contain_text("Marked 0:00–0:10", timeout=LIVE)
    taps = admin_db.child(f"confusion/{COURSE}/{LESSON}/0").get()
    assert taps is not None and len(taps) == 1

    mark = instructor.locator('#heat-strip .heat[data-bucket="0"]')
    expect(mark).to_have_attribute("data-count", "1", timeout=LIVE)
    expect(mark).to_have_attribute("aria-label", "0:00–0:10: 1 lost")

    learner.reload()  # the page forgets; the rules do not
    expect(learner.locator("#lost-here")).to_be_visible(timeout=30_000)
    learner.click("#lost-here")
    expect(learner.locator("#lost-status")).to_have_text(
        "You already marked 0:00–0:10.", timeout=LIVE
    )
    assert len(admin_db.child(f"confusion/{COURSE}/{LESSON}/0").get()) == 1

    instructor.goto(f"{local_stack.hosting_url}/console.html")
    moment = instructor.locator(f'#hot-list .hot-lesson[data-lesson="{COURSE}/{LESSON}"]')
    expect(moment).to_contain_text("0:00–0:10 (1 lost", timeout=15_000)
    expect(instructor.locator("#hot-moments")).to_be_visible()
