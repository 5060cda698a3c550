"""The lesson's Q&A: who may take part, the ask form, the filter and the live question list."""

from pyscript import document, window

from app.binding.live import LiveList
from app.model import limits
from app.services import errors, forum
from app.ui import session, status
from app.ui.dom import by_id, on, set_attr, set_text
from app.ui.forms import FormState, check_text
from app.ui.question import QuestionCard
from app.ui.search import SimilarQuestions

TARGET = "#q-"  # the URL fragment naming a question to open (search results link to it)


def _order(question):
    """Pinned first, then newest first."""
    return (0 if question.get("pinned") else 1, -(question.get("createdAt") or 0))


class ForumView:
    """Keyed view of the lesson's questions, each a QuestionCard bound to its own data.

    #forum's data-state: pending (skeletons) · signed-out · locked (not enrolled) · live.
    #forum's data-staff: the user is the course's instructor or an admin; the stylesheet
    then shows staff tools and hidden posts, and the counts include hidden posts.
    """

    def __init__(self, course_id, lesson_id, player):
        self.course_id = course_id
        self.lesson_id = lesson_id
        self.player = player
        self.instructor_uid = None
        self.staff = False
        self.root = by_id("forum")
        self.list = by_id("questions")
        self.cards = {}
        self.values = {}
        self.model = LiveList(forum.questions_query(course_id, lesson_id), self)
        self.form_el = by_id("ask-form")
        self.form = FormState(by_id("ask-submit"), by_id("ask-error"))
        on(self.form_el, "submit", self.ask)
        on(by_id("filter-unanswered"), "change", self.filter_changed)
        self.similar = SimilarQuestions(course_id)
        note = document.createElement("p")
        note.className = "slow-note meta"
        note.hidden = True
        self.form_el.insertBefore(note, by_id("ask-error"))
        from app.ui.slow_mode import SlowModeNote  # issue 15 item 4

        self.slow = SlowModeNote(note)
        # document.defaultView, not pyscript's window: under PyScript `window` is the `js`
        # module, and addEventListener called on it throws "Illegal invocation".
        on(document.defaultView, "hashchange", lambda *a: self._open_target())

    # ---- context the cards use
    def author_role(self):
        """authorRole for this user's new posts: the role the rules will check, or None."""
        user = session.user()
        if user is None:
            return None
        if self.instructor_uid is not None and user["uid"] == self.instructor_uid:
            return "instructor"
        return "admin" if user["admin"] else None

    def seek(self, second):
        self.player.seek(second)

    def counts_changed(self):
        """Unanswered questions this user sees (hidden ones count for staff and their author)."""
        unanswered = 0
        for qid in self.cards:
            card = self.cards[qid]
            if not card.hidden_from_me() and not card.visible_answers():
                unanswered += 1
        set_text(by_id("unanswered-count"), unanswered)

    # ---- session
    def signed_in(self, user):
        self._state("pending")
        self.model.start()
        self._update_staff()
        self.similar.signed_in(user)

    def signed_out(self):
        self.similar.signed_out()
        self.slow.stop()
        self.model.stop()
        for qid in list(self.cards):
            self.remove(qid)
        self._state("signed-out")

    def course_changed(self, course):
        self.instructor_uid = (course or {}).get("instructorUid")
        self._update_staff()

    def enrollment_changed(self, enrolled):
        if enrolled and self.root.getAttribute("data-state") == "locked":
            self._state("pending")
            self.model.restart()

    def _update_staff(self):
        user = session.user()
        staff = user is not None and (user["admin"] or user["uid"] == self.instructor_uid)
        set_attr(self.root, "data-staff", staff or None)
        self.slow.start(self.course_id, session.uid(), staff)
        if staff != self.staff:
            self.staff = staff  # what counts as seen changed: recount, re-mark
            for qid in self.cards:
                self.cards[qid].answers_changed()  # recounts the forum's totals too
                self._mark(qid)

    def _state(self, state):
        if state == "live" and self.root.getAttribute("data-state") != "live":
            status.mark("forum-live")
        self.root.setAttribute("data-state", state)
        by_id("ask-submit").disabled = state != "live"
        if state != "pending":
            self.player.start_media_after_paint()  # the page's first job is done

    # ---- keyed view of the questions
    def upsert(self, key, value, prev_key=None):
        if self.root.getAttribute("data-state") != "live":
            self._clear_skeletons()
            self._state("live")
        card = self.cards.get(key)
        created = card is None
        if created:
            card = QuestionCard(self, key)
            self.cards[key] = card
            card.start()
        self.values[key] = value
        card.update(value)
        self._place(key)
        self._mark(key)
        self.counts_changed()
        if created and str(window.location.hash).startswith(TARGET + key):
            self._open_target()

    def _open_target(self):
        """The question the URL names (#q-<qid>, a search result's link): open it, show it.

        #q-<qid>~<second> (an inbox entry's link) also puts the video at that second."""
        fragment = str(window.location.hash)
        target = fragment[len(TARGET) :].split("~") if fragment.startswith(TARGET) else [""]
        card = self.cards.get(target[0])
        if card is None:
            return
        if len(target) > 1 and target[1].isdigit():
            self.seek(int(target[1]))
        for qid in self.cards:
            set_attr(self.cards[qid].root, "data-target", self.cards[qid] is card or None)
        card.open()
        card.root.scrollIntoView()

    def _mark(self, key):
        """A scrubber marker for each question this user sees (not for hidden ones)."""
        value = self.values[key]
        second = None if self.cards[key].hidden_from_me() else value.get("videoSecond")
        self.player.mark(key, second, value.get("title", ""))

    def _place(self, key):
        mine = _order(self.values[key])
        before = None
        for other in self.values:
            if other != key and _order(self.values[other]) > mine:
                if before is None or _order(self.values[other]) < _order(self.values[before]):
                    before = other
        node = self.cards[key].root
        if before is None:
            self.list.appendChild(node)
        else:
            self.list.insertBefore(node, self.cards[before].root)

    def remove(self, key):
        card = self.cards.pop(key, None)
        self.values.pop(key, None)
        if card is not None:
            card.stop()
            card.root.remove()
        self.player.unmark(key)
        self.counts_changed()

    def error(self, err):
        """The read was refused (not enrolled) or failed: say which, keep the page usable."""
        self._clear_skeletons()
        if err.kind == errors.PERMISSION:
            self._state("locked")
            self._banned_words()
        else:
            self._state("error")
            set_text(by_id("forum-error"), "The discussion could not load: " + err.message)

    def _banned_words(self):
        """Refused because the course staff banned this learner? Then say so, and until when."""
        uid = session.uid()
        if uid is None:
            return
        from app.services import moderation

        def got(record):
            words = moderation.restriction_words(record, forum.now_ms())
            if words and (record or {}).get("kind") == "ban":
                self._state("error")
                set_text(by_id("forum-error"), words)

        moderation.read_restriction(self.course_id, uid, got)

    def loaded(self):
        """The first snapshot is in (maybe empty): drop the skeletons."""
        if self.root.getAttribute("data-state") in ("pending", "signed-out"):
            self._clear_skeletons()
            self._state("live")
        self.counts_changed()  # an empty lesson has no child events to count from

    def _clear_skeletons(self):
        for node in list(self.list.querySelectorAll("[data-skeleton]")):
            node.remove()

    # ---- commands
    def filter_changed(self, *args):
        set_attr(
            self.root, "data-filter", "unanswered" if by_id("filter-unanswered").checked else None
        )

    def ask(self, *args):
        args[0].preventDefault()
        title = by_id("ask-title").value.strip()
        body = by_id("ask-body").value
        problem = check_text(title, "The title", limits.TITLE_MAX) or check_text(
            body, "The question", limits.BODY_MAX
        )
        user = session.user()
        if problem is None and user is None:
            problem = "Sign in to ask a question."
        if problem is None and not user.get("ready"):
            problem = "Still loading your profile; try again in a moment."
        if problem:
            self.form.fail(problem)
            return
        second = self.player.current_second() if by_id("ask-pin").checked else None
        self.form.begin()

        def done(qid):
            by_id("ask-title").value = ""
            by_id("ask-body").value = ""
            self.similar.clear()
            self.similar.finder.new_session()  # the next question may be like this one
            self.form.done()

        forum.ask(self.course_id, self.lesson_id, user, self.author_role(), title, body, second,
                  done,
                  lambda err: self.form.fail("Question not posted: " + err.message))  # fmt: skip
