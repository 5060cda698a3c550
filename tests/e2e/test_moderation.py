"""Moderation in two browsers (issue 15): staff actions leave their audit entries, which
the console shows live; the rules refuse the action without one (tests/rules covers every
forged or missing entry, here: what the app sends is what the rules want)."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import User, open_signed_in
from tests.e2e.test_console import LIVE, ask, console_url, lesson_url
from tools.testing.waiting import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def _fresh_posting_window(local_stack, admin_db):
    """These tests post several times a minute as the session's one learner: afterwards
    their rate-limit window and slow-mode stamp go, so later tests start with a full one."""
    yield
    from firebase_admin import auth

    from tools.seed import admin_app

    uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    admin_db.update({f"rateLimits/{uid}": None, f"slowStamps/thick-front-ends/{uid}": None})


def test_staff_actions_from_the_console_appear_in_its_audit_trail(
    users: dict[str, User], local_stack, admin_db
) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    open_signed_in(
        learner, lesson_url(local_stack, "thick-front-ends", "l01"), "learner@nimbus.test"
    )
    open_signed_in(instructor, console_url(local_stack), "instructor@nimbus.test")
    expect(instructor.locator("#console")).to_have_attribute("data-state", "live", timeout=LIVE)
    panel = instructor.locator("#console-audit")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("data-state", "live", timeout=LIVE)
    before = instructor.locator("#console-audit .audit-entry").count()

    title = f"Audit me {uuid.uuid4().hex[:6]}"
    ask(learner, title)
    item = instructor.locator("#queue > .question", has_text=title)
    expect(item).to_have_count(1, timeout=LIVE)
    item.locator("summary").click()
    item.locator('.q-tools [data-act="pin"]').click()
    mine = learner.locator("#questions > .question", has_text=title)
    expect(mine).to_have_attribute("data-pinned", "", timeout=LIVE)

    entries = instructor.locator("#console-audit .audit-entry")
    expect(entries).to_have_count(before + 1, timeout=LIVE)
    newest = entries.first
    expect(newest).to_have_attribute("data-action", "pinned")
    expect(newest).to_contain_text("pinned a question")
    expect(newest).to_contain_text("Thick Front Ends")
    expect(newest.locator('[data-field="by"]')).not_to_have_text("")

    item.locator('.q-tools [data-act="pin"]').click()  # unpin: a second entry
    expect(mine).not_to_have_attribute("data-pinned", "", timeout=LIVE)
    expect(entries).to_have_count(before + 2, timeout=LIVE)
    expect(entries.first).to_contain_text("unpinned a question")

    qid = item.get_attribute("data-key").split("/")[1]
    trail = admin_db.child("audit/thick-front-ends").get() or {}
    target = f"forum/thick-front-ends/questions/{qid}"
    mine_entries = [e for e in trail.values() if e.get("target") == target]
    assert sorted(e["value"] for e in mine_entries) == [False, True], mine_entries
    assert len({e["by"] for e in mine_entries}) == 1


def test_reports_up_to_the_threshold_hold_a_post_for_review_and_staff_dismiss_them(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """Two members have reported a question already; the learner's report, from the lesson
    page, is the REPORTS_TO_HIDE-th: the post is held for review (gone from the learner's
    page), the console's Reported filter shows its count and reasons, and Dismiss (audited)
    brings it back."""
    import time

    from app.model.limits import REPORTS_TO_HIDE

    assert REPORTS_TO_HIDE == 3  # the two seeded reports below plus the learner's
    qid = "-Nreport" + uuid.uuid4().hex[:12]
    title = f"Buy cheap followers {qid[-6:]}"
    course = "thick-front-ends"
    post = f"forum/{course}/questions/{qid}"
    now = int(time.time() * 1000)
    admin_db.update(
        {
            post: {"uid": "spammer-uid", "authorName": "Spammy", "title": title,
                   "body": "Click here.", "createdAt": now, "score": 0, "lessonId": "l01",
                   "reportCount": 2},
            f"reports/{course}/{qid}/{qid}/member-a": {"reason": "spam", "createdAt": now},
            f"reports/{course}/{qid}/{qid}/member-b": {"reason": "spam", "createdAt": now,
                                                       "note": "Links to a shop."},
        }
    )  # fmt: skip
    try:
        learner, instructor = users["learner"].page, users["instructor"].page
        open_signed_in(learner, lesson_url(local_stack, course, "l01"), "learner@nimbus.test")
        card = learner.locator("#questions > .question", has_text=title)
        expect(card).to_be_visible(timeout=LIVE)
        card.locator("summary").click()
        card.locator('.q-detail [data-act="report"]').first.click()
        form = card.locator(".report-form").first
        form.locator(".report-reason").select_option("abusive")
        form.locator(".report-note").fill("Not about the lesson at all.")
        form.locator("button[type=submit]").click()
        expect(card).to_be_hidden(timeout=LIVE)  # held for review: not shown to members
        held = admin_db.child(post).get()
        assert held["reportCount"] == 3 and held["pendingReview"] is True, held

        open_signed_in(instructor, console_url(local_stack), "instructor@nimbus.test")
        expect(instructor.locator("#console")).to_have_attribute("data-state", "live",
                                                                 timeout=LIVE)  # fmt: skip
        instructor.select_option("#console-show", "reported")
        item = instructor.locator("#queue > .question", has_text=title)
        expect(item).to_be_visible(timeout=LIVE)
        row = item.locator(".queue-report")
        expect(row).to_contain_text("This question — 3 reports: Spam ×2, Abusive")
        expect(row).to_contain_text("Not about the lesson at all.")
        row.locator('[data-act="dismiss"]').click()
        expect(item).to_be_hidden(timeout=LIVE)  # no longer reported
        expect(instructor.locator("#console-audit .audit-entry").first).to_contain_text(
            "dismissed the reports of a question", timeout=LIVE
        )
        expect(card).to_be_visible(timeout=LIVE)  # back for the learner, live
        after = admin_db.child(post).get()
        assert "reportCount" not in after and "pendingReview" not in after, after
        assert admin_db.child(f"reports/{course}/{qid}").get() is None
    finally:
        admin_db.update({post: None, f"reports/{course}/{qid}": None})


def test_a_muted_learner_is_told_why_and_until_when_and_keeps_the_draft(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """The instructor mutes a question's author from the console (reason, one day): the
    rules refuse the learner's next question and the ask form says why and until when,
    keeping the draft; once lifted, the same draft posts."""
    from firebase_admin import auth

    from tools.seed import admin_app

    course = "thick-front-ends"
    uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    record = admin_db.child(f"moderation/{course}/{uid}")
    learner, instructor = users["learner"].page, users["instructor"].page
    try:
        open_signed_in(learner, lesson_url(local_stack, course, "l01"), "learner@nimbus.test")
        open_signed_in(instructor, console_url(local_stack), "instructor@nimbus.test")
        expect(instructor.locator("#console")).to_have_attribute("data-state", "live",
                                                                 timeout=LIVE)  # fmt: skip
        title = f"Mute me {uuid.uuid4().hex[:6]}"
        ask(learner, title)
        item = instructor.locator("#queue > .question", has_text=title)
        expect(item).to_have_count(1, timeout=LIVE)
        tool = item.locator(".restrict-tool")
        tool.locator('[data-act="restrict"]').click()
        tool.locator(".restrict-reason").fill("Posting links to a shop")
        tool.locator(".restrict-for").select_option("day")
        tool.locator('[data-act="mute"]').click()
        expect(tool.locator(".restrict-state")).to_contain_text("Author: muted until",
                                                                timeout=LIVE)  # fmt: skip
        stored = record.get()
        assert stored["kind"] == "mute" and stored["reason"] == "Posting links to a shop"
        assert stored["until"] > stored["at"] + 23 * 3600 * 1000, stored  # one day, whole
        expect(instructor.locator("#console-audit .audit-entry").first).to_contain_text(
            "muted a learner", timeout=LIVE
        )
        expect(learner.locator("#ask-form .slow-note")).to_contain_text(
            "The course staff muted you in this course: Posting links to a shop. It ends",
            timeout=LIVE,
        )  # said before the learner writes anything

        draft = f"Still here {uuid.uuid4().hex[:6]}?"
        learner.fill("#ask-title", draft)
        learner.fill("#ask-body", "Can I still ask?")
        learner.click("#ask-submit")
        error = learner.locator("#ask-error")
        expect(error).to_contain_text(
            "The course staff muted you in this course: Posting links to a shop. It ends",
            timeout=LIVE,
        )
        expect(learner.locator("#ask-title")).to_have_value(draft)  # the draft stays
        expect(learner.locator("#questions > .question", has_text=draft)).to_have_count(0)

        tool.locator('[data-act="lift"]').click()
        expect(tool.locator(".restrict-state")).to_have_text("", timeout=LIVE)
        assert record.get() is None
        learner.click("#ask-submit")
        expect(learner.locator("#questions > .question", has_text=draft)).to_have_count(
            1, timeout=LIVE
        )
    finally:
        record.delete()


def test_slow_mode_counts_down_in_the_ask_form_and_the_rules_refuse_a_post_too_soon(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """The instructor turns on slow mode (one post every 30 s) from the console: the
    learner's ask form says so, counts down after a question, and a second one within the
    30 s is refused in words with the draft kept."""
    import time

    from firebase_admin import auth

    from tools.seed import admin_app

    course = "thick-front-ends"
    uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    # the session's other tests posted as this learner moments ago: their last post, a
    # minute back, leaves this test's first question free to go
    admin_db.child(f"slowStamps/{course}/{uid}").set({"at": int(time.time() * 1000) - 60_000})
    learner, instructor = users["learner"].page, users["instructor"].page
    try:
        open_signed_in(instructor, console_url(local_stack), "instructor@nimbus.test")
        expect(instructor.locator("#console")).to_have_attribute("data-state", "live",
                                                                 timeout=LIVE)  # fmt: skip
        control = instructor.locator(f'.slow-control[data-course="{course}"] select')
        control.select_option("30")
        expect(instructor.locator("#console-audit .audit-entry").first).to_contain_text(
            "changed the slow mode of the course", timeout=LIVE
        )
        assert admin_db.child(f"slowMode/{course}/course").get() == 30

        open_signed_in(learner, lesson_url(local_stack, course, "l01"), "learner@nimbus.test")
        note = learner.locator("#ask-form .slow-note")
        expect(note).to_contain_text("Slow mode: one post every 30 s in this course.",
                                     timeout=LIVE)  # fmt: skip
        ask(learner, f"Slow one {uuid.uuid4().hex[:6]}")
        expect(note).to_contain_text("You can post again in", timeout=LIVE)
        first = int(note.inner_text().split("again in ")[1].split(" s")[0])
        assert 20 <= first <= 30, first
        learner.wait_for_timeout(2_000)
        later = int(note.inner_text().split("again in ")[1].split(" s")[0])
        assert later < first  # it counts down

        draft = f"Too soon {uuid.uuid4().hex[:6]}"
        learner.fill("#ask-title", draft)
        learner.fill("#ask-body", "Another one?")
        learner.click("#ask-submit")
        expect(learner.locator("#ask-error")).to_contain_text(
            "Slow mode: one post every 30 s in this course. You can post again in", timeout=LIVE
        )
        expect(learner.locator("#ask-title")).to_have_value(draft)
    finally:
        admin_db.child(f"slowMode/{course}").delete()


def test_a_questions_own_slow_mode_from_its_staff_tools_counts_down_in_its_answer_form(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """The instructor sets one thread's slow mode (one post every 30 s) from the question's
    staff tools on the lesson page (audited): the learner's answer form under that question
    says so and counts down, an answer too soon is refused in words with the draft kept,
    and the thread's slow mode alone holds (the course is not slowed)."""
    import time

    from firebase_admin import auth

    from tools.seed import admin_app

    course = "thick-front-ends"
    uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    stamp = admin_db.child(f"slowStamps/{course}/{uid}")
    stamp.set({"at": int(time.time() * 1000) - 60_000})
    learner, instructor = users["learner"].page, users["instructor"].page
    url = lesson_url(local_stack, course, "l01")
    title = f"Slow thread {uuid.uuid4().hex[:6]}"
    try:
        open_signed_in(learner, url, "learner@nimbus.test")
        ask(learner, title)
        qid = learner.locator("#questions > .question", has_text=title).get_attribute("data-key")
        assert qid

        open_signed_in(instructor, url, "instructor@nimbus.test")
        staff_card = instructor.locator("#questions > .question", has_text=title)
        expect(staff_card).to_have_count(1, timeout=LIVE)
        staff_card.locator("summary").click()
        control = staff_card.locator('.q-tools [data-act="slow"]')
        expect(control).to_be_visible()
        expect(control).to_have_value("0")
        control.select_option("30")
        wait_until(lambda: admin_db.child(f"slowMode/{course}/questions/{qid}").get() == 30,
                   timeout=LIVE / 1000, what="the thread's slow mode stored")  # fmt: skip
        target = f"slowMode/{course}/questions/{qid}"
        trail = (admin_db.child(f"audit/{course}").get() or {}).values()
        assert any(e.get("action") == "slow" and e.get("target") == target for e in trail)
        assert admin_db.child(f"slowMode/{course}/course").get() is None
        expect(staff_card.locator(".answer-form .slow-note")).to_be_hidden()  # staff: not slowed

        card = learner.locator("#questions > .question", has_text=title)
        card.locator("summary").click()
        note = card.locator(".answer-form .slow-note")
        expect(note).to_contain_text(
            "Slow mode: one post every 30 s in this thread. You can post again in", timeout=LIVE
        )
        first = int(note.inner_text().split("again in ")[1].split(" s")[0])
        assert 15 <= first <= 30, first
        learner.wait_for_timeout(2_000)
        later = int(note.inner_text().split("again in ")[1].split(" s")[0])
        assert later < first  # it counts down
        expect(learner.locator("#ask-form .slow-note")).to_be_hidden()  # the course is not slow

        draft = f"Too soon here {uuid.uuid4().hex[:6]}"
        card.locator(".answer-body").fill(draft)
        card.locator('.answer-form button[type="submit"]').click()
        expect(card.locator(".answer-form .form-error")).to_contain_text(
            "Slow mode: one post every 30 s in this thread. You can post again in", timeout=LIVE
        )
        expect(card.locator(".answer-body")).to_have_value(draft)

        # their last post a minute back: the wait is over, the note says only the pace and
        # the same answer goes through
        stamp.set({"at": int(time.time() * 1000) - 60_000})
        expect(note).to_have_text("Slow mode: one post every 30 s in this thread.", timeout=LIVE)
        card.locator('.answer-form button[type="submit"]').click()
        expect(card.locator(".answer", has_text=draft)).to_have_count(1, timeout=LIVE)
        expect(note).to_contain_text("You can post again in", timeout=LIVE)

        control.select_option("0")
        wait_until(lambda: admin_db.child(f"slowMode/{course}/questions/{qid}").get() is None,
                   timeout=LIVE / 1000, what="the thread's slow mode off")  # fmt: skip
        expect(note).to_be_hidden(timeout=LIVE)
    finally:
        admin_db.child(f"slowMode/{course}").delete()


def test_a_banned_learner_reads_why_instead_of_the_forum(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """Banned from the console (until lifted): the rules refuse the learner's forum read,
    and the lesson page says who banned them, why and that it holds until lifted."""
    from firebase_admin import auth

    from tools.seed import admin_app

    course = "thick-front-ends"
    uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    record = admin_db.child(f"moderation/{course}/{uid}")
    learner, instructor = users["learner"].page, users["instructor"].page
    try:
        open_signed_in(learner, lesson_url(local_stack, course, "l01"), "learner@nimbus.test")
        open_signed_in(instructor, console_url(local_stack), "instructor@nimbus.test")
        expect(instructor.locator("#console")).to_have_attribute("data-state", "live",
                                                                 timeout=LIVE)  # fmt: skip
        title = f"Ban me {uuid.uuid4().hex[:6]}"
        ask(learner, title)
        tool = instructor.locator("#queue > .question", has_text=title).locator(".restrict-tool")
        expect(tool).to_have_count(1, timeout=LIVE)
        tool.locator('[data-act="restrict"]').click()
        tool.locator(".restrict-reason").fill("Harassing other learners")
        tool.locator(".restrict-for").select_option("ever")
        tool.locator('[data-act="ban"]').click()
        expect(tool.locator(".restrict-state")).to_contain_text("Author: banned until lifted",
                                                                timeout=LIVE)  # fmt: skip
        assert "until" not in record.get()

        learner.reload()
        expect(learner.locator("#forum-error")).to_have_text(
            "The course staff banned you in this course: Harassing other learners, until "
            "they lift it.",
            timeout=LIVE,
        )
        expect(learner.locator("#questions > .question", has_text=title)).to_have_count(0)
    finally:
        record.delete()
