"""The confusion map on the lesson page (issue 15 item 7): an "I'm lost here" button under
the video, and for the course's staff a live heat strip on the scrubber.

The button marks the current second's CONFUSION_BUCKET_S-second bucket (once per user per
bucket: the rules refuse a second tap, and the page says so in words). The strip is one
mark per bucket that has taps or questions asked at its seconds, darker the more it has,
each with its counts in words (title and aria-label). It lives in its own element inside
#scrubber, so the player's own controls (app/ui/player_controls.py) stay untouched.
"""

from app.binding.live import LiveList, LiveValue
from app.model import limits, paths
from app.services import confusion, database, errors, forum
from app.ui.dom import by_id, element, on, set_attr, set_text

# Inline styles: the strip is this module's alone (marks never take the pointer: seeking
# stays the seek bar's).
STRIP_STYLE = "position:absolute;left:0;right:0;top:-7px;height:5px;pointer-events:none;"
MARK_STYLE = "position:absolute;top:0;height:100%;background:#e8590c;border-radius:2px;"
BOX_HTML = (
    '<button type="button" class="link" id="lost-here">I\'m lost here</button> '
    '<span class="meta" id="lost-status" role="status"></span>'
)


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0.0
    return number if number == number else 0.0  # NaN before the metadata


def heat_words(bucket, lost, asked):
    parts = []
    if lost:
        parts.append(str(lost) + " lost")
    if asked:
        parts.append(str(asked) + (" question" if asked == 1 else " questions"))
    return confusion.bucket_words(bucket) + ": " + ", ".join(parts)


class _Questions:
    """Keyed view of the lesson's questions: their seconds feed the strip."""

    def __init__(self, strip):
        self.strip = strip
        self.values = {}

    def upsert(self, key, value, prev_key=None):
        self.values[key] = value or {}
        self.strip.render()

    def remove(self, key):
        self.values.pop(key, None)
        self.strip.render()


class _Enrolment:
    def __init__(self, strip):
        self.strip = strip

    def show(self, enrollments):
        self.strip.enrolled((enrollments or {}).get(self.strip.course_id) is True)


class HeatStrip:
    """The button for everyone signed in, the strip for staff; start/stop with the session."""

    def __init__(self, course_id, lesson_id):
        self.course_id = course_id
        self.lesson_id = lesson_id
        self.video = by_id("video")
        self.uid = None
        self.staff = False
        self.member = False
        self.enrolment = None
        self.tapped = set()  # buckets this page has marked (what a refusal most likely means)
        self.taps = {}
        self.models = []
        frame = by_id("player-frame")
        self.box = element("p", "lost-box", BOX_HTML)
        self.box.hidden = True
        if frame is not None:
            frame.after(self.box)
        self.button = self.box.querySelector("#lost-here")
        self.status = self.box.querySelector("#lost-status")
        on(self.button, "click", self.tap)
        self.strip = element("div", "heat-strip")
        self.strip.id = "heat-strip"
        self.strip.setAttribute("style", STRIP_STYLE)
        self.strip.setAttribute("role", "group")
        self.strip.setAttribute("aria-label", "Where learners got lost or asked")
        self.strip.hidden = True
        scrubber = by_id("scrubber")
        if scrubber is not None:
            scrubber.appendChild(self.strip)
        self.questions = _Questions(self)
        if self.video is not None:
            on(self.video, "durationchange", lambda *a: self.render())

    def signed_in(self, user):
        self.signed_out()
        self.uid = user["uid"]
        self.enrolment = LiveValue(paths.enrollments(self.uid), _Enrolment(self))
        self.enrolment.start()
        if user.get("admin"):
            self._staff()
        else:
            database.read_once(paths.course_instructor(self.course_id), self._instructor)

    def signed_out(self):
        for model in self.models + ([self.enrolment] if self.enrolment else []):
            model.stop()
        self.models = []
        self.enrolment = None
        self.staff = self.member = False
        self.uid = None
        self.box.hidden = True
        self.strip.hidden = True
        self.tapped = set()

    def _instructor(self, uid):
        if uid and uid == self.uid:
            self._staff()

    def enrolled(self, enrolled):
        """Members (enrolled, or staff) may mark; the button is theirs only."""
        self.member = enrolled
        self.box.hidden = not (self.member or self.staff)

    def _staff(self):
        self.staff = True
        self.box.hidden = False
        self.strip.hidden = False
        self.models = [
            LiveValue(paths.confusion(self.course_id, self.lesson_id), self),
            LiveList(forum.questions_query(self.course_id, self.lesson_id), self.questions),
        ]
        for model in self.models:
            model.start()

    # ---- value view of confusion/$cid/$lid
    def show(self, value):
        self.taps = value or {}
        self.render()

    def error(self, err):
        self.strip.hidden = True

    def render(self):
        if self.strip.hidden:
            return
        heat = confusion.heat(self.taps, self.questions.values)
        duration = _number(self.video.duration) if self.video is not None else 0.0
        last = max(list(heat) + [0])
        span = max(duration, (last + 1) * limits.CONFUSION_BUCKET_S)
        top = max([heat[b][0] + heat[b][1] for b in heat] + [1])
        self.strip.innerHTML = ""
        for bucket in sorted(heat):
            lost, asked = heat[bucket]
            mark = element("span", "heat")
            start = bucket * limits.CONFUSION_BUCKET_S
            width = min(limits.CONFUSION_BUCKET_S, max(0, span - start))
            mark.setAttribute(
                "style",
                MARK_STYLE
                + "left:"
                + str(100 * start / span)
                + "%;width:"
                + str(100 * width / span)
                + "%;"
                "opacity:" + str(0.25 + 0.75 * (lost + asked) / top),
            )
            mark.setAttribute("data-bucket", str(bucket))
            mark.setAttribute("data-count", str(lost + asked))
            words = heat_words(bucket, lost, asked)
            mark.setAttribute("title", words)
            mark.setAttribute("aria-label", words)
            self.strip.appendChild(mark)
        set_attr(self.strip, "data-marks", len(heat))

    def tap(self, *args):
        if self.uid is None or self.video is None:
            return
        second = _number(self.video.currentTime)
        bucket = confusion.bucket_of(second)
        if bucket in self.tapped:
            set_text(self.status, self._already(bucket) + ".")
            return
        set_text(self.status, "")

        def done(bucket):
            self.tapped.add(bucket)
            set_text(self.status, "Marked " + confusion.bucket_words(bucket) + ": the "
                     "instructor sees where learners get lost.")  # fmt: skip

        def refused(err):
            if err.kind == errors.PERMISSION:
                self.tapped.add(bucket)  # the rules take one tap per bucket
                set_text(self.status, self._already(bucket) + ".")
            else:
                set_text(self.status, "Not marked: " + err.message)

        confusion.tap(self.course_id, self.lesson_id, self.uid, second, done, refused)

    def _already(self, bucket):
        return "You already marked " + confusion.bucket_words(bucket)
