"""Slow mode on the lesson page: the ask form says the course's pace and counts down, and
a muted learner reads there, before writing anything, why and until when.

slowMode/<cid> (members read it) and the learner's own slowStamps/<cid>/<uid> ({at}: the
server time of their last post here) are listened to; once a second the note says how long until
the rules let the next post in. Staff are not slowed, so they see nothing.
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
        self._tick = create_proxy(lambda *a: self.render())

    def start(self, course_id, uid, staff):
        self.stop()
        if staff or uid is None:
            return
        self.models = [
            LiveValue(paths.slow_mode(course_id), _Value(self, "mode")),
            LiveValue(paths.slow_stamp(course_id, uid), _Value(self, "stamp")),
            LiveValue(paths.moderation(course_id, uid), _Value(self, "restriction")),
        ]
        for model in self.models:
            model.start()
        self.timer = window.setInterval(self._tick, 1000)

    def stop(self):
        for model in self.models:
            model.stop()
        self.models = []
        if self.timer is not None:
            window.clearInterval(self.timer)
            self.timer = None
        self.mode = self.stamp = self.restriction = None
        self.render()

    def render(self):
        record = self.restriction if isinstance(self.restriction, dict) else None
        words = moderation.restriction_words(record, forum.now_ms()) if record else None
        set_attr(self.node, "data-restricted", bool(words) or None)
        if words:
            self.node.hidden = False
            set_text(self.node, words)
            return
        seconds = moderation.slow_seconds((self.mode or {}).get("course"))
        if not seconds:
            self.node.hidden = True
            set_text(self.node, "")
            return
        stamp = (self.stamp or {}).get("at") if isinstance(self.stamp, dict) else None
        wait = moderation.slow_wait(seconds, stamp, forum.now_ms())
        self.node.hidden = False
        set_attr(self.node, "data-wait", wait or None)
        set_text(self.node, moderation.slow_words(seconds, wait))
