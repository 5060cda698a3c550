"""The lesson's video with a scrubber that shows where questions were asked.

Lesson media is private: the page ships no video URL. Once the forum has painted, the
player asks the `media_url` function for a signed URL (15 minutes) of the rendition that
fits the element, and one for the captions; a refusal ("Buy the course to watch this
lesson.") shows in the player. A sign-in or an enrolment asks again. When a media request
fails mid-lesson (the URL expired), the player asks for a fresh URL and carries on from
the same second, playing if it was.

Progress (app/ui/progress_tracker.py decides what, app/services/progress.py writes it):
for a signed-in learner the player saves the place and the seconds actually played, at most
once per PROGRESS_SAVE_MS while playing, and on pause, at the end and when the page is
hidden or left. Reopening the lesson resumes at the saved place, once the metadata is in
(near the end, it starts over).
"""

from pyscript import document, window
from pyscript.ffi import create_proxy

from app.services import functions, progress
from app.ui import status
from app.ui.dom import by_id, clock, element, on, set_text
from app.ui.progress_tracker import Tracker, resume_at

SMALL_WIDTH = 320  # device pixels up to which the 180p rendition is enough
RENEW_TRIES = 3  # fresh URLs in a row without the media loading, before giving up
UNLOADABLE = "The video could not be loaded. Reload the page to try again."


def _now():
    """The page's monotonic clock in ms (a small number: it crosses the FFI intact)."""
    return float(window.performance.now())


SECOND_FRAGMENT = "#t="  # a link to a moment of the lesson (search, Gurubot): #t=192


def fragment_second(fragment):
    """The second a URL fragment names ("#t=192" -> 192), or None."""
    fragment = str(fragment or "")
    if not fragment.startswith(SECOND_FRAGMENT):
        return None
    digits = fragment[len(SECOND_FRAGMENT) :]
    return int(digits) if digits.isdigit() else None


class PlayerView:
    def __init__(self, course_id, lesson_id):
        self.course_id = course_id
        self.lesson_id = lesson_id
        self.video = by_id("video")
        self.message = by_id("player-message")
        self.scrubber = by_id("scrubber")
        self.fill = by_id("scrubber-fill")
        self.markers = by_id("markers")
        self.second_label = by_id("ask-second")
        self.marks = {}  # qid -> (second, title)
        self.marker_els = {}  # qid -> its button (never looked up by a selector built from data)
        self.duration = 0
        on(self.video, "loadedmetadata", self._metadata)
        on(self.video, "timeupdate", self._time)
        on(self.video, "error", self._media_failed)
        on(self.video, "loadeddata", self._first_frame)
        on(self.video, "play", lambda *a: self._set_playing(True))
        on(self.video, "pause", lambda *a: self._set_playing(False))
        self._media_scheduled = False
        self._asking = False
        self._again = False  # access changed while a request was out: ask once more
        self._refused = False
        self._playing = False
        self._tries = 0
        self._resume = None  # (second, playing) to restore once a fresh URL is in
        self._captions = None
        self._framed = False
        self._override = None  # a rendition the learner chose, instead of the automatic one
        self._uid = None  # the signed-in learner whose progress this page saves
        self.tracker = Tracker()
        self._start_at = None  # the saved place to seek to once the metadata is in
        self._touched = False  # the learner chose a place: a saved place read late is ignored
        self._linked = fragment_second(window.location.hash)  # #t=<s>: beats the saved place
        on(document.defaultView, "hashchange", lambda *a: self._hash_changed())
        on(self.video, "seeking", lambda *a: self.tracker.seeking())
        on(self.video, "pause", lambda *a: self.save_progress())
        on(self.video, "ended", lambda *a: self.save_progress())
        on(document, "visibilitychange", self._visibility)
        on(document.defaultView, "pagehide", lambda *a: self.save_progress())

    def start_media_after_paint(self):
        """Ask for the signed URL and load the video's metadata, once the forum has painted.

        The page ships the video with preload="none" and its controls disabled: the
        media_url call and the clip's download would otherwise compete with Auth's
        restore and the forum's first snapshot, which is what the page waits for. The
        forum calls this when it leaves "pending" (live, signed out, not enrolled or
        failed); bench/lesson_bench.py times it.
        """
        if self._media_scheduled:
            return
        self._media_scheduled = True
        start = create_proxy(lambda *a: self._start_media())
        after_frame = create_proxy(lambda *a: window.setTimeout(start, 0))
        window.requestAnimationFrame(after_frame)

    def _start_media(self):
        self._ask()

    def access_changed(self):
        """Signed in or out, enrolled or not: a refused lesson may now play."""
        if self._media_scheduled and (self._refused or self._asking):
            self._ask()  # while a request is out: once more after it (it may predate this)

    def playable(self):
        """Whether the video has a signed URL (keyboard shortcuts act only then)."""
        return bool(self.video.getAttribute("src")) and not self._refused

    def captions_track(self):
        return self._captions

    def choose(self, rendition):
        """The learner's quality choice ("auto", "180p", "360p"): reload at the same second."""
        self._override = None if rendition == "auto" else rendition
        if self.playable() and not self._asking:
            self._resume = (self.video.currentTime, self._playing)
            self._ask()

    def rendition(self):
        """The learner's choice, else 180p for a small element and 360p otherwise."""
        if self._override:
            return self._override
        width = self.video.clientWidth * (window.devicePixelRatio or 1)
        return "180p" if width <= SMALL_WIDTH else "360p"

    def _ask(self):
        if self._asking:
            self._again = True
            return
        self._asking = True
        data = {"courseId": self.course_id, "lessonId": self.lesson_id}
        data["rendition"] = self.rendition()
        functions.call("media_url", data, self._got_url, self._refusal)

    def _got_url(self, result):
        self._asking = False
        self._again = False
        self._refused = False
        self._say("")
        second, playing = self._resume or (0, False)
        if self._resume is None and not self._framed and self.tracker.loaded:
            self._start_at = resume_at(self.tracker.saved) or None  # first load: resume
        if self._linked is not None and self._resume is None and not self._framed:
            self._start_at = self._linked or None  # the moment the link names
        self._resume = None
        self.video.preload = "metadata"
        self.video.src = result["url"]
        if second:
            self.video.currentTime = second
        if playing:
            self.video.play()
        status.mark("media-ready")
        if self._captions is None:
            self._extra("captions", self._got_captions)
            self._extra("poster", self._got_poster)

    def _extra(self, part, on_url):
        data = {"courseId": self.course_id, "lessonId": self.lesson_id, "rendition": part}
        functions.call("media_url", data, on_url)  # none: the video plays without it

    def _got_poster(self, result):
        self.video.poster = result["url"]

    def _got_captions(self, result):
        track = document.createElement("track")
        track.kind = "captions"
        track.srclang = "en"
        track.label = "English"
        track.src = result["url"]
        self.video.appendChild(track)
        self._captions = track

    def _refusal(self, err):
        self._asking = False
        self._refused = True
        self._say(str(err))
        if self._again:
            self._again = False
            self._ask()

    def _say(self, text):
        set_text(self.message, text)
        self.message.hidden = not text

    def _first_frame(self, *args):
        if not self._framed:
            self._framed = True
            status.mark("first-frame")  # bench/lesson_bench.py: page -> first video frame

    def _set_playing(self, playing):
        self._playing = playing

    def _media_failed(self, *args):
        """A media request refused mid-lesson (the signed URL expired): renew, keep the place."""
        if not self.video.getAttribute("src") or self._asking:
            return
        if self._tries >= RENEW_TRIES:
            self._say(UNLOADABLE)
            return
        self._tries += 1
        self._resume = (self.video.currentTime, self._playing)
        self._ask()

    # ---- progress
    def signed_in(self, uid):
        """Read where this learner left the lesson; their saves start once it is known."""
        if uid == self._uid:
            return
        self._uid = uid
        self.tracker = Tracker()
        progress.read(uid, self.course_id, self.lesson_id, self._got_progress)

    def signed_out(self):
        self._uid = None
        self.tracker = Tracker()
        self._start_at = None

    def _got_progress(self, record):
        self.tracker.load(record, _now())
        video = self.video
        untouched = not self._touched and video.paused and video.currentTime < 1
        if not video.getAttribute("src") or not untouched or self._linked is not None:
            return  # _got_url resumes, or the learner is already watching
        second = resume_at(record)
        if not second:
            return
        if video.readyState >= 1:
            video.currentTime = second
        else:
            self._start_at = second

    def save_progress(self):
        """Save the place and watched seconds now, if anything changed (pause, page hide)."""
        uid = self._uid
        if uid is None:
            return
        now = _now()
        values = self.tracker.values(now)
        if values is None:
            return
        tracker = self.tracker
        first = not tracker.exists
        tracker.sent(values, now)
        progress.save(
            uid,
            self.course_id,
            self.lesson_id,
            values,
            first,
            tracker.stored,
            lambda e: self._refused(tracker),
        )

    def _refused(self, tracker):
        """A save was refused (another tab saved more, or the access went): re-read it."""
        tracker.refused()
        if self._uid is not None:
            progress.read(
                self._uid, self.course_id, self.lesson_id, lambda r: tracker.merge(r, _now())
            )

    def _visibility(self, *args):
        if document.visibilityState == "hidden":
            self.save_progress()

    def current_second(self):
        return int(self.video.currentTime)

    def seek(self, second):
        """The learner (or a link) chose this place: a saved place read late must not move it."""
        self._touched = True
        self._start_at = None
        self.video.currentTime = second
        self._time()

    def _hash_changed(self):
        """A #t=<second> link followed on this lesson's page: the video goes there."""
        second = fragment_second(window.location.hash)
        if second is None:
            return
        self._linked = second
        if self.video.readyState >= 1:
            self.seek(second)
        else:
            self._start_at = second or None

    def _metadata(self, *args):
        self._tries = 0
        duration = self.video.duration
        try:
            self.duration = float(duration)
        except Exception:  # noqa: BLE001 - NaN/Infinity before the metadata is known
            self.duration = 0
        if self.duration != self.duration or self.duration == float("inf"):
            self.duration = 0
        self.tracker.set_duration(self.duration)
        if self._start_at:
            self.video.currentTime = self._start_at  # the saved place (first frame there)
            self._start_at = None
        self.scrubber.setAttribute("data-ready", "1" if self.duration else "0")
        for qid in self.marks:
            self._draw(qid)

    def _time(self, *args):
        video = self.video
        if video.readyState >= 1:  # not the reset to 0 while a fresh URL loads
            self.tracker.at(video.currentTime, not video.paused and not video.seeking, _now())
            if self.tracker.due(_now()):
                self.save_progress()
        if self.duration:
            pct = 100 * self.video.currentTime / self.duration
            self.fill.style.width = str(pct) + "%"
        set_text(self.second_label, clock(self.video.currentTime))

    def mark(self, qid, second, title):
        """Show (or move) qid's marker at second; second None removes it."""
        if second is None:
            self.unmark(qid)
            return
        self.marks[qid] = (second, title)
        self._draw(qid)

    def unmark(self, qid):
        self.marks.pop(qid, None)
        marker = self.marker_els.pop(qid, None)
        if marker is not None:
            marker.remove()

    def _draw(self, qid):
        second, title = self.marks[qid]
        marker = self.marker_els.get(qid)
        if marker is None:
            marker = element("button", "marker")
            marker.type = "button"
            marker.setAttribute("data-key", qid)
            marker.setAttribute("data-second", str(second))
            on(marker, "click", lambda *a: self.seek(self.marks.get(qid, (0, ""))[0]))
            self.markers.appendChild(marker)
            self.marker_els[qid] = marker
        marker.title = clock(second) + " · " + title
        marker.setAttribute("aria-label", "Seek to " + clock(second) + ": " + title)
        if self.duration:
            pct = min(100, 100 * second / self.duration)
            marker.style.left = str(pct) + "%"
            marker.hidden = False
        else:
            marker.hidden = True
