"""Lesson media end to end: no public media, signed URLs from media_url for the entitled,
refusals in words for the rest, Range seeking, captions, and renewal of an expired URL.

The stack is the one `serve` runs, with the media store it starts and fills with the demo
lessons' encoded media; the page is the built lesson page in Debian's Chromium.
"""

from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request
import uuid

import pytest
from google.cloud import storage
from google.cloud.storage import _signing
from google.oauth2 import service_account
from playwright.sync_api import Page, expect

from tests.e2e.conftest import User, open_signed_in
from tools.encoding import object_name
from tools.project import load_courses

pytestmark = pytest.mark.e2e
WAIT = 15_000


def lesson_url(stack, course: str, lesson: str) -> str:
    return f"{stack.hosting_url}/course/{course}/lesson/{lesson}.html"


def media_responses(page: Page, stack) -> list[tuple[str, int]]:
    seen: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda r: seen.append((r.url, r.status)) if r.url.startswith(stack.media_url) else None,
    )
    return seen


def wait_playable(page: Page) -> None:
    expect(page.locator("#scrubber")).to_have_attribute("data-ready", "1", timeout=WAIT)


def test_no_lesson_media_is_public(local_stack) -> None:
    assert not (local_stack.dist / "media").exists()
    url = f"{local_stack.hosting_url}/media/serverless-101/l02.webm"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(url, timeout=10).read()
    assert err.value.code == 404
    bucket = f"{local_stack.media_url}/{local_stack.media.bucket}"
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(f"{bucket}/{object_name('serverless-101', 'l02', '360p.webm')}")
    assert err.value.code == 403


def test_enrolled_learner_plays_seeks_by_range_with_captions(
    users: dict[str, User], local_stack
) -> None:
    page = users["learner"].page
    seen = media_responses(page, local_stack)
    open_signed_in(page, lesson_url(local_stack, "serverless-101", "l02"), "learner@nimbus.test")
    wait_playable(page)
    src = page.eval_on_selector("#video", "v => v.currentSrc")
    assert src.startswith(
        f"{local_stack.media_url}/{local_stack.media.bucket}/serverless-101/l02/360p.webm?"
    )
    assert "X-Goog-Signature=" in src and "X-Goog-Expires=900" in src
    state = page.evaluate(
        """async () => {
          const v = document.getElementById('video');
          const seeked = new Promise(ok => v.addEventListener('seeked', ok, {once: true}));
          v.currentTime = 15;
          await seeked;
          const track = v.querySelector('track');
          track.track.mode = 'showing';
          if (track.readyState !== 2) {
            await new Promise(ok => track.addEventListener('load', ok, {once: true}));
          }
          return {time: v.currentTime, controls: v.controls, duration: v.duration,
                  cues: Array.from(track.track.cues).map(c => c.text)};
        }"""
    )
    assert state["time"] == pytest.approx(15, abs=0.5)
    # The player's own controls, not the native ones.
    assert state["controls"] is False and state["duration"] == pytest.approx(20, abs=0.3)
    transcript = load_courses()["serverless-101"]["lessons"]["l02"]["transcript"]
    assert state["cues"] == [cue["text"] for cue in transcript]
    assert any(status == 206 for url, status in seen if "360p.webm" in url), seen
    page.wait_for_function("() => document.getElementById('video').poster !== ''", timeout=WAIT)
    poster = page.eval_on_selector("#video", "v => v.poster")
    assert "/serverless-101/l02/poster.jpg?" in poster and "X-Goog-Signature=" in poster
    assert any(url == poster and status == 200 for url, status in seen), seen
    expect(page.locator("#player-message")).to_be_hidden()
    assert users["learner"].watch.page_errors == []


def test_not_enrolled_is_told_to_buy(users: dict[str, User], local_stack) -> None:
    page = users["learner"].page
    open_signed_in(page, lesson_url(local_stack, "realtime-forums", "l02"), "learner@nimbus.test")
    expect(page.locator("#player-message")).to_have_text(
        "Buy the course to watch this lesson.", timeout=WAIT
    )
    assert page.eval_on_selector("#video", "v => v.getAttribute('src')") is None


def test_signed_out_sign_in_for_paid_and_previews_play(users: dict[str, User], local_stack) -> None:
    page = users["instructor"].page  # a fresh context, never signed in
    page.goto(lesson_url(local_stack, "thick-front-ends", "l02"))
    expect(page.locator("#player-message")).to_have_text(
        "Sign in to watch this lesson.", timeout=WAIT
    )
    page.goto(lesson_url(local_stack, "thick-front-ends", "l01"))  # the course's free preview
    wait_playable(page)
    expect(page.locator("#player-message")).to_be_hidden()


def test_an_expired_url_is_renewed_at_the_same_second(
    users: dict[str, User], local_stack, monkeypatch
) -> None:
    page = users["learner"].page
    seen = media_responses(page, local_stack)
    open_signed_in(page, lesson_url(local_stack, "serverless-101", "l03"), "learner@nimbus.test")
    wait_playable(page)
    first = page.eval_on_selector("#video", "v => v.currentSrc")
    # A URL signed an hour ago for 15 minutes, as the page's would be after a long pause.
    monkeypatch.setattr(
        _signing, "_NOW", lambda tz=None: dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    creds = service_account.Credentials.from_service_account_file(str(local_stack.media.signer))
    blob = storage.Blob(
        object_name("serverless-101", "l03", "360p.webm"),
        storage.Client(project="demo-nimbus", credentials=creds).bucket(local_stack.media.bucket),
    )
    expired = blob.generate_signed_url(
        version="v4", expiration=900, credentials=creds, api_access_endpoint=local_stack.media_url
    )
    page.evaluate(
        "url => { const v = document.getElementById('video'); v.src = url; v.currentTime = 12; }",
        expired,
    )
    # The fresh URL may equal the first one (signed within the same second): what matters is
    # that the element left the refused URL and loaded again.
    page.wait_for_function(
        "bad => { const v = document.getElementById('video');"
        " return v.currentSrc !== bad && v.readyState >= 1; }",
        arg=expired,
        timeout=WAIT,
    )
    assert page.eval_on_selector("#video", "v => v.currentSrc").startswith(first.split("?")[0])
    assert page.eval_on_selector("#video", "v => v.currentTime") == pytest.approx(12, abs=0.5)
    assert (expired, 400) in seen  # the store refused it as Cloud Storage does (ExpiredToken)
    refused_at = seen.index((expired, 400))
    assert any(status in (200, 206) for _, status in seen[refused_at + 1 :]), seen
    expect(page.locator("#player-message")).to_be_hidden()


def video(page: Page, expr: str):
    return page.eval_on_selector("#video", f"v => {expr}")


def test_keyboard_speed_captions_and_quality(users: dict[str, User], local_stack) -> None:
    page = users["learner"].page
    url = lesson_url(local_stack, "serverless-101", "l04")
    open_signed_in(page, url, "learner@nimbus.test")
    wait_playable(page)
    announce = page.locator("#player-announce")
    page.locator("h1").click()  # focus on the page, not in a form field
    page.keyboard.press("l")
    assert video(page, "v.currentTime") == pytest.approx(10, abs=0.3)
    expect(announce).to_have_text("At 0:10")
    page.keyboard.press("ArrowLeft")
    assert video(page, "v.currentTime") == pytest.approx(5, abs=0.3)
    page.keyboard.press("j")
    assert video(page, "v.currentTime") == pytest.approx(0, abs=0.3)
    page.keyboard.press("Shift+>")
    assert video(page, "v.playbackRate") == 1.25
    expect(page.locator("#speed")).to_have_value("1.25")
    expect(announce).to_have_text("Speed 1.25×")
    page.keyboard.press("c")
    assert video(page, "v.querySelector('track').track.mode") == "showing"
    expect(page.locator("#captions-toggle")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("m")
    assert video(page, "v.muted") is True
    page.keyboard.press("k")
    page.wait_for_function("() => !document.getElementById('video').paused", timeout=WAIT)
    page.keyboard.press("k")
    assert video(page, "v.paused") is True
    # Typing in the ask form is never a shortcut.
    page.fill("#ask-title", "jklm")
    assert video(page, "v.muted") is True and video(page, "v.playbackRate") == 1.25

    # A manual quality keeps the place; the speed is remembered on the next lesson page.
    page.locator("h1").click()
    page.keyboard.press("l")
    page.select_option("#quality", "180p")
    page.wait_for_function(
        "() => document.getElementById('video').currentSrc.includes('/180p.webm?')", timeout=WAIT
    )
    wait_playable(page)
    assert video(page, "v.currentTime") == pytest.approx(10, abs=0.5)
    page.goto(lesson_url(local_stack, "serverless-101", "l03"))
    wait_playable(page)
    expect(page.locator("#speed")).to_have_value("1.25")
    assert video(page, "v.playbackRate") == 1.25
    assert users["learner"].watch.page_errors == []


def test_own_controls_seek_bar_markers_mute_and_full_screen(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """The controls are buttons and a range input, labelled and keyboard reachable; the
    question markers sit on the seek bar."""
    page = users["learner"].page
    open_signed_in(page, lesson_url(local_stack, "serverless-101", "l01"), "learner@nimbus.test")
    wait_playable(page)
    seek = page.locator("#seek")
    expect(seek).to_be_enabled()
    # The seek bar: Home, arrows (5 s) when focused, and a click where the learner points.
    seek.focus()
    page.keyboard.press("Home")
    expect(seek).to_have_attribute("aria-valuetext", "0:00 of 0:20")
    expect(page.locator("#time-display")).to_have_text("0:00 / 0:20")
    page.keyboard.press("ArrowRight")
    assert video(page, "v.currentTime") == pytest.approx(5, abs=0.3)
    expect(seek).to_have_attribute("aria-valuetext", "0:05 of 0:20")
    expect(page.locator("#time-display")).to_have_text("0:05 / 0:20")
    box = seek.bounding_box()
    assert box is not None
    seek.click(position={"x": box["width"] * 0.75, "y": box["height"] / 2})
    assert video(page, "v.currentTime") == pytest.approx(15, abs=1.5)
    page.keyboard.press("Home")
    assert video(page, "v.currentTime") == pytest.approx(0, abs=0.3)

    # A question pinned to 0:12 puts its marker on the bar, at 12/20 of it; it seeks there.
    title = f"What happens at 0:12? {uuid.uuid4().hex[:6]}"
    page.evaluate("document.getElementById('video').currentTime = 12")
    expect(page.locator("#ask-second")).to_have_text("0:12")
    page.fill("#ask-title", title)
    page.fill("#ask-body", "Where the marker should be.")
    page.locator("#ask-pin").set_checked(True)
    page.click("#ask-submit")
    expect(page.locator("#ask-title")).to_have_value("", timeout=WAIT)  # posted
    card = page.locator("#questions .question", has_text=title)
    expect(card).to_have_count(1, timeout=WAIT)
    qid = card.get_attribute("data-key")
    try:
        marker = page.locator(f'#scrubber .marker[data-key="{qid}"]')
        expect(marker).to_be_visible(timeout=WAIT)
        expect(marker).to_have_attribute("aria-label", "Seek to 0:12: " + title)
        assert marker.evaluate("m => m.style.left") == "60%"
        seek.focus()
        page.keyboard.press("Home")
        marker.click()
        assert video(page, "v.currentTime") == pytest.approx(12, abs=0.3)
    finally:
        admin_db.child(f"forum/serverless-101/questions/{qid}").delete()

    # Play/pause: the button's name says what it does next.
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function("() => !document.getElementById('video').paused", timeout=WAIT)
    expect(page.locator("#play-toggle")).to_have_attribute("aria-label", "Pause")
    page.get_by_role("button", name="Pause", exact=True).click()
    assert video(page, "v.paused") is True
    # Mute: a toggle button, and "m" is the same toggle.
    mute = page.get_by_role("button", name="Mute", exact=True)
    mute.click()
    assert video(page, "v.muted") is True
    expect(mute).to_have_attribute("aria-pressed", "true")
    page.locator("h1").click()
    page.keyboard.press("m")
    assert video(page, "v.muted") is False
    expect(mute).to_have_attribute("aria-pressed", "false")
    # Full screen: the frame with the controls; the button's words follow.
    full = page.locator("#fullscreen-toggle")
    expect(full).to_have_text("Full screen")
    full.click()
    page.wait_for_function(
        "() => document.fullscreenElement === document.getElementById('player-frame')",
        timeout=WAIT,
    )
    expect(full).to_have_text("Exit full screen")
    expect(page.locator("#controls")).to_be_visible()
    page.keyboard.press("f")  # YouTube's key leaves it too
    page.wait_for_function("() => document.fullscreenElement === null", timeout=WAIT)
    expect(full).to_have_text("Full screen")
    # Every control is reachable by Tab, in order, from the seek bar (on its own row, first;
    # the question markers, buttons without ids, come next).
    seek.focus()
    order = []
    for _ in range(40):
        order.append(page.evaluate("() => document.activeElement.id"))
        if order[-1] == "fullscreen-toggle":
            break
        page.keyboard.press("Tab")
    assert [i for i in order if i] == [
        "seek", "play-toggle", "mute-toggle", "speed", "captions-toggle", "quality",
        "fullscreen-toggle",
    ], order  # fmt: skip
    assert users["learner"].watch.page_errors == []
