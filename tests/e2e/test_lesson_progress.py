"""Resume and progress end to end (issue 12 item 6): an enrolled learner plays a lesson, the
player saves the place and the seconds actually played (throttled while playing, and on
pause and page hide), a reload resumes at the place, 90 % watched completes the lesson,
and the course page shows each lesson's progress and "Continue where you left off".

The stack is the one `serve` runs; the page is the built site in Debian's Chromium; the
records are read back with firebase-admin, so what the test checks is what the rules let
the browser write.
"""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import User, open_signed_in
from tests.e2e.test_lesson_media import lesson_url, media_responses, wait_playable
from tools.testing.stacks import new_account
from tools.testing.waiting import wait_until

pytestmark = pytest.mark.e2e
COURSE = "serverless-101"
WAIT = 15_000


def video(page: Page, expr: str):
    return page.eval_on_selector("#video", f"v => {expr}")


def play_until(page: Page, second: float, rate: float = 1) -> None:
    """Play (muted) at ``rate`` until the video's clock reaches ``second`` (or the end)."""
    page.evaluate(
        """async ([second, rate]) => {
          const v = document.getElementById('video');
          v.muted = true;
          v.playbackRate = rate;
          await v.play();
          await new Promise(ok => {
            const tick = () => (v.currentTime >= second || v.ended) ? ok()
                                                                 : setTimeout(tick, 20);
            tick();
          });
        }""",
        [second, rate],
    )


def seek(page: Page, second: float) -> None:
    page.evaluate(
        """async second => {
          const v = document.getElementById('video');
          const done = new Promise(ok => v.addEventListener('seeked', ok, {once: true}));
          v.currentTime = second;
          await done;
        }""",
        second,
    )


def play_to_end(page: Page, rate: float = 2) -> None:
    page.evaluate(
        """async rate => {
          const v = document.getElementById('video');
          v.muted = true;
          v.playbackRate = rate;
          const ended = new Promise(ok => v.addEventListener('ended', ok, {once: true}));
          await v.play();
          await ended;
        }""",
        rate,
    )


def test_progress_is_saved_resumed_completed_and_shown(
    users: dict[str, User], local_stack, admin_db
) -> None:
    email, uid = new_account(local_stack, "watcher")
    admin_db.child(f"enrollments/{uid}/{COURSE}").set(True)
    record = lambda lid: admin_db.child(f"progress/{uid}/{COURSE}/{lid}").get()  # noqa: E731
    page = users["learner"].page
    open_signed_in(page, lesson_url(local_stack, COURSE, "l02"), email)
    wait_playable(page)

    # 3 s played, a jump from 3 to 10 (not watching), 3 s more; then the page is left
    # after ~6 s of playing, before any throttled save: only the page-hide save has it.
    play_until(page, 3)
    seek(page, 10)
    play_until(page, 13)
    assert record("l02") is None
    seen = media_responses(page, local_stack)
    page.reload()
    saved = wait_until(lambda: record("l02"), timeout=10, what="the page-hide save")
    assert saved["position"] == pytest.approx(13, abs=0.8)
    assert saved["watched"] == pytest.approx(6, abs=0.8)
    assert saved["duration"] == pytest.approx(20, abs=0.3)
    assert saved["complete"] is False
    assert abs(saved["updatedAt"] - time.time() * 1000) < 60_000  # the server's clock

    # The reload resumes at the saved place, paused.
    wait_playable(page)
    page.wait_for_function("() => document.getElementById('video').currentTime > 12", timeout=WAIT)
    assert video(page, "v.currentTime") == pytest.approx(saved["position"], abs=0.3)
    assert video(page, "v.paused") is True
    assert any(status == 206 for url, status in seen if ".webm?" in url), seen  # by Range

    # Playing on to the end: the skipped seconds still do not count, so not complete.
    play_to_end(page)
    ended = wait_until(
        lambda: (r := record("l02")) and r["position"] > 19 and r, timeout=10, what="end save"
    )
    assert ended["watched"] == pytest.approx(13, abs=1.2) and ended["complete"] is False

    # Reopened at the end, it starts over; watched from the start it completes (>= 90 %),
    # with a throttled save on the way while playing.
    page.reload()
    wait_playable(page)
    assert video(page, "v.currentTime") < 0.5
    play_until(page, 11)
    throttled = wait_until(
        lambda: (r := record("l02")) and r["position"] < 19 and r, timeout=5, what="throttled"
    )
    assert video(page, "v.paused") is False  # saved while playing, not on a pause
    assert 9 <= throttled["position"] <= 12
    play_to_end(page)
    done = wait_until(
        lambda: (r := record("l02")) and r["complete"] and r, timeout=10, what="complete"
    )
    assert done["watched"] >= 0.9 * done["duration"]

    # A second lesson, a little of it: the pause saves it.
    page.goto(lesson_url(local_stack, COURSE, "l03"))
    wait_playable(page)
    play_until(page, 2.5)
    page.evaluate("() => document.getElementById('video').pause()")
    wait_until(lambda: record("l03"), timeout=10, what="the pause save")

    # The course page: Completed, a share watched, nothing for unopened lessons, and
    # Continue to the latest incomplete lesson.
    page.goto(f"{local_stack.hosting_url}/course/{COURSE}.html")
    row = lambda lid: page.locator(f'#lessons li[data-key="{lid}"] .lesson-progress')  # noqa: E731
    expect(row("l02")).to_have_attribute("data-state", "complete", timeout=WAIT)
    expect(row("l02")).to_have_text("✓ Completed")
    expect(row("l03")).to_have_attribute("data-state", "partial")
    share = int(100 * record("l03")["watched"] / record("l03")["duration"])
    expect(row("l03")).to_have_text(f"{share} % watched")
    expect(row("l04")).to_have_attribute("data-state", "none")
    expect(row("l04")).to_have_text("")
    link = page.locator("#continue-lesson a")
    expect(link).to_contain_text("Continue where you left off: Single-purpose stateless")
    link.click()
    page.wait_for_url("**/lesson/l03.html")
    wait_playable(page)
    page.wait_for_function("() => document.getElementById('video').currentTime > 1", timeout=WAIT)
    assert video(page, "v.currentTime") == pytest.approx(record("l03")["position"], abs=0.3)
    assert users["learner"].watch.page_errors == []


def test_signed_out_visitors_see_no_progress(users: dict[str, User], local_stack) -> None:
    page = users["instructor"].page  # a fresh context, never signed in
    page.goto(f"{local_stack.hosting_url}/course/{COURSE}.html")
    expect(page.locator("#account")).to_have_attribute("data-state", "signed-out", timeout=WAIT)
    expect(page.locator("#lessons li").first).to_be_visible()
    assert page.locator(".lesson-progress").count() == 0
    expect(page.locator("#continue-lesson")).to_be_hidden()
