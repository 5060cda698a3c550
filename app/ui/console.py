"""Staff console: every question of the courses one moderates, live, by how long it waited.

#console's data-state: pending (skeleton rows) · signed-out · not-staff · live · error.
Each queue item is a question's summary line (pin, lock and hide on its head line); opened,
the lesson page's QuestionCard takes its place (answer, endorse, ... are its own calls into
app/services/forum.py), bound to a per-course context. Each course's questions come from
one windowed LiveList (forum.queue_query: its newest QUEUE_WINDOW by createdAt), and its
answers from one more (answers_query: by key, from the window's oldest
question on: push ids are chronological), so a cold open costs two listeners per course,
not one per question. A question pushed out of a full window by a newer one stays in view
(watched on its own) until "Show older questions" widens the window. Unanswered questions
come first, the longest waiting at the top; answered ones follow, newest first. The tab
title carries the unanswered count.
"""

from pyscript import document, window
from pyscript.ffi import create_proxy

from app.binding.live import LiveList, LiveValue
from app.model import gurubot, paths
from app.pages import PAGES
from app.services import database, errors, forum
from app.ui import status
from app.ui.audit import AuditPanel
from app.ui.dom import by_id, element, find, on, set_attr, set_text
from app.ui.hot_moments import HotMoments
from app.ui.office_hours import StaffOfficeHours
from app.ui.posts import author_line, role_label, show_role
from app.ui.question import QUESTION_HTML, QuestionCard, _flip_flag
from app.ui.reports import ThreadReports
from app.ui.restrict import RestrictTool
from app.ui.staff import read_staff_courses

TITLE = "Console · Nimbus"
SHOW = ("waiting", "all", "reported", "hidden")
SHOW_WORDS = {
    "waiting": "Unanswered",
    "all": "All questions",
    "reported": "Reported",
    "hidden": "Hidden",
}
META_HTML = (
    '<p class="queue-meta"><span class="queue-course" data-field="course"></span> · '
    '<a class="queue-lesson" data-field="lesson"></a> · '
    '<span class="queue-wait" data-field="wait"></span>'
    '<span class="queue-tools"><button type="button" class="link" data-tool="pinned">Pin</button>'
    '<button type="button" class="link" data-tool="locked">Lock</button>'
    '<button type="button" class="link" data-tool="hidden">Hide</button></span></p>'
    '<p class="form-error queue-error" role="alert"></p>'
)
# A flag's button: (label to set it, to clear it, "Not <verb>" / "Not <unverb>" on refusal).
TOOLS = {
    "pinned": ("Pin", "Unpin", "pinned", "unpinned"),
    "locked": ("Lock", "Unlock", "locked", "unlocked"),
    "hidden": ("Hide", "Unhide", "hidden", "unhidden"),
}


MINUTE_MS = 60 * 1000
HOUR_MINUTES = 60


def waited(ms):
    """How long a question has waited, in words: 'just now', '12 min', '3 h', '2 days'."""
    minutes = max(0, int(ms // MINUTE_MS))
    if minutes < 1:
        return "just now"
    if minutes < HOUR_MINUTES:
        return str(minutes) + " min"
    hours = minutes // HOUR_MINUTES
    if hours < 48:
        return str(hours) + " h"
    return str(hours // 24) + " days"


# A queue item starts as the card's summary line only (a full QuestionCard costs several
# milliseconds of Python each, hundreds of them on a cold open); opening it builds the card.
SUMMARY_HTML = QUESTION_HTML[: QUESTION_HTML.index("</summary>") + len("</summary>")] + "</details>"
FLAGS = ("pinned", "locked", "hidden")


def answers_query(course_id, from_qid):
    """A course's answers, one child per question, for questions from_qid and newer (push
    ids sort by creation): one answers listener for a whole window."""
    return {"path": paths.forum_post(course_id, "answers"), "start_at": from_qid}


def last_answers_query(course_id, count):
    """The answers of the count newest questions (by key) that have any."""
    return {"path": paths.forum_post(course_id, "answers"), "limit_to_last": count}


def lesson_url(course_id, lesson_id):
    return "/" + PAGES["lesson"]["url"].format(course_id=course_id, lesson_id=lesson_id)


class _Course:
    """One course's window of questions, and the context its QuestionCards work in."""

    def __init__(self, console, course_id, course, user):
        self.console = console
        self.course_id = course_id
        self.title = course.get("title") or course_id
        self.instructor_uid = course.get("instructorUid")
        self.uid = user["uid"]
        self.admin = bool(user.get("admin"))
        self.staff = True  # the console lists only the courses the rules let us moderate
        self.lessons = {}
        self.done = False
        self.window = forum.QUEUE_WINDOW
        self.keys = {}  # the questions in the window now
        self.model = LiveList(forum.queue_query(course_id, self.window), self)
        self.answers = {}  # qid -> {aid: not answering}, for the window's questions (and newer)
        self.answers_from = None  # the key the answers listener starts at (None: the last)
        self.answers_model = None
        self.answers_in = False
        self.pushed = False  # the last-N answers listener let one go before the window was in
        self.strays = {}  # qid -> LiveValue: pushed out of the window, still in view
        self.windowed = False
        self.reports = {}  # qid -> {postId: {uid: report}} (issue 15: staff read them all)
        self.reports_model = LiveValue(paths.reports(course_id), _CourseReports(self))
        self.restrictions = {}  # uid -> {kind, reason, until?, by, at}: mutes and bans
        self.restrictions_model = LiveValue(paths.moderation(course_id), _Restrictions(self))

    def start(self):
        database.read_once(paths.lessons(self.course_id), self._lessons)
        self.model.start()
        self.reports_model.start()
        self.restrictions_model.start()
        # At the same time as the window, not after it: the answers of the newest
        # questions by key, which hold the window's unless that many newer keys have answers.
        self.answers_limit = self.window
        view = _CourseAnswers(self, last=True)
        self.answers_model = LiveList(last_answers_query(self.course_id, self.window), view)
        self.answers_model.start()

    def _covered(self):
        """The answers listener holds every windowed question's answers (or may yet)."""
        if not self.keys:
            return True
        start = min(self.keys)
        if self.answers_from is not None:
            return self.answers_from <= start
        if not self.answers_in:
            return True  # asked in parallel: judged once it is in
        return len(self.answers) < self.answers_limit or min(self.answers) <= start

    def _listen_answers(self):
        """One listener for the answers of every question from the window's oldest on
        (its start only moves back, when the window widens)."""
        start = min(list(self.keys) + [database.new_key(paths.questions(self.course_id))])
        if self.answers_from is not None and self.answers_from <= start:
            return
        self.answers_from = start
        if self.answers_model is not None:
            self.answers_model.stop()
        self.answers_in = False
        view = _CourseAnswers(self)
        self.answers_model = LiveList(answers_query(self.course_id, start), view)
        self.answers_model.start()

    def full(self):
        """The window holds as many questions as it may: older ones may exist."""
        return self.done and len(self.keys) >= self.window

    def widen(self):
        """Show older questions: a window twice as long (its items stay; older ones join)."""
        self.window *= 2
        self.model.stop()
        self.model = LiveList(forum.queue_query(self.course_id, self.window), self)
        self.model.start()

    def stop(self):
        self.model.stop()
        self.reports_model.stop()
        self.restrictions_model.stop()
        if self.answers_model is not None:
            self.answers_model.stop()
        for qid in self.strays:
            self.strays[qid].stop()
        self.strays = {}

    def _lessons(self, lessons):
        self.lessons = lessons or {}
        self.console.schedule()

    def lesson_title(self, lesson_id):
        return (self.lessons.get(lesson_id) or {}).get("title") or lesson_id or ""

    def author_role(self):
        """authorRole for our posts here: the role the rules will check."""
        if self.instructor_uid == self.uid:
            return "instructor"
        return "admin" if self.admin else None

    def counts_changed(self):
        self.console.schedule()

    # ---- keyed view of the window
    def upsert(self, qid, value, prev_key=None):
        self.keys[qid] = True
        stray = self.strays.pop(qid, None)
        if stray is not None:  # back in the (widened) window
            stray.stop()
        self.console.upsert(self, qid, value or {})

    def remove(self, qid):
        """Deleted, or pushed out of the window by a newer question: the question itself
        says which (a pushed-out one stays in view, live, until the window widens)."""
        self.keys.pop(qid, None)
        if qid not in self.strays:
            stray = LiveValue(paths.question(self.course_id, qid), _Stray(self, qid))
            self.strays[qid] = stray
            stray.start()

    def stray_gone(self, qid):
        stray = self.strays.pop(qid, None)
        if stray is not None:
            stray.stop()
        self.console.remove(self.course_id + "/" + qid)

    def loaded(self):
        """The window is in; the course is done once its questions' answers are too."""
        self.windowed = True
        if all(c.windowed for c in self.console.courses.values()):
            status.mark("console-windows")  # bench/console_bench.py's breakdown
        self._settle()

    def answers_loaded(self):
        self.answers_in = True
        self._settle()

    def _settle(self):
        """Done once the window and its answers are in; a listener that misses some of the
        window's questions (widened, or many newer ones answered) starts from its oldest."""
        if not self._covered():
            self._listen_answers()
            return
        if self.windowed and self.answers_in and not self.done:
            self.done = True
            self.console.loaded()
            if self.pushed:
                self.answers_pushed_out()

    def answers_pushed_out(self):
        """The last-N listener let go of its oldest (a question newly answered, or one's
        answers deleted): from now on, one that starts at the window's oldest question."""
        self.pushed = True
        if self.done and self.answers_from is None:
            self._listen_answers()

    def answers_changed(self, qid):
        item = self.console.cards.get(self.course_id + "/" + qid)
        if item is not None:
            item.changed()

    def error(self, err):
        self.done = True
        self.console.error(self, err)


class _Restrictions:
    """A course's mutes and bans (one listener): each item's tool shows its author's."""

    def __init__(self, course):
        self.course = course

    def show(self, value):
        self.course.restrictions = value or {}
        cards = self.course.console.cards
        for key in cards:
            if cards[key].ctx.course is self.course:
                cards[key].restrict.show(cards[key].value.get("uid"))

    def error(self, err):
        self.course.restrictions = {}


class _CourseReports:
    """A course's reports (one listener): each queue item shows its thread's."""

    def __init__(self, course):
        self.course = course

    def show(self, value):
        self.course.reports = value or {}
        console = self.course.console
        for key in console.cards:
            item = console.cards[key]
            if item.ctx.course is self.course:
                item.show_reports()
        console.schedule()

    def error(self, err):
        self.course.reports = {}


class _CourseAnswers:
    """Keyed view of a course's answers, one child per question: {aid: answer}."""

    def __init__(self, course, last=False):
        self.course = course
        self.first = True
        self.last = last  # a last-N listener: a removal is a push-out, not a deletion
        self.seen = {}  # what this listener's first load brought

    def upsert(self, qid, value, prev_key=None):
        value = value or {}
        if self.first:
            self.seen[qid] = True
        self.course.answers[qid] = {aid: _not_answering(value[aid] or {}) for aid in value}
        self.course.answers_changed(qid)

    def remove(self, qid):
        if self.last:  # pushed out, or deleted: the listener that replaces it tells which
            self.course.answers_pushed_out()
            return
        self.course.answers.pop(qid, None)
        self.course.answers_changed(qid)

    def loaded(self):
        if self.first:
            self.first = False
            start = self.course.answers_from
            if start is not None:  # a replacement: what it did not bring is gone
                for qid in list(self.course.answers):
                    if qid >= start and qid not in self.seen:
                        self.course.answers.pop(qid, None)
                        self.course.answers_changed(qid)
            self.course.answers_loaded()

    def error(self, err):
        self.course.error(err)


class _Stray:
    """A question a full window let go of: kept in view while it exists."""

    def __init__(self, course, qid):
        self.course = course
        self.qid = qid

    def show(self, value):
        if value is None:
            self.course.stray_gone(self.qid)
        elif self.qid in self.course.strays:
            self.course.console.upsert(self.course, self.qid, value)

    def error(self, err):
        self.course.stray_gone(self.qid)


class _CardContext:
    """What a QuestionCard asks of its page: its course's context, and where to seek."""

    def __init__(self, course, qid):
        self.course = course
        self.qid = qid
        self.course_id = course.course_id
        self.staff = True

    def author_role(self):
        return self.course.author_role()

    def counts_changed(self):
        self.course.console.schedule()

    def seek(self, second):
        """The card's "asked at" button: the lesson itself (the video is there)."""
        card = self.course.console.cards.get(self.course_id + "/" + self.qid)
        lesson_id = card.value.get("lessonId") if card is not None else None
        if lesson_id:
            window.location.href = lesson_url(self.course_id, lesson_id)


def _not_answering(answer):
    """Hidden, or Gurubot's suggestion: neither answers a question until it is accepted."""
    return answer.get("hidden") is True or answer.get("authorRole") == gurubot.BOT_ROLE


class _Answers:
    """One question's answers as {aid: not answering}, from its course's answers listener."""

    def __init__(self, course, qid):
        self.course = course
        self.qid = qid

    @property
    def hidden(self):
        return self.course.answers.get(self.qid) or {}


_template = []


def _parse(html):
    """The element html spells (fixed markup and escaped keys only), via one <template>."""
    if not _template:
        _template.append(document.createElement("template"))
    _template[0].innerHTML = html
    return _template[0].content.firstElementChild


def _attr(text):
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")


class _Item:
    """One queue item: a summary line bound to its question, a full QuestionCard once opened."""

    def __init__(self, console, course, qid):
        self.console = console
        self.ctx = _CardContext(course, qid)
        self.qid = qid
        self.key = course.course_id + "/" + qid
        self.value = {}
        self.card = None
        self.count_shown = 0  # the markup says "0 answers"
        self.thread_reports = ThreadReports(course.course_id, qid, self.report)
        self.restrict = RestrictTool(course, self.report)
        self.root = _parse(  # one parse per item: hundreds of them on a cold open
            '<li class="question" data-key="' + _attr(self.key) + '" data-course="'
            + _attr(course.course_id) + '"><div class="q-wrap"><div class="queue-head">'
            + META_HTML + "</div>" + SUMMARY_HTML + "</div></li>"
        )  # fmt: skip
        self.details = self.root.firstElementChild
        self._meta(self.details, self.details.firstElementChild)
        self.answers = _Answers(course, qid)  # the queue's one toggle listener opens it

    def _meta(self, wrap, head=None):
        if head is None:  # an opened card: its head line joins it
            head = element("div", "queue-head", META_HTML)
            wrap.insertBefore(head, wrap.firstChild)
            self.root.setAttribute("data-key", self.key)
            self.root.setAttribute("data-course", self.ctx.course_id)
        self.tools_shown = (False, False, False)  # the markup's labels: Pin, Lock, Hide
        self._show_tools()
        head.appendChild(self.thread_reports.root)  # moves along when the card opens
        head.appendChild(self.restrict.root)

    def show_reports(self):
        """This thread's reports (count, reasons, resolutions) on the head line."""
        self.thread_reports.show(self.ctx.course.reports.get(self.qid))
        set_attr(self.root, "data-reported", self.thread_reports.count or None)

    def tool(self, flag):
        """A head-line button (one click listener on the queue serves every item)."""
        _on, _off, verb, unverb = TOOLS[flag]
        set_text(find(self.details, ".queue-error"), "")
        _flip_flag(self, paths.question_in_forum(self.qid), self.value, flag, verb, unverb)

    def _show_tools(self):
        shown = tuple(self.value.get(flag) is True for flag in TOOLS)
        if shown == self.tools_shown:
            return  # most items: nothing set, the markup's labels stand
        self.tools_shown = shown
        for i, flag in enumerate(TOOLS):
            words = TOOLS[flag]
            button = find(self.details, '[data-tool="' + flag + '"]')
            set_text(button, words[1] if shown[i] else words[0])

    def report(self, message):
        """A refused flag, in words, on the item's head line."""
        set_text(find(self.details, ".queue-error"), message)

    def start(self):
        self.show_reports()
        self.changed()

    def stop(self):
        if self.card is not None:
            self.card.stop()

    def changed(self):
        count = len(self.answers.hidden)
        if self.card is None and count != self.count_shown:
            self.count_shown = count
            set_text(find(self.details, '[data-field="answers"]'),
                     str(count) + (" answer" if count == 1 else " answers"))  # fmt: skip
        self.console.schedule()

    def update(self, value):
        self.value = value
        self.restrict.show(value.get("uid"))
        self._show_tools()
        if self.card is not None:
            self.card.update(value)
            return
        set_text(find(self.details, '[data-field="title"]'), value.get("title", ""))
        set_text(find(self.details, '[data-field="author"]'), author_line(value))
        set_text(find(self.details, '[data-field="role"]'), role_label(value))
        show_role(self.root, value)
        set_attr(self.root, "data-accepted", value.get("acceptedAnswerId") is not None or None)
        for flag in FLAGS:
            set_attr(self.root, "data-" + flag, value.get(flag) is True or None)

    def open(self, *args):
        """Opened: the lesson page's card takes the item's place, open, with its tools."""
        if self.card is not None or not find(self.details, "details").open:
            return
        card = QuestionCard(self.ctx, self.qid)
        self.card = card
        old = self.root
        self.root = card.root
        self.details = card.details
        self._meta(card.details)
        card.root.hidden = old.hidden
        card.start()
        card.update(self.value)
        old.replaceWith(card.root)
        card.open()
        self.console.shown.pop(self.key, None)  # its meta line is to be filled again
        self.console.schedule()


class ConsoleView:
    def __init__(self):
        self.root = by_id("console")
        self.list = by_id("queue")
        self.courses = {}
        self.options = {}
        self.cards = {}
        self.shown = {}  # key -> what _show_item last put on screen
        self.placed = []  # the keys in their on-screen order
        self.live = False
        self.marked = False  # nimbus:console-live, once every course's window is in
        self.queued = False
        self.generation = 0
        self._tick = create_proxy(lambda *a: self.refresh())
        window.setInterval(self._tick, MINUTE_MS)  # "waiting 12 min" moves on by itself
        self.show = by_id("console-show")
        self.course_filter = by_id("console-course")
        on(self.show, "change", lambda *a: self.refresh())
        on(self.course_filter, "change", lambda *a: self.refresh())
        self.older = by_id("console-older")
        on(self.older, "click", self.show_older)
        on(self.list, "click", self._tool_click)
        self._toggle = create_proxy(self._toggled)  # toggle does not bubble: capture it
        self.list.addEventListener("toggle", self._toggle, True)
        self.office_hours = StaffOfficeHours(by_id("office-hours"))  # issue 15 item 6
        self.hot = HotMoments(by_id("hot-moments"), self)  # issue 15 item 7
        self.audit = AuditPanel(by_id("console-audit"))  # issue 15 item 5

    def _state(self, state):
        self.root.setAttribute("data-state", state)

    # ---- session
    def signed_in(self, user):
        status.mark("console-signed-in")
        self._stop()
        self._state("pending")
        generation = self.generation

        def got(mine):
            if generation != self.generation:
                return  # signed out (or in as someone else) meanwhile
            if not mine:
                self._clear_skeletons()
                self._state("not-staff")
                return
            self._courses_known(mine, user)

        read_staff_courses(user, got, self._failed)

    def signed_out(self):
        self._stop()
        self._clear_skeletons()
        self._state("signed-out")

    def _stop(self):
        self.generation += 1
        self.office_hours.stop()
        self.hot.stop()
        self.audit.stop()
        for cid in self.courses:
            self.courses[cid].stop()
        self.courses = {}
        for key in list(self.cards):
            self.remove(key)
        self.placed = []
        self.older.hidden = True
        self.live = False
        for cid in self.options:
            self.options[cid].remove()
        self.options = {}
        self.course_filter.value = ""
        document.title = TITLE

    def _courses_known(self, mine, user):
        status.mark("console-courses")  # the catalog is in: the listeners start
        for cid in sorted(mine):
            course = _Course(self, cid, mine[cid], user)
            self.courses[cid] = course
            option = document.createElement("option")
            option.value = cid
            self.course_filter.appendChild(option)
            self.options[cid] = option
        self.refresh()
        for cid in self.courses:
            self.courses[cid].start()
        self.office_hours.start(mine, user)
        self.hot.start(mine)
        self.audit.start(mine, user)

    def _failed(self, err):
        self._clear_skeletons()
        self._state("error")
        set_text(by_id("console-error"), "The console could not load: " + err.message)

    # ---- the queue
    def upsert(self, course, qid, value):
        key = course.course_id + "/" + qid
        item = self.cards.get(key)
        if item is None:
            item = _Item(self, course, qid)
            set_attr(item.root, "data-arrived", self.live or None)  # slides in (stylesheet)
            self.cards[key] = item
            item.start()
        item.update(value)
        self.schedule()

    def remove(self, key):
        card = self.cards.pop(key, None)
        self.shown.pop(key, None)
        if card is not None:
            card.stop()
            card.root.remove()
        self.schedule()

    def loaded(self):
        if not self.live:
            self.live = True
            self._clear_skeletons()
            self._state("live")
        self.schedule()

    def error(self, course, err):
        if err.kind == errors.PERMISSION:
            message = "You are no longer staff of " + course.title + "."
        else:
            message = course.title + " could not load: " + err.message
        set_text(by_id("console-error"), message)
        self.loaded()

    def _clear_skeletons(self):
        for node in list(self.list.querySelectorAll("[data-skeleton]")):
            node.remove()

    def schedule(self):
        """Coalesce a burst of child events (a first load) into one refresh."""
        if not self.queued:
            self.queued = True
            window.setTimeout(self._tick, 0)

    @staticmethod
    def answered(item):
        """Answered for the learner: accepted, or a visible answer not by Gurubot."""
        if item.value.get("acceptedAnswerId"):
            return True
        hidden = item.answers.hidden
        for aid in hidden:
            if not hidden[aid]:
                return True
        return False

    def refresh(self):
        """Order, filter and count the queue; only items whose place changed move."""
        self.queued = False
        show = self.show.value or "waiting"
        only = self.course_filter.value or ""
        now = forum.now_ms()
        counts = {"waiting": 0, "all": 0, "reported": 0, "hidden": 0}
        per_course = {}
        waiting_total = 0
        order = []
        for key in self.cards:
            card = self.cards[key]
            value = card.value
            cid = card.ctx.course_id
            hidden = value.get("hidden") is True
            answered = self.answered(card)
            created = value.get("createdAt") or now
            waiting = not hidden and not answered
            if waiting:
                waiting_total += 1
                per_course[cid] = per_course.get(cid, 0) + 1
            in_course = not only or only == cid
            reported = card.thread_reports.count > 0
            if in_course:
                counts["hidden" if hidden else "all"] += 1
                counts["reported"] += 1 if reported else 0
                if waiting:
                    counts["waiting"] += 1
            kinds = {"waiting": waiting, "all": not hidden, "reported": reported, "hidden": hidden}
            self._show_item(key, card, in_course and kinds[show], waiting, now - created)
            order.append(((1, -created) if answered else (0, created), key))
        order.sort()
        keys = [key for _, key in order]
        if keys != self.placed:  # an answer arriving mostly moves nothing
            self._reorder(keys)
            self.placed = keys
        for name in SHOW:
            option = find(self.show, 'option[value="' + name + '"]')
            set_text(option, SHOW_WORDS[name] + " (" + str(counts[name]) + ")")
        for cid in self.options:
            waiting = per_course.get(cid, 0)
            words = self.courses[cid].title + " (" + str(waiting) + " unanswered)"
            set_text(self.options[cid], words)
        set_text(by_id("console-waiting"), waiting_total)
        set_attr(self.root, "data-empty", counts[show] == 0 or None)
        title = ("(" + str(waiting_total) + ") " + TITLE) if waiting_total else TITLE
        if document.title != title:
            document.title = title
        self.older.hidden = not any(c.full() for c in self.courses.values())
        self.hot.render()
        if not self.marked and self.courses and all(c.done for c in self.courses.values()):
            self.marked = True
            status.mark("console-live")  # what bench/console_bench.py times

    def _toggled(self, event):
        root = event.target.closest("[data-key]")
        item = self.cards.get(root.getAttribute("data-key")) if root else None
        if item is not None:
            item.open()

    def _tool_click(self, event):
        button = event.target.closest("[data-tool]")
        item_root = button.closest("[data-key]") if button else None
        item = self.cards.get(item_root.getAttribute("data-key")) if item_root else None
        if item is not None:
            item.tool(button.getAttribute("data-tool"))

    def show_older(self, *args):
        for cid in self.courses:
            if self.courses[cid].full():
                self.courses[cid].widen()

    def _show_item(self, key, card, shown, waiting, age):
        """Filter state and the meta line of one item, touching the DOM only on change
        (a first load refreshes once per batch of answers, over every item)."""
        course = card.ctx.course
        lesson_id = card.value.get("lessonId") or ""
        wait = "waiting " + waited(age) if waiting else "answered"
        if card.value.get("hidden") is True:
            wait = "hidden"
        state = (shown, wait, course.lesson_title(lesson_id))
        if self.shown.get(key) == state:
            return
        self.shown[key] = state
        card.root.hidden = not shown
        set_attr(card.root, "data-waiting", waiting or None)
        set_text(find(card.details, '[data-field="course"]'), course.title)
        link = find(card.details, '[data-field="lesson"]')
        set_text(link, state[2])
        set_attr(link, "href", lesson_url(course.course_id, lesson_id) if lesson_id else None)
        set_text(find(card.details, '[data-field="wait"]'), wait)

    def _reorder(self, keys):
        prev = None
        for key in keys:
            node = self.cards[key].root
            if prev is None:
                first = self.list.firstElementChild
                if first is None or first.getAttribute("data-key") != key:
                    self.list.insertBefore(node, first)
            else:
                after = prev.nextElementSibling
                if after is None or after.getAttribute("data-key") != key:
                    prev.after(node)
            prev = node
