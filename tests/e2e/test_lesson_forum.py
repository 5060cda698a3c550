"""The lesson page's live Q&A, end to end, in two browsers signed in as different users.

Everything here is browser Python writing straight to the database under the rules; the
tests read the database back through firebase-admin only to check what the rules kept.
"""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import User, open_signed_in

pytestmark = pytest.mark.e2e
LIVE = 5_000  # ms: "appears live" allowance per step on a loaded 2-core CI machine


def lesson_url(stack, course: str, lesson: str) -> str:
    return f"{stack.hosting_url}/course/{course}/lesson/{lesson}.html"


def question(page: Page, title: str):
    return page.locator("#questions > .question", has_text=title)


def ask(page: Page, title: str, body: str, pin: bool = True) -> None:
    page.fill("#ask-title", title)
    page.fill("#ask-body", body)
    page.locator("#ask-pin").set_checked(pin)
    page.click("#ask-submit")


def seek(page: Page, second: float) -> None:
    expect(page.locator("#scrubber")).to_have_attribute("data-ready", "1", timeout=10_000)
    page.evaluate(f"document.getElementById('video').currentTime = {second}")
    expect(page.locator("#ask-second")).to_have_text(f"0:{int(second):02d}")


def test_question_answer_accept_and_votes_live(
    users: dict[str, User], local_stack, admin_db
) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    url = lesson_url(local_stack, "serverless-101", "l01")
    open_signed_in(learner, url, "learner@nimbus.test")
    open_signed_in(instructor, url, "instructor@nimbus.test")
    expect(instructor.locator("#forum")).to_have_attribute("data-staff", "")
    expect(learner.locator("#forum")).not_to_have_attribute("data-staff", "")

    title = f"Why stateless? {uuid.uuid4().hex[:6]}"
    seek(learner, 7)
    ask(learner, title, "Is **state** really that bad?")
    expect(learner.locator("#ask-title")).to_have_value("", timeout=LIVE)  # posted: draft cleared

    # The instructor sees it arrive, pinned to 0:07, with a marker on the scrubber.
    card = question(instructor, title)
    expect(card).to_have_count(1, timeout=LIVE)
    qid = card.get_attribute("data-key")
    expect(card.locator(".post-body strong")).to_have_text("state")
    expect(card.locator(".seek")).to_have_text("▶ asked at 0:07")
    marker = instructor.locator(f'#markers .marker[data-key="{qid}"]')
    expect(marker).to_have_attribute("data-second", "7")
    expect(marker).to_be_visible(timeout=10_000)
    marker.click()
    expect(instructor.locator("#ask-second")).to_have_text("0:07")

    # The instructor answers; the learner sees it live and accepts it.
    card.locator("summary").click()
    card.locator(".answer-body").fill("Because state pins you to **one** server.")
    card.locator(".answer-form button[type=submit]").click()
    mine = question(learner, title)
    expect(mine.locator(".answer")).to_have_count(1, timeout=LIVE)
    mine.locator("summary").click()
    mine.locator('.answer [data-act="accept"]').click()
    expect(card).to_have_attribute("data-accepted", "", timeout=LIVE)
    expect(card.locator(".answer")).to_have_attribute("data-accepted", "", timeout=LIVE)
    # Only staff may endorse; the instructor does, and the learner sees it.
    card.locator('.answer [data-act="endorse"]').click()
    expect(mine.locator(".answer")).to_have_attribute("data-endorsed", "", timeout=LIVE)

    # Votes from both browsers: each sees the same score, equal to the sum of the votes.
    mine.locator("> .vote .vote-up").click()
    expect(card.locator("> .vote .score")).to_have_text("1", timeout=LIVE)
    card.locator("> .vote .vote-up").click()
    expect(mine.locator("> .vote .score")).to_have_text("2", timeout=LIVE)
    mine.locator("> .vote .vote-down").click()  # change of mind: +1 -> -1
    expect(card.locator("> .vote .score")).to_have_text("0", timeout=LIVE)
    expect(mine.locator("> .vote")).to_have_attribute("data-mine", "-1")
    card.locator("> .vote .vote-up").click()  # clicking again withdraws the vote
    expect(mine.locator("> .vote .score")).to_have_text("-1", timeout=LIVE)
    stored = admin_db.child(f"forum/serverless-101/questions/{qid}").get()
    votes = admin_db.child(f"votes/serverless-101/{qid}/{qid}").get() or {}
    assert stored["score"] == sum(votes.values()) == -1
    assert stored["videoSecond"] == 7 and stored["lessonId"] == "l01"
    for user in users.values():
        assert user.watch.foreign == [], user.watch.foreign
        assert user.watch.page_errors == [], user.watch.page_errors


PAYLOADS = [
    "<img src=x onerror=\"window.__pwned='img';alert('img')\">",
    "<script>window.__pwned='script';alert('script')</script>",
    "[click me](javascript:window.__pwned='link';alert('link'))",
    "[tricky](JaVa\tScRiPt:alert('tab'))",
    '<a href="javascript:alert(1)">raw link</a>',
    "<svg onload=alert('svg')></svg>",
    '"><iframe src="javascript:alert(1)"></iframe>',
]


def test_injected_html_shows_as_text_and_runs_nothing(users: dict[str, User], local_stack) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    url = lesson_url(local_stack, "serverless-101", "l02")
    open_signed_in(learner, url, "learner@nimbus.test")
    open_signed_in(instructor, url, "instructor@nimbus.test")
    title = f"<b>bold?</b><img src=x onerror=alert('title')> {uuid.uuid4().hex[:6]}"
    body = "\n\n".join(PAYLOADS)
    ask(learner, title, body, pin=False)
    card = question(instructor, title)
    expect(card).to_have_count(1, timeout=LIVE)
    card.locator("summary").click()
    post = card.locator(".post-body")
    for text in ("<img src=x onerror=", "<script>window.__pwned", "<svg onload=", "raw link</a>"):
        expect(post).to_contain_text(text)
    expect(card.locator(".q-title")).to_have_text(title)
    # No element the author wrote became real markup, and no javascript: link exists.
    for page in (learner, instructor):
        root = question(page, title)
        assert root.locator("img, script, svg, iframe").count() == 0
        hrefs = root.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert all(not h.lower().replace("\t", "").startswith("javascript") for h in hrefs), hrefs
        assert page.evaluate("window.__pwned === undefined")
    # A comment and an answer take the same path through the renderer.
    card.locator(".answer-body").fill(PAYLOADS[0])
    card.locator(".answer-form button[type=submit]").click()
    answer = question(learner, title).locator(".answer .post-body")
    expect(answer).to_have_text(PAYLOADS[0], timeout=LIVE)
    learner.wait_for_timeout(300)  # give an onerror handler every chance to fire
    for user in users.values():
        assert user.watch.dialogs == [], user.watch.dialogs
        assert user.watch.page_errors == [], user.watch.page_errors
        assert user.page.evaluate("window.__pwned === undefined")


def test_denied_write_explains_and_keeps_the_draft(
    users: dict[str, User], local_stack, admin_db
) -> None:
    """The rules refuse answers to a locked question; the UI says so and keeps the text."""
    learner, instructor = users["learner"].page, users["instructor"].page
    url = lesson_url(local_stack, "serverless-101", "l03")
    open_signed_in(learner, url, "learner@nimbus.test")
    title = f"Locked soon {uuid.uuid4().hex[:6]}"
    ask(learner, title, "Anyone?", pin=False)
    card = question(learner, title)
    expect(card).to_have_count(1, timeout=LIVE)
    qid = card.get_attribute("data-key")
    card.locator("summary").click()
    draft = "My long, careful answer that must not be lost."
    card.locator(".answer-body").fill(draft)
    locked = admin_db.child(f"forum/serverless-101/questions/{qid}/locked")
    locked.set(True)
    # The lock arrives live: the form gives way to a note, with the draft kept inside it.
    expect(card).to_have_attribute("data-locked", "", timeout=LIVE)
    expect(card.locator(".locked-note")).to_be_visible()
    expect(card.locator(".answer-form")).to_be_hidden()
    # A submit sent just before the lock arrived: only the rules refuse it, and the UI says so.
    card.locator(".answer-form").evaluate("form => form.requestSubmit()")
    expect(card.locator(".answer-form .form-error")).to_contain_text(
        "Answer not posted", timeout=LIVE
    )
    expect(card.locator(".answer-body")).to_have_value(draft)
    expect(card.locator(".answer")).to_have_count(0)
    locked.delete()  # unlocked: the form is back, draft and all
    expect(card.locator(".answer-form")).to_be_visible(timeout=LIVE)
    expect(card.locator(".answer-body")).to_have_value(draft)
    # Client-side checks explain too, before anything is sent.
    learner.fill("#ask-title", "")
    learner.fill("#ask-body", "no title")
    learner.click("#ask-submit")
    expect(learner.locator("#ask-error")).to_have_text("The title cannot be empty.")
    expect(learner.locator("#ask-body")).to_have_value("no title")
    del instructor


def test_staff_lock_and_hide_live(users: dict[str, User], local_stack, admin_db) -> None:
    """Lock and hide are staff tools; what they do reaches the learner's page live."""
    learner, instructor = users["learner"].page, users["instructor"].page
    url = lesson_url(local_stack, "thick-front-ends", "l02")
    open_signed_in(learner, url, "learner@nimbus.test")
    open_signed_in(instructor, url, "instructor@nimbus.test")
    expect(instructor.locator("#forum")).to_have_attribute("data-staff", "")
    title = f"Moderate me {uuid.uuid4().hex[:6]}"
    ask(learner, title, "Off topic?")  # pinned to the video: it has a scrubber marker
    mine, card = question(learner, title), question(instructor, title)
    expect(card).to_have_count(1, timeout=LIVE)
    expect(mine).to_have_count(1, timeout=LIVE)
    qid = card.get_attribute("data-key")
    stored = f"forum/thick-front-ends/questions/{qid}"
    count = learner.locator("#unanswered-count")
    staff_count = instructor.locator("#unanswered-count")
    unanswered = int(count.text_content())
    expect(staff_count).to_have_text(str(unanswered))
    mine.locator("summary").click()
    card.locator("summary").click()
    # A learner never sees the staff tools; the instructor does.
    for act in ("pin", "lock", "hide"):
        expect(mine.locator(f'[data-act="{act}"]')).to_be_hidden()
        expect(card.locator(f'.q-tools [data-act="{act}"]')).to_be_visible()

    # Lock: the learner's answer and comment forms give way to a note; the draft survives.
    mine.locator(".answer-body").fill("A draft")
    card.locator('.q-tools [data-act="lock"]').click()
    expect(mine).to_have_attribute("data-locked", "", timeout=LIVE)
    expect(mine.locator("summary .badge-locked")).to_be_visible()
    expect(mine.locator(".locked-note")).to_have_text(
        "Locked by the course staff: no new answers or comments."
    )
    expect(mine.locator(".answer-form")).to_be_hidden()
    expect(mine.locator(".q-comments .comment-form")).to_be_hidden()
    expect(card.locator('.q-tools [data-act="lock"]')).to_have_text("Unlock")
    assert admin_db.child(stored + "/locked").get() is True
    card.locator('.q-tools [data-act="lock"]').click()  # unlock: the form is back, live
    expect(mine.locator(".answer-form")).to_be_visible(timeout=LIVE)
    expect(mine.locator(".answer-body")).to_have_value("A draft")
    expect(mine.locator(".q-comments .comment-form")).to_be_visible()
    expect(mine.locator("summary .badge-locked")).to_be_hidden()
    expect(mine.locator(".locked-note")).to_be_hidden()

    # Hide the learner's own question: its author still sees it, marked, as staff do.
    card.locator('.q-tools [data-act="hide"]').click()
    expect(mine).to_have_attribute("data-hidden", "", timeout=LIVE)
    expect(mine).to_be_visible()
    expect(mine.locator("summary .badge-hidden")).to_be_visible()
    expect(count).to_have_text(str(unanswered))
    expect(card).to_have_attribute("data-hidden", "")
    expect(card.locator("summary .badge-hidden")).to_be_visible()
    expect(card.locator('.q-tools [data-act="hide"]')).to_have_text("Unhide")
    card.locator('.q-tools [data-act="hide"]').click()  # unhide
    expect(mine).not_to_have_attribute("data-hidden", "", timeout=LIVE)

    # Hide someone else's question: gone from the learner's list, count and scrubber;
    # dimmed and marked for staff.
    other_title = f"Staff aside {uuid.uuid4().hex[:6]}"
    ask(instructor, other_title, "Not for learners.")
    theirs, staff_view = question(learner, other_title), question(instructor, other_title)
    expect(theirs).to_have_count(1, timeout=LIVE)
    other_qid = staff_view.get_attribute("data-key")
    expect(count).to_have_text(str(unanswered + 1))
    staff_view.locator("summary").click()
    staff_view.locator('.q-tools [data-act="hide"]').click()
    expect(theirs).to_be_hidden(timeout=LIVE)
    expect(count).to_have_text(str(unanswered))
    expect(learner.locator(f'#markers .marker[data-key="{other_qid}"]')).to_have_count(0)
    expect(staff_view).to_be_visible()
    expect(staff_view.locator("summary .badge-hidden")).to_be_visible()
    expect(staff_count).to_have_text(str(unanswered + 1))
    expect(instructor.locator(f'#markers .marker[data-key="{other_qid}"]')).to_have_count(1)
    staff_view.locator('.q-tools [data-act="hide"]').click()  # unhide: back for the learner
    expect(theirs).to_be_visible(timeout=LIVE)
    expect(count).to_have_text(str(unanswered + 1))
    expect(learner.locator(f'#markers .marker[data-key="{other_qid}"]')).to_have_count(1)
    unanswered += 1

    # A hidden answer: gone for the learner, who then counts the question as unanswered.
    card.locator(".answer-body").fill("Try the other lesson.")
    card.locator(".answer-form button[type=submit]").click()
    expect(mine.locator(".answer")).to_have_count(1, timeout=LIVE)
    expect(count).to_have_text(str(unanswered - 1))
    card.locator('.answer [data-act="hide"]').click()
    expect(mine.locator(".answer")).to_be_hidden(timeout=LIVE)
    expect(mine.locator('summary [data-field="answers"]')).to_have_text("0 answers")
    expect(count).to_have_text(str(unanswered))
    expect(card.locator(".answer .badge-hidden")).to_be_visible()
    expect(card.locator('summary [data-field="answers"]')).to_have_text("1 answer")
    for user in users.values():
        assert user.watch.page_errors == [], user.watch.page_errors


def test_learner_not_enrolled_is_invited_to_enrol(users: dict[str, User], local_stack) -> None:
    learner = users["learner"].page
    open_signed_in(
        learner, lesson_url(local_stack, "realtime-forums", "l01"), "learner@nimbus.test"
    )
    forum = learner.locator("#forum")
    expect(forum).to_have_attribute("data-state", "locked", timeout=LIVE)
    expect(learner.locator(".gate-locked")).to_be_visible()
    expect(learner.locator(".gate-locked")).to_contain_text("Enrol in")
    expect(learner.locator("#ask-form")).to_be_hidden()


def test_edit_delete_own_and_unanswered_filter(users: dict[str, User], local_stack) -> None:
    learner, instructor = users["learner"].page, users["instructor"].page
    url = lesson_url(local_stack, "thick-front-ends", "l01")
    open_signed_in(learner, url, "learner@nimbus.test")
    open_signed_in(instructor, url, "instructor@nimbus.test")
    tag = uuid.uuid4().hex[:6]
    ask(learner, f"First {tag}", "one", pin=False)
    ask_second = f"Second {tag}"
    expect(question(learner, f"First {tag}")).to_have_count(1, timeout=LIVE)
    ask(learner, ask_second, "two", pin=False)
    first, second = question(instructor, f"First {tag}"), question(instructor, ask_second)
    expect(second).to_have_count(1, timeout=LIVE)
    # The instructor answers the first; "unanswered only" then hides it, live.
    first.locator("summary").click()
    first.locator(".answer-body").fill("Done.")
    first.locator(".answer-form button[type=submit]").click()
    learner.check("#filter-unanswered")
    expect(question(learner, f"First {tag}")).to_be_hidden(timeout=LIVE)
    expect(question(learner, ask_second)).to_be_visible()
    learner.uncheck("#filter-unanswered")
    # The learner edits the second question; the instructor sees the edit.
    mine = question(learner, ask_second)
    mine.locator("summary").click()
    mine.locator('[data-act="edit"]').first.click()
    mine.locator(".editor .edit-body").fill("two, *edited*")
    mine.locator(".editor button[type=submit]").click()
    expect(second.locator(".post-body em")).to_have_text("edited", timeout=LIVE)
    expect(second.locator('summary [data-field="author"]')).to_contain_text("(edited)")
    # The learner cannot edit the instructor's answer (no control); the instructor deletes
    # the learner's question (staff may), and it disappears for the learner.
    expect(question(learner, f"First {tag}").locator('.answer [data-act="edit"]')).to_be_hidden()
    second.locator("summary").click() if second.locator("details").get_attribute(
        "open"
    ) is None else None
    delete = second.locator('.q-tools [data-act="delete"]')
    delete.click()
    delete.click()
    expect(question(learner, ask_second)).to_have_count(0, timeout=LIVE)


def test_a_lesson_without_questions_says_so(users: dict[str, User], local_stack) -> None:
    learner = users["learner"].page
    open_signed_in(
        learner, lesson_url(local_stack, "thick-front-ends", "l03"), "learner@nimbus.test"
    )
    expect(learner.locator("#forum-empty")).to_be_visible(timeout=LIVE)
    expect(learner.locator("#unanswered-count")).to_have_text("0")
    expect(learner.locator("#questions [data-skeleton]")).to_have_count(0)
