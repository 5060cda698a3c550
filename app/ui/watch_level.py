"""The course page's notification level (issue 14): all new questions, followed threads
only, or muted (app/model/notices.py), stored at watch/$cid/$uid.

Shown to the course's members only: the rules refuse anyone else's read, and the section
stays hidden. It listens to the enrolment too, so a learner who buys the course sees it
appear without a reload (and one refunded sees it go).
"""

from app.binding.live import LiveValue
from app.model import notices, paths
from app.services import courses, database, inbox
from app.ui.dom import by_id, element, on, set_text

NOTES = {
    notices.ALL: "Every new question in this course, and the threads you follow.",
    notices.FOLLOWED: (
        "Answers and comments in the threads you follow: your questions, the ones you "
        "answered and the ones you chose to follow."
    ),
    notices.MUTED: "Nothing from this course, not even the threads you follow.",
}


class _Enrolment:
    def __init__(self, owner):
        self.owner = owner

    def show(self, value):
        self.owner.membership_changed()


class WatchLevel:
    """The #watch-level section: a select bound to the member's level for the course."""

    def __init__(self, course_id):
        self.course_id = course_id
        self.root = by_id("watch-level")
        self.select = by_id("watch-select")
        self.note = by_id("watch-note")
        self.error_el = by_id("watch-error")
        self.uid = None
        self.instructor_uid = None
        self.stored = None
        self.model = None
        self.enrolment = None
        if self.select is not None:
            for level in notices.LEVELS:
                option = element("option")
                option.value = level
                option.textContent = notices.LEVEL_LABELS[level]
                self.select.appendChild(option)
            on(self.select, "change", self.changed)

    def signed_in(self, user):
        if self.root is None:
            return
        self.signed_out()
        self.uid = user["uid"]
        database.read_once(paths.course_instructor(self.course_id), self._instructor)
        self.enrolment = LiveValue(courses.enrollments_path(self.uid), _Enrolment(self))
        self.enrolment.start()

    def signed_out(self):
        for model in (self.model, self.enrolment):
            if model is not None:
                model.stop()
        self.model = self.enrolment = None
        self.uid = None
        if self.root is not None:
            self.root.hidden = True

    def _instructor(self, uid):
        self.instructor_uid = uid
        if self.stored is not None or self.model is not None:
            self._show_level()

    def membership_changed(self):
        """Ask again whenever the enrolment moves: the rules decide who may read it."""
        if self.uid is None:
            return
        if self.model is not None:
            self.model.stop()
        self.model = LiveValue(inbox.watch_path(self.course_id, self.uid), self)
        self.model.start()

    # ---- value view of watch/$cid/$uid
    def show(self, value):
        self.stored = value
        self.root.hidden = False
        self._show_level()

    def error(self, err):
        self.model = None
        self.root.hidden = True  # not a member: there is nothing to hear about

    def _show_level(self):
        level = notices.level({self.uid: self.stored}, self.uid, self.instructor_uid)
        self.select.value = level
        set_text(self.note, NOTES[level])

    def changed(self, *args):
        if self.uid is None:
            return
        level = str(self.select.value)
        set_text(self.error_el, "")
        set_text(self.note, NOTES.get(level, ""))

        def refused(err):
            set_text(self.error_el, "Not saved: " + err.message)
            self._show_level()  # back to what is stored

        inbox.set_level(self.course_id, self.uid, level, None, refused)
