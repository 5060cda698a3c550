"""Office hours (issue 15 item 6): the learner's box on the course page and the staff's
panel in the console, both live on officeHours/$cid (app/services/office_hours.py).

Learner (#office-hours on the course page, data-state): pending · closed (no session) ·
open (a one-line question and Join) · queued (place in line and expected wait, Leave) ·
taken (the instructor is with them) · not-member (the rules refuse the read: hidden).
Staff (#office-hours in the console): one block per course they moderate, with Open /
Close, the queue first come first served, Take next and Done. The expected wait is the
entries ahead (and those being helped) times the mean of the latest service times.
"""

from pyscript import window
from pyscript.ffi import create_proxy

from app.binding.live import LiveList, LiveValue
from app.model import limits, paths
from app.services import courses, database, forum
from app.services import office_hours as oh
from app.ui.dom import element, find, on, set_attr, set_text

MINUTE_MS = 60 * 1000


def _ordinal(n):
    if n % 100 in (11, 12, 13):
        suffix = "th"
    else:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return str(n) + suffix


def _since(ms):
    minutes = max(0, int(ms // MINUTE_MS))
    return "just now" if minutes < 1 else str(minutes) + " min"


class _Field:
    """A value view that hands one field's value to its owner."""

    def __init__(self, owner, name):
        self.owner = owner
        self.name = name

    def show(self, value):
        self.owner.field_changed(self.name, value)

    def error(self, err):
        self.owner.refused(err)


class _Served:
    """Keyed view of the latest served records."""

    def __init__(self, owner):
        self.owner = owner
        self.records = {}

    def upsert(self, key, value, prev_key=None):
        self.records[key] = value or {}
        self.owner.render()

    def remove(self, key):
        self.records.pop(key, None)
        self.owner.render()

    def error(self, err):
        self.owner.refused(err)


class _Session:
    """One course's session as read live: open?, queue, recent served records."""

    def __init__(self, course_id, owner):
        self.course_id = course_id
        self.owner = owner
        self.open = False
        self.by = None
        self.queue = {}
        self.known = set()
        self.served = _Served(owner)
        base = paths.office_hours(course_id)
        self.models = [
            LiveValue(paths.child(base, "open"), _Field(self, "open")),
            LiveValue(paths.office_queue(course_id), _Field(self, "queue")),
            LiveList(oh.served_query(course_id), self.served),
        ]

    def start(self):
        for model in self.models:
            model.start()

    def stop(self):
        for model in self.models:
            model.stop()

    @property
    def ready(self):
        return "open" in self.known and "queue" in self.known

    def field_changed(self, name, value):
        self.known.add(name)
        if name == "open":
            self.open = value is True
        else:
            self.queue = value or {}
        self.owner.render()

    def refused(self, err):
        self.owner.refused(err)

    def average(self):
        return oh.average_service_ms(self.served.records)


LEARNER_HTML = (
    "<h2>Office hours</h2>"
    '<p class="oh-pending skeleton">Checking for a live session…</p>'
    '<p class="oh-closed">No office hours right now. When the instructor opens a live '
    "session, you can join its queue here with a one-line question.</p>"
    '<form class="oh-join"><label for="oh-question">The instructor is holding office hours '
    "now. Your question, in one line:</label> "
    '<input id="oh-question" maxlength="' + str(limits.OFFICE_QUESTION_MAX) + '" '
    'autocomplete="off"> <button type="submit" id="oh-join">Join the queue</button></form>'
    '<div class="oh-queued"><p><b id="oh-position"></b> · expected wait: '
    '<span id="oh-wait"></span></p><p class="meta">Your question: <span id="oh-mine"></span>'
    '</p><p class="meta">Closing this page leaves the queue.</p>'
    '<button type="button" class="link" id="oh-leave">Leave the queue</button></div>'
    '<p class="oh-taken"><b>It\'s your turn:</b> the instructor is answering your question '
    "now.</p>"
    '<p class="meta oh-count" id="oh-count"></p>'
    '<p class="meta oh-note" id="oh-note" aria-live="polite"></p>'
    '<p class="form-error" id="oh-error" role="alert"></p>'
)


class LearnerOfficeHours:
    """The course page's office-hours box for a member (hidden for anyone else)."""

    def __init__(self, root, course_id):
        self.root = root
        self.course_id = course_id
        self.uid = None
        self.session = None
        self.enrolment = None
        self.was = None  # the learner's last state: a vanished entry after "taken" is done
        self.sending = False
        if root is None:
            return
        root.innerHTML = LEARNER_HTML
        on(find(root, ".oh-join"), "submit", self.join)
        on(find(root, "#oh-leave"), "click", self.leave)

    def signed_in(self, user):
        if self.root is None:
            return
        self.signed_out()
        self.uid = user["uid"]
        self.enrolment = LiveValue(courses.enrollments_path(self.uid), _Field(self, "enrolment"))
        self.enrolment.start()

    def signed_out(self):
        for model in (self.session, self.enrolment):
            if model is not None:
                model.stop()
        self.session = self.enrolment = None
        self.uid = None
        if self.root is not None:
            self.root.hidden = True

    def field_changed(self, name, value):
        """The enrolment moved: ask again (the rules decide who reads the session)."""
        if self.session is not None:
            self.session.stop()
        self.root.hidden = False
        self.root.setAttribute("data-state", "pending")
        self.session = _Session(self.course_id, self)
        self.session.start()

    def refused(self, err):
        self.root.hidden = True  # not a member: office hours are the course's own
        self.root.setAttribute("data-state", "not-member")

    def render(self):
        session = self.session
        if session is None or not session.ready:
            return
        queue = session.queue
        mine = queue.get(self.uid)
        waiting = len(oh.waiting_order(queue))
        if mine and mine.get("takenAt"):
            state = "taken"
        elif mine:
            state = "queued"
        elif session.open:
            state = "open"
        else:
            state = "closed"
        if self.was == "taken" and state != "taken":
            set_text(find(self.root, "#oh-note"), "Your turn is over. Join again if you have "
                     "another question.")  # fmt: skip
        elif state in ("queued", "taken"):
            set_text(find(self.root, "#oh-note"), "")
        self.was = state
        self.root.setAttribute("data-state", state)
        if state == "queued":
            place, ahead = oh.position(queue, self.uid)
            set_text(find(self.root, "#oh-position"), "You are " + _ordinal(place) + " in line")
            set_text(find(self.root, "#oh-wait"), oh.wait_words(ahead, session.average()))
            set_text(find(self.root, "#oh-mine"), mine.get("question", ""))
        count = "" if state == "closed" else (str(waiting) + " waiting")
        set_text(find(self.root, "#oh-count"), count)

    def join(self, event):
        event.preventDefault()
        if self.uid is None or self.sending:
            return
        box = find(self.root, "#oh-question")
        question = str(box.value or "")
        problem = oh.question_error(question)
        error = find(self.root, "#oh-error")
        if problem:
            set_text(error, problem)
            return
        set_text(error, "")
        self.sending = True

        def joined():
            self.sending = False
            box.value = ""

        def refused(err):
            self.sending = False  # the draft stays in the box
            set_text(error, "Not joined: " + err.message)

        oh.join(self.course_id, self.uid, question, joined, refused)

    def leave(self, *args):
        if self.uid is None:
            return

        def refused(err):
            set_text(find(self.root, "#oh-error"), "Still in the queue: " + err.message)

        oh.leave(self.course_id, self.uid, None, refused)


STAFF_COURSE_HTML = (
    '<div class="oh-head"><h3 data-field="course"></h3> '
    '<span class="oh-status" data-field="status"></span> '
    '<button type="button" data-act="open">Open office hours</button>'
    '<button type="button" data-act="close">Close</button></div>'
    '<div class="oh-current"><p><b>With you now:</b> <span data-field="current-name"></span>'
    ' · <span data-field="current-question"></span></p>'
    '<button type="button" data-act="done">Done</button></div>'
    '<p class="oh-next"><button type="button" data-act="next">Take next</button> '
    '<span class="meta" data-field="average"></span></p>'
    '<ol class="oh-queue"></ol>'
    '<p class="form-error" role="alert" data-field="error"></p>'
)


class _StaffCourse:
    """One course's block in the console's office-hours panel."""

    def __init__(self, panel, course_id, title, user):
        self.panel = panel
        self.course_id = course_id
        self.uid = user["uid"]
        self.root = element("section", "oh-course", STAFF_COURSE_HTML)
        self.root.setAttribute("data-course", course_id)
        set_text(find(self.root, '[data-field="course"]'), title)
        self.session = _Session(course_id, self)
        for act in ("open", "close", "done", "next"):
            on(find(self.root, '[data-act="' + act + '"]'), "click", self._handler(act))

    def _handler(self, act):
        return lambda *a: getattr(self, "do_" + act)()

    def start(self):
        self.session.start()

    def stop(self):
        self.session.stop()
        self.root.remove()

    def refused(self, err):
        self.report("Office hours could not load: " + err.message)

    def report(self, message):
        set_text(find(self.root, '[data-field="error"]'), message)

    def _failed(self, said):
        return lambda err: self.report(said + ": " + err.message)

    def render(self):
        session = self.session
        if not session.ready:
            return
        queue = session.queue
        order = oh.waiting_order(queue)
        current = oh.in_progress(queue)
        now = forum.now_ms()
        self.root.setAttribute("data-state", "open" if session.open else "closed")
        status = "open" if session.open else "closed"
        if session.open:
            status = "open · " + str(len(order)) + " waiting"
        set_text(find(self.root, '[data-field="status"]'), status)
        set_attr(self.root, "data-current", (current[0] if current else None))
        if current:
            entry = queue[current[0]]
            self._name(find(self.root, '[data-field="current-name"]'), current[0])
            set_text(find(self.root, '[data-field="current-question"]'), entry.get("question"))
        find(self.root, '[data-act="next"]').disabled = bool(current) or not order
        average = session.average()
        words = "" if average is None else ("recent service time " + _since(average))
        set_text(find(self.root, '[data-field="average"]'), words)
        listing = find(self.root, ".oh-queue")
        listing.innerHTML = ""
        for uid in order:
            entry = queue[uid] or {}
            item = element("li", "oh-entry")
            item.setAttribute("data-uid", uid)
            name = element("b")
            self._name(name, uid)
            item.appendChild(name)
            item.appendChild(element("span", "oh-question"))
            set_text(item.lastChild, " · " + (entry.get("question") or ""))
            waited = element("span", "meta")
            set_text(waited, " · waiting " + _since(now - (entry.get("joinedAt") or now)))
            item.appendChild(waited)
            listing.appendChild(item)

    def _name(self, node, uid):
        self.panel.name_of(uid, lambda name: set_text(node, name))

    def do_open(self):
        self.report("")
        oh.open_session(self.course_id, self.uid, None, self._failed("Not opened"))

    def do_close(self):
        self.report("")
        oh.close_session(self.course_id, None, self._failed("Not closed"))

    def do_next(self):
        self.report("")
        order = oh.waiting_order(self.session.queue)
        if order:
            oh.take(self.course_id, order[0], self.uid, None, self._failed("Not taken"))

    def do_done(self):
        self.report("")
        current = oh.in_progress(self.session.queue)
        if current:
            entry = self.session.queue[current[0]]
            oh.done(self.course_id, current[0], entry, None, self._failed("Not marked done"))


class StaffOfficeHours:
    """The console's office-hours panel: one block per course the user moderates."""

    def __init__(self, root):
        self.root = root
        self.courses = {}
        self.names = {}  # uid -> display name, or the callbacks waiting for it
        self._tick = create_proxy(lambda *a: self.render())
        self.timer = None

    def start(self, mine, user):
        self.stop()
        if self.root is None:
            return
        self.root.hidden = False
        for cid in sorted(mine):
            course = _StaffCourse(self, cid, (mine[cid] or {}).get("title") or cid, user)
            self.courses[cid] = course
            self.root.appendChild(course.root)
            course.start()
        self.timer = window.setInterval(self._tick, MINUTE_MS)  # "waiting 3 min" moves on

    def stop(self):
        for cid in self.courses:
            self.courses[cid].stop()
        self.courses = {}
        if self.timer is not None:
            window.clearInterval(self.timer)
            self.timer = None
        if self.root is not None:
            self.root.hidden = True

    def render(self):
        for cid in self.courses:
            self.courses[cid].render()

    def name_of(self, uid, show):
        known = self.names.get(uid)
        if isinstance(known, str):
            show(known)
            return
        if known is not None:
            known.append(show)
            return
        show("a learner")
        waiting = [show]
        self.names[uid] = waiting

        def got(name):
            self.names[uid] = name or "a learner"
            for callback in waiting:
                callback(self.names[uid])

        database.read_once(paths.profile_name(uid), got, lambda err: got(None))
