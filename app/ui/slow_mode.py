"""Slow mode on the lesson page: the ask form says the course's pace and counts down, and
a muted learner reads there, before writing anything, why and until when.

slowMode/<cid> (members read it) and the learner's own slowStamps/<cid>/<uid> ({at}: the
server time of their last post here) are listened to; once a second the note says how long until
the rules let the next post in. Staff are not slowed, so they see nothing.

Each question card registers here (add/discard): its answer form's note counts down the
same way under the longer of the course's and that question's own slow mode
(slowMode/<cid>/questions/<qid>), and staff's per-question control shows the setting.
"""

from pyscript import window
from pyscript.ffi import create_proxy

from app.binding.live import LiveValue
from app.model import paths
from app.services import forum, moderation
from app.ui.dom import set_attr, set_text


class _Value:
    def __init__(self, note, name):
        self.note = note
        self.name = name

    def show(self, value):
        setattr(self.note, self.name, value)
        self.note.render()

    def error(self, err):
        setattr(self.note, self.name, None)
        self.note.render()


class SlowModeNote:
    """The ask form's slow-mode line (element ``node``), live, with its countdown."""

    def __init__(self, node):
        self.node = node
        self.mode = None
        self.stamp = None
        self.restriction = None
        self.models = []
        self.timer = None
        self.staff = False
        self.threads = {}  # qid: its card (show_slow(setting, words, wait))
        self._tick = create_proxy(lambda *a: self.render())

    def start(self, course_id, uid, staff):
        self.stop()
        self.staff = staff
        if uid is None:
            return
        self.models = [LiveValue(paths.slow_mode(course_id), _Value(self, "mode"))]
        if not staff:  # staff are not slowed: their cards only show the setting
            self.models.append(LiveValue(paths.slow_stamp(course_id, uid), _Value(self, "stamp")))
            self.models.append(
                LiveValue(paths.moderation(course_id, uid), _Value(self, "restriction"))
            )
            self.timer = window.setInterval(self._tick, 1000)
        for model in self.models:
            model.start()

    def add(self, qid, card):
        self.threads[qid] = card
        self._render_thread(qid, card)

    def discard(self, qid):
        self.threads.pop(qid, None)

    def stop(self):
        for model in self.models:
            model.stop()
        self.models = []
        if self.timer is not None:
            window.clearInterval(self.timer)
            self.timer = None
        self.mode = self.stamp = self.restriction = None
        self.render()

    def _wait_of(self, seconds):
        stamp = (self.stamp or {}).get("at") if isinstance(self.stamp, dict) else None
        return moderation.slow_wait(seconds, stamp, forum.now_ms())

    def _render_thread(self, qid, card):
        """A card's answer-form note (None: nothing holds, or the ask form says the mute)."""
        mode = self.mode if isinstance(self.mode, dict) else {}
        setting = (mode.get("questions") or {}).get(qid)
        seconds = moderation.slow_seconds(mode.get("course"), setting)
        record = self.restriction if isinstance(self.restriction, dict) else None
        muted = record and moderation.restriction_words(record, forum.now_ms())
        if self.staff or not seconds or muted:
            card.show_slow(setting, None, 0)
            return
        wait = self._wait_of(seconds)
        thread = moderation.slow_thread_binds(mode.get("course"), setting)
        card.show_slow(setting, moderation.slow_words(seconds, wait, thread), wait)

    def render(self):
        for qid in self.threads:
            self._render_thread(qid, self.threads[qid])
        record = self.restriction if isinstance(self.restriction, dict) else None
        words = moderation.restriction_words(record, forum.now_ms()) if record else None
        set_attr(self.node, "data-restricted", bool(words) or None)
        if words:
            self.node.hidden = False
            set_text(self.node, words)
            return
        seconds = 0 if self.staff else moderation.slow_seconds((self.mode or {}).get("course"))
        if not seconds:
            self.node.hidden = True
            set_text(self.node, "")
            return
        wait = self._wait_of(seconds)
        self.node.hidden = False
        set_attr(self.node, "data-wait", wait or None)
        set_text(self.node, moderation.slow_words(seconds, wait))
