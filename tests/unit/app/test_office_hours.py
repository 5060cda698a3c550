"""Office hours' queue arithmetic (app/services/office_hours.py) and the confusion map's
heat (app/services/confusion.py): what learners and staff are shown, fact by fact."""

from __future__ import annotations

from app.model import limits
from app.services import confusion
from app.services import office_hours as oh

T = 1_700_000_000_000


def queue() -> dict:
    return {
        "b": {"question": "B?", "joinedAt": T + 2_000},
        "a": {"question": "A?", "joinedAt": T + 1_000},
        "c": {"question": "C?", "joinedAt": T + 2_000},  # same ms as b: the uid breaks the tie
        "x": {"question": "X?", "joinedAt": T, "takenAt": T + 5_000, "takenBy": "i"},
    }


def test_first_come_first_served_and_the_one_being_helped_apart() -> None:
    assert oh.waiting_order(queue()) == ["a", "b", "c"]
    assert oh.in_progress(queue()) == ["x"]
    assert oh.waiting_order(None) == [] and oh.in_progress({}) == []


def test_position_counts_the_waiting_ahead_and_those_being_helped() -> None:
    assert oh.position(queue(), "a") == (1, 1)  # first in line, x still with the instructor
    assert oh.position(queue(), "c") == (3, 3)
    assert oh.position(queue(), "x") is None  # being helped: no longer waiting
    assert oh.position(queue(), "nobody") is None
    q = queue()
    del q["x"]
    assert oh.position(q, "a") == (1, 0)


def test_the_expected_wait_is_the_mean_recent_service_time_per_one_ahead() -> None:
    served = {
        "s1": {"takenAt": T, "doneAt": T + 60_000},
        "s2": {"takenAt": T, "doneAt": T + 180_000},
        "s3": {"takenAt": T},  # not done: left out
    }
    average = oh.average_service_ms(served)
    assert average == 120_000
    assert oh.average_service_ms({}) is None
    assert oh.wait_words(0, average) == "you are next"
    assert oh.wait_words(3, average) == "about 6 min"
    assert oh.wait_words(1, 1_000) == "about 1 min"  # rounded up, never "0 min"
    assert oh.wait_words(2, None).startswith("no estimate yet")


def test_a_queue_question_is_one_nonempty_line_within_the_limit() -> None:
    assert oh.question_error("How do I deploy?") is None
    assert oh.question_error("   ") == "Write your question in one line first."
    assert oh.question_error("one\ntwo") == "Keep your question to one line."
    too_long = "x" * (limits.OFFICE_QUESTION_MAX + 1)
    assert str(limits.OFFICE_QUESTION_MAX) in oh.question_error(too_long)
    assert oh.question_error("x" * limits.OFFICE_QUESTION_MAX) is None


def test_taps_and_question_seconds_heat_their_buckets() -> None:
    size = limits.CONFUSION_BUCKET_S
    assert confusion.bucket_of(0) == 0
    assert confusion.bucket_of(size - 0.01) == 0
    assert confusion.bucket_of(size) == 1
    assert confusion.bucket_of(-3) == 0
    taps = {"0": {"u1": T, "u2": T}, "2": {"u1": T}, "junk": {"u1": T}}
    questions = {
        "q1": {"videoSecond": 2 * size + 1},
        "q2": {"videoSecond": 5 * size},
        "q3": {"title": "no second"},
        "q4": {"videoSecond": 5 * size, "hidden": True},  # hidden: not counted
    }
    heat = confusion.heat(taps, questions)
    assert heat == {0: (2, 0), 2: (1, 1), 5: (0, 1)}
    assert confusion.hottest(heat) == [0, 2, 5]  # 2 and 2 tie: the earlier first
    assert confusion.hottest(heat, 1) == [0]
    assert confusion.bucket_words(7) == "1:10–1:20"
    # buckets 0, 1, 2 only: the database's JSON (and so the SDK) makes such a node an array
    assert confusion.heat([{"u1": T}, None, {"u1": T, "u2": T}], {}) == {0: (1, 0), 2: (2, 0)}
