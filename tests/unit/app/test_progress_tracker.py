"""app/ui/progress_tracker.py: watched counts playing, not seeking; saves stay inside what
the progress rules accept; a reopened lesson resumes, or starts over near its end."""

from __future__ import annotations

from app.model import limits
from app.ui.progress_tracker import Tracker, is_complete, resume_at


def play(t: Tracker, start: float, end: float, now_ms: float, step: float = 0.25) -> float:
    """Timeupdates every ``step`` s of video from start to end at 1x; returns the clock."""
    second = start
    t.at(second, True, now_ms)
    while second < end - 1e-9:
        second = min(end, second + step)
        now_ms += step * 1000
        t.at(second, True, now_ms)
    return now_ms


def test_watched_counts_playing_and_not_seek_jumps() -> None:
    t = Tracker()
    t.load(None, 0)
    t.set_duration(20.02)
    now = play(t, 0, 3, 0)
    t.seeking()
    now = play(t, 10, 13, now)
    values = t.values(now)
    assert values == {"position": 13.0, "watched": 6.0, "duration": 20.02, "complete": False}


def test_a_big_clock_jump_without_a_seeking_event_is_not_watching() -> None:
    t = Tracker()
    t.load(None, 0)
    t.set_duration(20)
    t.at(1, True, 0)
    t.at(15, True, 250)
    assert t.watched == 0 and t.position == 15


def test_saves_are_throttled_and_skip_unchanged_values() -> None:
    t = Tracker()
    t.load(None, 0)
    t.set_duration(20)
    now = play(t, 0, 5, 0)
    assert not t.due(now)
    now = play(t, 5, 10.5, now)
    assert t.due(now)
    values = t.values(now)
    t.sent(values, now)
    assert not t.due(now) and t.values(now) is None


def test_a_first_save_and_later_ones_stay_inside_the_rules_allowance() -> None:
    t = Tracker()
    t.load(None, 0)
    t.set_duration(600)
    t.at(0, True, 0)
    t.watched = 100  # as if played offline for long: more than a first save may claim
    t.position = 100
    first = t.values(0)
    assert first["watched"] <= limits.WATCH_SLACK_S
    t.sent(first, 0)
    later = t.values(10_000)  # 10 s later the rules allow 20 s more (2x) plus the slack
    assert later["watched"] <= first["watched"] + 20 + limits.WATCH_SLACK_S


def test_complete_is_derived_as_the_rules_derive_it_and_stays() -> None:
    assert is_complete(18, 20) and not is_complete(17.9, 20) and is_complete(1, 20, True)
    t = Tracker()
    t.load({"position": 19, "watched": 19, "duration": 20, "complete": True}, 0)
    t.set_duration(20.5)  # another rendition's length: the saved one stands
    t.at(0, False, 0)
    values = t.values(0)
    assert values["complete"] is True and values["duration"] == 20 and values["watched"] == 19


def test_watched_never_drops_below_the_saved_record() -> None:
    t = Tracker()
    t.load({"position": 4, "watched": 7.33, "duration": 20, "complete": False}, 0)
    t.at(5, False, 0)  # a seek while paused: the place changes, not what was watched
    assert t.values(0)["watched"] == 7.33


def test_nothing_is_saved_before_the_record_and_the_duration_are_known() -> None:
    t = Tracker()
    t.set_duration(20)
    assert t.values(0) is None
    t = Tracker()
    t.load(None, 0)
    assert t.values(0) is None


def test_resume_at_the_saved_place_or_start_over_near_the_end() -> None:
    assert resume_at(None) == 0
    assert resume_at({"position": 6.5, "duration": 20}) == 6.5
    assert resume_at({"position": 0.4, "duration": 20}) == 0
    assert resume_at({"position": 18, "duration": 20, "complete": True}) == 0
    assert resume_at({"position": 17.5, "duration": 20}) == 0
    assert resume_at({"position": 560, "duration": 600}) == 560
    assert resume_at({"position": 580, "duration": 600, "complete": True}) == 0


def test_reopening_and_leaving_without_playing_saves_nothing() -> None:
    t = Tracker()
    t.load({"position": 6.5, "watched": 6.5, "duration": 20, "complete": False}, 0)
    t.set_duration(20.02)
    t.at(6.5, False, 100)
    assert t.values(200) is None


def test_a_lesson_only_opened_gets_no_record() -> None:
    t = Tracker()
    t.load(None, 0)
    t.set_duration(20)
    t.at(0, False, 0)
    assert t.values(0) is None
    t.at(7, False, 10)  # moved there (a marker, a key): worth resuming
    assert t.values(10)["position"] == 7


def test_after_a_refusal_another_tabs_record_is_merged() -> None:
    t = Tracker()
    t.load({"position": 5, "watched": 5, "duration": 20, "complete": False}, 0)
    now = play(t, 5, 8, 0)  # this tab: 3 s more (watched 8)
    t.sent(t.values(now), now)
    t.refused()  # another tab had saved watched 12 meanwhile
    t.merge({"position": 15, "watched": 12, "duration": 20, "complete": False}, now)
    values = t.values(now)
    assert values["watched"] == 12 and values["position"] == 8  # its own place, their watched


def test_only_a_save_with_no_record_known_stamps_startedat() -> None:
    t = Tracker()
    t.load(None, 0)
    assert not t.exists  # the first save stamps startedAt
    t.stored()  # its acknowledgement: later saves keep the server's startedAt
    assert t.exists
    reopened = Tracker()
    reopened.load({"position": 5, "watched": 5, "duration": 20, "complete": False}, 0)
    assert reopened.exists
    merged = Tracker()
    merged.load(None, 0)
    merged.merge({"position": 5, "watched": 5, "duration": 20, "complete": False}, 0)
    assert merged.exists  # another tab created it: its startedAt stands
