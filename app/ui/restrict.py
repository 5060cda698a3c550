"""Mute or ban a post's author from the console (issue 15): reason, optional end, audited.

The course's mutes and bans come from one listener per course (moderation/<cid>, which its
staff read); each queue item's tool shows its author's state and Mute / Ban / Lift.
"""

from app.model import limits
from app.services import forum, moderation
from app.ui.dom import element, find, on, set_text
from app.ui.forms import check_text

HOUR_MS = 3600 * 1000
DURATIONS = (("hour", "for 1 hour", HOUR_MS), ("day", "for 1 day", 24 * HOUR_MS),
             ("week", "for 1 week", 7 * 24 * HOUR_MS), ("ever", "until lifted", 0))  # fmt: skip
FORM_HTML = (
    '<input class="restrict-reason" maxlength="' + str(limits.REASON_MAX) + '" '
    'placeholder="Reason (the learner reads it)" aria-label="Reason">'
    ' <select class="restrict-for" aria-label="How long">'
    + "".join('<option value="' + k + '">' + w + "</option>" for k, w, _ in DURATIONS)
    + '</select> <button type="button" class="link" data-act="mute">Mute</button>'
    '<button type="button" class="link" data-act="ban">Ban</button>'
    '<button type="button" class="link" data-act="cancel">Cancel</button>'
)


class RestrictTool:
    """'Mute or ban the author' on a queue item; 'Muted: … · Lift' while one holds."""

    def __init__(self, course, report_error):
        self.course = course  # the console's _Course: course_id, restrictions, uid
        self.report_error = report_error
        self.author = None
        self.root = element("span", "restrict-tool")
        self.state = element("span", "restrict-state meta")
        self.open_button = element("button", "link")
        self.open_button.type = "button"
        self.open_button.setAttribute("data-act", "restrict")
        set_text(self.open_button, "Mute or ban the author")
        self.lift_button = element("button", "link")
        self.lift_button.type = "button"
        self.lift_button.setAttribute("data-act", "lift")
        set_text(self.lift_button, "Lift")
        self.form = element("span", "restrict-form", FORM_HTML)
        self.form.hidden = True
        for node in (self.state, self.lift_button, self.open_button, self.form):
            self.root.appendChild(node)
        on(self.open_button, "click", self._open)
        on(find(self.form, '[data-act="cancel"]'), "click", self._close)
        on(find(self.form, '[data-act="mute"]'), "click", lambda *a: self._send("mute"))
        on(find(self.form, '[data-act="ban"]'), "click", lambda *a: self._send("ban"))
        on(self.lift_button, "click", self._lift)
        self.show(None)

    def show(self, author):
        """The item's author uid (None: not known yet); refreshed on the course's changes."""
        self.author = author
        staff = author is None or author == self.course.uid or author == self.course.instructor_uid
        self.root.hidden = staff
        record = self.course.restrictions.get(author) if author else None
        words = moderation.restriction_words(record, forum.now_ms()) if record else None
        if words:
            what = "Muted" if record.get("kind") == "mute" else "Banned"
            until = record.get("until")
            when = " until " + moderation._when(until) if until else " until lifted"
            set_text(self.state, "Author: " + what.lower() + when + ". ")
        else:
            set_text(self.state, "")
        self.lift_button.hidden = not words
        self.open_button.hidden = bool(words) or not self.form.hidden

    def _open(self, *args):
        self.form.hidden = False
        self.open_button.hidden = True

    def _close(self, *args):
        self.form.hidden = True
        self.show(self.author)

    def _send(self, kind):
        reason = find(self.form, ".restrict-reason").value.strip()
        problem = check_text(reason, "The reason", limits.REASON_MAX)
        if problem:
            self.report_error(problem)
            return
        choice = find(self.form, ".restrict-for").value
        until = None
        for key, _words, ms in DURATIONS:
            if key == choice and ms:
                until = forum.now_ms() + ms
        said = "muted" if kind == "mute" else "banned"

        def done():
            find(self.form, ".restrict-reason").value = ""
            self._close()

        def refused(err):
            self.report_error("Not " + said + ": " + err.message)

        moderation.restrict(self.course.course_id, self.author, kind, reason, until, done, refused)

    def _lift(self, *args):
        moderation.lift(self.course.course_id, self.author, None,
                        lambda err: self.report_error("Not lifted: " + err.message))  # fmt: skip
