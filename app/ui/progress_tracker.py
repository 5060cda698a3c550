"""What the player saves of a lesson: its place, the seconds actually played, completion.

Plain Python (no browser imports), so the host tests run it as MicroPython does. The
player feeds it the video's clock and asks it when to save and what; the rules
(rules/progress_rules.py) check every value it produces, so it produces only values they
accept: watched counts played time, never seek jumps, never more than the clip; a save
never claims more watched seconds than the time since the last save allows; complete is
derived exactly as the rules derive it.
"""

from app.model import limits

MAX_STEP_S = 3.0  # a larger jump of the video's clock between two updates is a seek
NEAR_END_S = 3.0  # reopened this close to the end (or within the last 5 %): start over
NEAR_END_FRACTION = 0.05
CLOCK_MARGIN_S = 5.0  # watched seconds kept below the rules' allowance (clock jitter)


def is_complete(watched, duration, was_complete=False):
    """The rules' own test: complete stays complete, else watched >= 90 % of duration."""
    return bool(was_complete) or (duration > 0 and watched >= duration * limits.COMPLETE_FRACTION)


def resume_at(saved):
    """Where a reopened lesson starts: its saved place, or 0 when it was (nearly) at the end
    or barely started."""
    if not saved:
        return 0
    position = saved.get("position") or 0
    duration = saved.get("duration") or 0
    if position < 1 or duration <= 0:
        return 0
    if duration - position <= max(NEAR_END_S, duration * NEAR_END_FRACTION):
        return 0
    return position


def _tenths(seconds):
    """Seconds to a tenth (smaller records; the rules compare the numbers sent)."""
    return round(max(0.0, seconds) * 10.0) / 10.0


class Tracker:
    """One lesson's progress in this page: the saved record plus what was played since.

    Times are seconds of the video; ``now_ms`` is the page's monotonic clock
    (performance.now()), used only for differences.
    """

    def __init__(self):
        self.loaded = False  # the saved record has been read (or there is none)
        self.saved = None  # the record read when the lesson opened
        self.watched = 0.0
        self.duration = 0.0
        self.complete = False
        self.position = 0.0
        self._last = None  # the video second played from, while a run of playback lasts
        self._sent = None  # (watched, now_ms) of the last save sent, for the allowance
        self._sent_values = None
        self._save_due_from = None  # now_ms the throttle counts from
        self.exists = False  # a record is known to be stored: its startedAt stays as it is

    def load(self, saved, now_ms):
        """The record read from the database (None: never saved). A record's duration is
        kept (the rules never let it change)."""
        self.loaded = True
        if saved:
            self.exists = True
            self.saved = saved
            self.watched = max(self.watched, float(saved.get("watched") or 0))
            self.duration = float(saved.get("duration") or 0) or self.duration
            self.complete = saved.get("complete") is True
            self.position = float(saved.get("position") or 0)
            self._sent = (float(saved.get("watched") or 0), now_ms)
            self._sent_values = {
                "position": self.position,
                "watched": self._sent[0],
                "duration": self.duration,
                "complete": self.complete,
            }  # reopening and leaving again saves nothing

    def set_duration(self, duration):
        """The clip's length from its metadata, unless a saved record named it already."""
        if duration and duration > 0 and not (self.saved and self.saved.get("duration")):
            self.duration = min(float(duration), limits.LESSON_SECONDS_MAX)

    def seeking(self):
        """A seek starts: the jump is not watching."""
        self._last = None

    def at(self, second, playing, now_ms):
        """The video's clock is at ``second`` (a timeupdate); while playing, the time since
        the last update counts as watched."""
        if playing and self._last is not None:
            step = second - self._last
            if 0 < step <= MAX_STEP_S:
                self.watched = self.watched + step
        self._last = second if playing else None
        self.position = second
        if playing and self._save_due_from is None:
            self._save_due_from = now_ms

    def due(self, now_ms):
        """Whether a throttled save is due (one per PROGRESS_SAVE_MS while playing)."""
        start = self._save_due_from
        return start is not None and now_ms - start >= limits.PROGRESS_SAVE_MS

    def values(self, now_ms):
        """The record to save now (without updatedAt, which is the server's), or None when
        nothing is known yet or nothing changed since the last save."""
        if not self.loaded or self.duration <= 0:
            return None
        if self._sent is None and self.watched <= 0 and self.position < 1:
            return None  # only opened, never played nor moved: no record (nor Continue)
        duration = self.duration
        watched = min(self.watched, duration)
        if self._sent is None:
            allowed = limits.WATCH_SLACK_S - CLOCK_MARGIN_S
        else:
            sent_watched, sent_ms = self._sent
            elapsed_s = (now_ms - sent_ms) / limits.WATCH_MS_PER_S
            allowed = sent_watched + elapsed_s + limits.WATCH_SLACK_S - CLOCK_MARGIN_S
        watched = min(_tenths(min(watched, allowed)), duration)
        if self._sent is not None:
            watched = max(watched, self._sent[0])  # never below what is saved
        position = min(_tenths(max(0.0, self.position)), duration)
        complete = is_complete(watched, duration, self.complete)
        values = {
            "position": position,
            "watched": watched,
            "duration": duration,
            "complete": complete,
        }
        if values == self._sent_values:
            return None
        return values

    def sent(self, values, now_ms):
        """A save of ``values`` went out: the allowance and the throttle count from now."""
        self._sent = (values["watched"], now_ms)
        self._sent_values = values
        self.complete = values["complete"]
        self._save_due_from = now_ms if self._save_due_from is not None else None

    def stored(self):
        """A save was acknowledged: the record exists, later saves keep its startedAt."""
        self.exists = True

    def refused(self):
        """The last save was refused: send the same values again at the next chance."""
        self._sent_values = None

    def merge(self, saved, now_ms):
        """After a refusal, the record as it is now (another tab may have saved more): keep
        this page's place, take the larger watched, and count the allowance from it."""
        if not saved:
            return
        self.exists = True
        theirs = float(saved.get("watched") or 0)
        self.watched = max(self.watched, theirs)
        self.duration = float(saved.get("duration") or 0) or self.duration
        self.saved = saved
        self.complete = self.complete or saved.get("complete") is True
        self._sent = (theirs, now_ms)
        self._sent_values = None
