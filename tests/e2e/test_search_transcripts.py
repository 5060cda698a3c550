"""Transcript hits in the header's search box, end to end in Chromium (issue 13 item 2): the
seeded lessons' transcripts are indexed by moment (the seed's backfill, as serve does); a
moment shows as "at 0:11 in <lesson>" with its cue's words marked, and choosing it opens the
lesson with the video at that second."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import User, open_signed_in
from tests.e2e.test_search import COURSE

pytestmark = pytest.mark.e2e
LIVE = 5_000


def test_a_transcript_moment_is_found_and_opens_the_lesson_at_its_second(
    users: dict[str, User], local_stack
) -> None:
    page = users["learner"].page
    open_signed_in(page, f"{local_stack.hosting_url}/course/{COURSE}.html", "learner@nimbus.test")
    box = page.locator("#search-input")
    box.press_sequentially("provider runs", delay=30)
    moment = page.locator('#search-results [role=option][data-moment="1"]')
    expect(moment.first).to_be_visible(timeout=LIVE)
    hit = moment.filter(has_text="at 0:11 in What serverless really means")
    expect(hit).to_have_count(1)
    expect(hit.locator(".search-snippet")).to_have_text(
        "The provider runs your function when an event arrives and stops it after."
    )
    expect(hit.locator(".search-snippet mark").first).to_have_text("provider")
    options = page.locator("#search-results [role=option]")
    index = int(hit.get_attribute("id").rsplit("-", 1)[1])
    for _ in range(index + 1):
        box.press("ArrowDown")
    expect(options.nth(index)).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    page.wait_for_url("**/lesson/l01.html#t=11")
    page.wait_for_function(
        "() => { const v = document.querySelector('#video');"
        " return v && v.readyState >= 1 && Math.abs(v.currentTime - 11) < 0.5; }",
        timeout=30_000,
    )
    assert users["learner"].watch.page_errors == []
