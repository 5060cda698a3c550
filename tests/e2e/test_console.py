"""The staff console in two browsers: a learner's question reaches the instructor's queue
live, and what the instructor does from the queue reaches the learner's lesson page live.

The console is staff-only in the UI only; a learner who opens it reads why, and no forum
data is shown (the rules still let an enrolled learner read their courses' forums).
"""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import User, open_signed_in

pytestmark = pytest.mark.e2e
LIVE = 5_000


def lesson_url(stack, course: str, lesson: str) -> str:
    return f"{stack.hosting_url}/course/{course}/lesson/{lesson}.html"


def console_url(stack) -> str:
    return f"{stack.hosting_url}/console.html"


def ask(page: Page, title: str, body: str = "How does this work?") -> None:
    page.fill("#ask-title", title)
    page.fill("#ask-body", body)
    page.click("#ask-submit")
    expect(page.locator("#questions > .question", has_text=title)).to_have_count(1, timeout=LIVE)


def waiting(page: Page) -> int:
    return int(page.locator("#console-waiting").inner_text())


def titled(count: int) -> re.Pattern:
    return re.compile(("^" + re.escape(f"({count}) ") if count else "^") + "Console · Nimbus$")


def queue_keys(page: Page) -> list[str]:
    """The visible queue's items, top to bottom."""
    return page.eval_on_selector_all(
        "#queue > .question:not([hidden])", "items => items.map(i => i.dataset.key)"
    )


def test_a_question_reaches_the_console_live_and_staff_act_from_it(
    users: dict[str, User], local_stack
) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    open_signed_in(
        learner, lesson_url(local_stack, "thick-front-ends", "l01"), "learner@nimbus.test"
    )
    open_signed_in(instructor, console_url(local_stack), "instructor@nimbus.test")
    console = instructor.locator("#console")
    expect(console).to_have_attribute("data-state", "live", timeout=LIVE)
    expect(instructor.locator("#console-link")).to_be_visible()
    expect(instructor.locator("#queue [data-skeleton]")).to_have_count(0)
    before = waiting(instructor)
    expect(instructor).to_have_title(titled(before))

    first, second = (f"Console {tag} {uuid.uuid4().hex[:6]}" for tag in ("first", "second"))
    ask(learner, first)
    item = instructor.locator("#queue > .question", has_text=first)
    expect(item).to_have_count(1, timeout=LIVE)
    expect(item).to_have_attribute("data-arrived", "")  # came after the first load: slides in
    expect(item.locator(".queue-course")).to_have_text("Thick Front Ends")
    expect(item.locator(".queue-wait")).to_have_text("waiting just now")
    expect(instructor).to_have_title(titled(before + 1), timeout=LIVE)
    ask(learner, second)
    expect(instructor).to_have_title(titled(before + 2), timeout=LIVE)
    expect(instructor.locator("#console-waiting")).to_have_text(str(before + 2))
    keys = queue_keys(instructor)
    first_key, second_key = (
        instructor.locator("#queue > .question", has_text=t).get_attribute("data-key")
        for t in (first, second)
    )
    assert keys.index(first_key) < keys.index(second_key)  # the longer wait comes first
    option = instructor.locator('#console-course option[value="thick-front-ends"]')
    expect(option).to_contain_text("unanswered")

    # answer from the queue: the learner's lesson shows it, the count goes down
    item.locator("summary").click()
    item.locator(".answer-body").fill("Like this, from the console.")
    item.locator(".answer-form button[type=submit]").click()
    mine = learner.locator("#questions > .question", has_text=first)
    expect(mine.locator(".answer")).to_have_count(1, timeout=LIVE)
    expect(mine.locator(".answer").first).to_have_attribute("data-role", "instructor")
    expect(instructor).to_have_title(titled(before + 1), timeout=LIVE)
    expect(item).to_be_hidden()  # the default filter is "Unanswered"

    instructor.select_option("#console-show", "all")
    expect(item).to_be_visible()
    expect(item.locator(".queue-wait")).to_have_text("answered")
    item.locator(".answer [data-act=endorse]").click()
    expect(mine.locator(".answer").first).to_have_attribute("data-endorsed", "", timeout=LIVE)
    item.locator('.q-tools [data-act="pin"]').click()
    expect(mine).to_have_attribute("data-pinned", "", timeout=LIVE)
    item.locator('.q-tools [data-act="lock"]').click()
    expect(mine).to_have_attribute("data-locked", "", timeout=LIVE)
    mine.locator("summary").click()
    expect(mine.locator(".locked-note")).to_be_visible()
    item.locator('.q-tools [data-act="hide"]').click()
    expect(mine).to_have_attribute("data-hidden", "", timeout=LIVE)  # its author sees it marked
    expect(item).to_be_hidden(timeout=LIVE)  # "All questions" leaves hidden ones out
    instructor.select_option("#console-show", "hidden")
    expect(item).to_be_visible()
    expect(instructor.locator("#console-show option[value=hidden]")).to_contain_text("(")

    # per course: the other course's filter leaves this course's questions out
    instructor.select_option("#console-show", "waiting")
    other = instructor.locator("#queue > .question", has_text=second)
    expect(other).to_be_visible()
    instructor.select_option("#console-course", "serverless-101")
    expect(other).to_be_hidden()
    instructor.select_option("#console-course", "thick-front-ends")
    expect(other).to_be_visible()


def test_a_learner_opening_the_console_reads_that_it_is_for_staff(
    users: dict[str, User], local_stack
) -> None:
    learner = users["learner"].page
    open_signed_in(learner, console_url(local_stack), "learner@nimbus.test")
    console = learner.locator("#console")
    expect(console).to_have_attribute("data-state", "not-staff", timeout=LIVE)
    expect(learner.locator(".gate-not-staff")).to_be_visible()
    expect(learner.locator(".gate-not-staff")).to_contain_text("for instructors and admins")
    expect(learner.locator("#queue")).to_be_hidden()
    expect(learner.locator("#queue > .question")).to_have_count(0)
    expect(learner.locator("#console-link")).to_be_hidden()
    expect(learner).to_have_title("Console · Nimbus")


def test_signed_out_the_console_asks_for_a_staff_sign_in(users: dict[str, User], local_stack):
    page = users["learner"].page
    page.goto(console_url(local_stack))
    expect(page.locator("#console")).to_have_attribute("data-state", "signed-out", timeout=30_000)
    expect(page.locator(".gate-signed-out")).to_contain_text("sign in")
    expect(page.locator("#console-link")).to_be_hidden()


def test_the_window_opens_on_older_questions(users: dict[str, User], local_stack, admin_db):
    """A course with more questions than the window: the newest QUEUE_WINDOW are listened
    to, and "Show older questions" doubles that course's window."""
    import time

    from firebase_admin import auth

    from bench.console_bench import queue_window
    from tools.seed import admin_app

    window = queue_window()
    forum = admin_db.child("forum/serverless-101")
    learner_uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    now = int(time.time() * 1000)
    old = {
        f"questions/-old{i:016d}": {
            "uid": learner_uid, "authorName": "Lena Learner", "title": f"Old question {i}",
            "body": "Still there?", "createdAt": now - (i + 1) * 86_400_000, "score": 0,
            "lessonId": "l03",
        }
        for i in range(window + 30)
    }  # fmt: skip
    forum.update(old)
    try:
        total = len(forum.child("questions").get(shallow=True))
        page = users["instructor"].page
        open_signed_in(page, console_url(local_stack), "instructor@nimbus.test")
        expect(page.locator("#console")).to_have_attribute("data-state", "live", timeout=LIVE)
        newer = total - len(old)  # the session's other questions in this course, all newer
        assert newer < window

        def oldest_shown(in_window: int) -> str:  # unanswered, the longest waiting first
            return f"serverless-101/-old{in_window - newer - 1:016d}"

        course_items = page.locator('#queue > .question[data-course="serverless-101"]')
        expect(course_items).to_have_count(window, timeout=LIVE)
        page.select_option("#console-course", "serverless-101")
        expect(page.locator("#queue > .question:not([hidden])").first).to_have_attribute(
            "data-key", oldest_shown(window)
        )
        older = page.locator("#console-older")
        expect(older).to_be_visible()
        older.click()
        expect(course_items).to_have_count(min(total, 2 * window), timeout=LIVE)
        expect(page.locator("#queue > .question:not([hidden])").first).to_have_attribute(
            "data-key", oldest_shown(min(total, 2 * window))
        )
        if total <= 2 * window:
            expect(older).to_be_hidden()
    finally:  # the session's other tests open serverless-101's lessons
        forum.update(dict.fromkeys(old))


def test_a_full_window_keeps_its_oldest_in_view_and_flags_work_from_the_line(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """A question arriving in a full window does not push the oldest waiting one out of
    view (only "Show older questions" changes what is listed), a question deleted meanwhile
    still leaves; pin, lock and hide work from an item's head line without opening it."""
    import time

    from firebase_admin import auth

    from bench.console_bench import queue_window
    from tools.seed import admin_app

    window = queue_window()
    forum = admin_db.child("forum/serverless-101")
    learner_uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    now = int(time.time() * 1000)

    def question(title: str, created: int) -> dict:
        return {
            "uid": learner_uid, "authorName": "Lena Learner", "title": title,
            "body": "Still there?", "createdAt": created, "score": 0, "lessonId": "l03",
        }  # fmt: skip

    old = {
        f"questions/-full{i:015d}": question(f"Full window {i}", now - (i + 1) * 86_400_000)
        for i in range(window)
    }
    forum.update(old)
    try:
        page = users["instructor"].page
        open_signed_in(page, console_url(local_stack), "instructor@nimbus.test")
        expect(page.locator("#console")).to_have_attribute("data-state", "live", timeout=LIVE)
        page.select_option("#console-course", "serverless-101")
        course_items = page.locator('#queue > .question[data-course="serverless-101"]')
        expect(course_items).to_have_count(window, timeout=LIVE)
        first = page.locator("#queue > .question:not([hidden])").first
        oldest_key = first.get_attribute("data-key")
        assert oldest_key is not None
        listed = course_items.count()

        fresh = f"-fullz{uuid.uuid4().hex[:14]}"
        old[f"questions/{fresh}"] = None
        forum.child(f"questions/{fresh}").set(question("A new one", now))
        expect(
            page.locator(f'#queue > .question[data-key="serverless-101/{fresh}"]')
        ).to_have_count(1, timeout=LIVE)
        expect(course_items).to_have_count(listed + 1)  # nothing left the view
        expect(first).to_have_attribute("data-key", oldest_key)  # still first, still waiting
        stray = oldest_key.split("/", 1)[1]
        forum.child(f"questions/{stray}/title").set("Edited while out of the window")
        expect(page.locator(f'#queue > .question[data-key="{oldest_key}"] .q-title')).to_have_text(
            "Edited while out of the window", timeout=LIVE
        )  # still live
        forum.child(f"questions/{stray}").delete()
        expect(page.locator(f'#queue > .question[data-key="{oldest_key}"]')).to_have_count(
            0, timeout=LIVE
        )  # a deletion does leave

        item = page.locator("#queue > .question:not([hidden])").first
        key = item.get_attribute("data-key")
        item = page.locator(f'#queue > .question[data-key="{key}"]')
        qid = key.split("/", 1)[1]
        item.locator('.queue-tools [data-tool="pinned"]').click()
        expect(item).to_have_attribute("data-pinned", "", timeout=LIVE)
        expect(item.locator('.queue-tools [data-tool="pinned"]')).to_have_text("Unpin")
        item.locator('.queue-tools [data-tool="locked"]').click()
        expect(item).to_have_attribute("data-locked", "", timeout=LIVE)
        assert item.locator("details").get_attribute("open") is None  # never opened
        item.locator('.queue-tools [data-tool="hidden"]').click()
        expect(item).to_be_hidden(timeout=LIVE)  # "Unanswered" leaves hidden ones out
        stored = forum.child(f"questions/{qid}").get()
        assert stored["pinned"] is True and stored["locked"] is True and stored["hidden"] is True
        page.select_option("#console-show", "hidden")
        expect(item).to_be_visible()
        item.locator('.queue-tools [data-tool="hidden"]').click()
        expect(item).not_to_have_attribute("data-hidden", "", timeout=LIVE)
    finally:  # the session's other tests open serverless-101's lessons
        forum.update(dict.fromkeys(old))


def test_gurubots_answer_leaves_a_question_unanswered_until_accepted(
    users: dict[str, User], local_stack, admin_db
):
    """Gurubot's reply is a suggestion: the queue keeps the question waiting until the asker
    accepts it (as the lesson page's unanswered filter does)."""
    import time

    from firebase_admin import auth

    from app.model import gurubot
    from tools.seed import admin_app

    forum = admin_db.child("forum/serverless-101")
    learner_uid = auth.get_user_by_email("learner@nimbus.test", app=admin_app(local_stack)).uid
    now = int(time.time() * 1000)
    qid, aid = f"-bot{uuid.uuid4().hex[:16]}", f"-bta{uuid.uuid4().hex[:16]}"
    title = f"Bot-answered {qid[-6:]}"
    forum.update(
        {
            f"questions/{qid}": {
                "uid": learner_uid, "authorName": "Lena Learner", "title": title,
                "body": "Is a suggestion an answer?", "createdAt": now, "score": 0,
                "lessonId": "l01",
            },
            f"answers/{qid}/{aid}": {
                "uid": gurubot.BOT_UID, "authorName": gurubot.BOT_NAME,
                "authorRole": gurubot.BOT_ROLE, "body": "Perhaps this thread helps.",
                "createdAt": now + 1, "score": 0,
            },
        }
    )  # fmt: skip
    try:
        page = users["instructor"].page
        open_signed_in(page, console_url(local_stack), "instructor@nimbus.test")
        expect(page.locator("#console")).to_have_attribute("data-state", "live", timeout=LIVE)
        item = page.locator("#queue > .question", has_text=title)
        expect(item).to_be_visible(timeout=LIVE)  # the default filter is "Unanswered"
        forum.child(f"questions/{qid}/acceptedAnswerId").set(aid)
        expect(item).to_be_hidden(timeout=LIVE)
        page.select_option("#console-show", "all")
        expect(item.locator(".queue-wait")).to_have_text("answered")
    finally:
        forum.update({f"questions/{qid}": None, f"answers/{qid}": None})
