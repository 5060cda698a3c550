"""The lesson's video with a scrubber that shows where questions were asked."""

from pyscript import window
from pyscript.ffi import create_proxy

from app.ui import status
from app.ui.dom import by_id, clock, element, on, set_text


class PlayerView:
    def __init__(self):
        self.video = by_id("video")
        self.scrubber = by_id("scrubber")
        self.fill = by_id("scrubber-fill")
        self.markers = by_id("markers")
        self.second_label = by_id("ask-second")
        self.marks = {}  # qid -> (second, title)
        self.marker_els = {}  # qid -> its button (never looked up by a selector built from data)
        self.duration = 0
        on(self.video, "loadedmetadata", self._metadata)
        on(self.video, "timeupdate", self._time)
        on(self.scrubber, "click", self._scrub)
        self._media_scheduled = False

    def start_media_after_paint(self):
        """Give the video its controls and load its metadata, once the forum has painted.

        The page ships the video without controls and with preload="none": the native
        controls' first style pass (~50-90 ms on a 2-core machine) and the clip's download
        would otherwise compete with Auth's restore and the forum's first snapshot, which
        is what the page waits for. The forum calls this when it leaves "pending" (live,
        signed out, not enrolled or failed); bench/lesson_bench.py times it.
        """
        if self._media_scheduled:
            return
        self._media_scheduled = True
        start = create_proxy(lambda *a: self._start_media())
        after_frame = create_proxy(lambda *a: window.setTimeout(start, 0))
        window.requestAnimationFrame(after_frame)

    def _start_media(self):
        self.video.controls = True
        self.video.preload = "metadata"
        if self.video.readyState >= 1:
            self._metadata()
        status.mark("media-ready")

    def current_second(self):
        return int(self.video.currentTime)

    def seek(self, second):
        self.video.currentTime = second
        self._time()

    def _metadata(self, *args):
        duration = self.video.duration
        try:
            self.duration = float(duration)
        except Exception:  # noqa: BLE001 - NaN/Infinity before the metadata is known
            self.duration = 0
        if self.duration != self.duration or self.duration == float("inf"):
            self.duration = 0
        if self.duration and not self._seekable():
            self._load_whole()
            return
        self.scrubber.setAttribute("data-ready", "1" if self.duration else "0")
        for qid in self.marks:
            self._draw(qid)

    def _seekable(self):
        ranges = self.video.seekable
        return ranges.length > 0 and ranges.end(ranges.length - 1) >= self.duration - 0.5

    def _load_whole(self):
        """Servers without Range support (the Hosting emulator) leave a video unseekable;
        a Blob of the whole clip is seekable everywhere. Real hosting never gets here."""
        if getattr(self, "_blob", False):
            return
        self._blob = True
        keep = []

        def got_blob(*args):
            position = self.video.currentTime
            self.video.src = window.URL.createObjectURL(args[0])
            self.video.currentTime = position
            keep.clear()

        def got_response(*args):
            return args[0].blob()

        keep.append(create_proxy(got_response))
        keep.append(create_proxy(got_blob))
        window.fetch(self.video.currentSrc).then(keep[0]).then(keep[1])

    def _time(self, *args):
        if self.duration:
            pct = 100 * self.video.currentTime / self.duration
            self.fill.style.width = str(pct) + "%"
        set_text(self.second_label, clock(self.video.currentTime))

    def _scrub(self, *args):
        event = args[0]
        if event.target.classList.contains("marker") or not self.duration:
            return
        box = self.scrubber.getBoundingClientRect()
        if box.width > 0:
            self.seek(self.duration * (event.clientX - box.left) / box.width)

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
