"""One question card: header, Markdown body, votes, answers (live), comments, answer form.

Staff flags are attributes on the card's root (data-pinned, data-locked, data-hidden, and
data-endorsed/data-hidden on answers); the stylesheet turns them into badges, hides the
forms under a locked question and hides hidden posts from non-staff. A flag's change is
one attribute update, never a re-render, so drafts and open editors survive it.
"""

from pyscript import document

from app.binding.live import LiveList, LiveValue
from app.model import gurubot, limits, paths
from app.services import database, forum, inbox, moderation
from app.services import gurubot as bot_feedback
from app.ui import session
from app.ui.dom import clock, element, find, on, set_attr, set_text
from app.ui.forms import FormState, post_text
from app.ui.markdown import render
from app.ui.posts import (
    ROLE_BADGE,
    Comments,
    PostTools,
    VoteBox,
    author_line,
    role_label,
    show_role,
)

QUESTION_HTML = (
    '<details class="q">'
    '<summary><span class="q-title" data-field="title"></span>'
    '<span class="meta"><span data-field="author"></span>' + ROLE_BADGE + " · "
    '<span data-field="answers">0 answers</span>'
    '<span class="badge badge-accepted">✓ answered</span>'
    '<span class="badge badge-pinned">pinned</span>'
    '<span class="badge badge-locked">locked</span>'
    '<span class="badge badge-hidden">hidden</span></span></summary>'
    '<div class="q-detail">'
    '<button type="button" class="seek link" hidden></button>'
    '<div class="md post-body"></div>'
    '<div class="q-tools"><button type="button" class="link follow" data-act="follow" '
    'aria-pressed="false" hidden>Follow</button>'
    '<button type="button" class="link staff-only" data-act="pin">Pin</button>'
    '<button type="button" class="link staff-only" data-act="lock">Lock</button>'
    '<button type="button" class="link staff-only" data-act="hide">Hide</button>'
    '<label class="staff-only slow-q">Slow mode <select data-act="slow" '
    'aria-label="Slow mode in this thread"></select></label>'
    "</div>"
    '<div class="q-comments"></div>'
    '<ol class="answers"></ol>'
    '<p class="locked-note">Locked by the course staff: no new answers or comments.</p>'
    '<form class="answer-form"><textarea class="answer-body" rows="3" maxlength="'
    + str(limits.BODY_MAX)
    + '" '
    'placeholder="Your answer (Markdown)" aria-label="Your answer"></textarea>'
    '<p class="slow-note meta" hidden></p>'
    '<button type="submit">Post answer</button><p class="form-error" role="alert"></p></form>'
    "</div></details>"
)

ANSWER_HTML = (
    '<div class="a-main"><div class="md post-body"></div>'
    '<p class="meta"><span data-field="author"></span>'
    + ROLE_BADGE
    + '<span class="badge badge-accepted">✓ accepted</span>'
    '<span class="badge badge-endorsed">★ endorsed by the instructor</span>'
    '<span class="badge badge-hidden">hidden</span></p>'
    '<div class="a-tools">'
    '<button type="button" class="link asker-only" data-act="accept">Accept</button>'
    '<button type="button" class="link staff-only" data-act="endorse">Endorse</button>'
    '<button type="button" class="link staff-only" data-act="hide">Hide</button></div>'
    "</div>"
)


def hidden_from_me(ctx, post):
    """Hidden posts are left out for non-staff; the rules cannot filter a read, so we do.

    Their author still sees them, marked hidden, rather than watching a post vanish (and
    posting it again).
    """
    held = post.get("hidden") is True or post.get("pendingReview") is True  # reported N times
    return held and not ctx.staff and post.get("uid") != session.uid()


def _show_flag(root, flag, post, button, on_text, off_text):
    """Mirror a staff flag as data-<flag> on root and as its toggle button's label."""
    on_now = post.get(flag) is True
    set_attr(root, "data-" + flag, on_now or None)
    set_text(button, on_text if on_now else off_text)


def _flip_flag(card, path, post, flag, verb, unverb):
    """Ask to flip a staff flag; a refusal reads "Not <verb>: <why>" (or "Not <unverb>")."""
    value = post.get(flag) is True
    said = unverb if value else verb
    forum.set_flag(card.ctx.course_id, path, flag, not value, None,
                   lambda err: card.report("Not " + said + ": " + err.message))  # fmt: skip


def _set_body(target, body):
    if target.getAttribute("data-src") != body:
        target.innerHTML = render(body)  # escape-first renderer: safe
        target.setAttribute("data-src", body)


class AnswerItem:
    def __init__(self, card, aid):
        self.card = card
        self.aid = aid
        ctx = card.ctx
        self.root = element("li", "answer")
        self.root.setAttribute("data-key", aid)
        self.vote = VoteBox(ctx, card.qid, aid, card.report)
        self.root.appendChild(self.vote.root)
        main = element("div", "a-wrap", ANSWER_HTML)
        self.root.appendChild(main)
        self.body = find(main, ".post-body")
        self.tools = PostTools(ctx, card.qid, aid, self.body, False, self.is_accepted)
        a_main = find(main, ".a-main")
        a_main.appendChild(self.tools.root)
        a_main.appendChild(self.tools.editor)
        self.comments = Comments(ctx, card.qid, aid)
        a_main.appendChild(self.comments.root)
        on(find(main, '[data-act="accept"]'), "click", self.accept)
        on(find(main, '[data-act="endorse"]'), "click", self.endorse)
        on(find(main, '[data-act="hide"]'), "click", self.hide)
        self.value = {}

    def is_accepted(self):
        return self.card.value.get("acceptedAnswerId") == self.aid

    def update(self, value):
        self.value = value
        _set_body(self.body, value.get("body", ""))
        set_text(find(self.root, '[data-field="author"]'), author_line(value))
        set_text(find(self.root, '[data-field="role"]'), role_label(value))
        show_role(self.root, value)
        self.vote.show_score(value.get("score", 0))
        set_attr(self.root, "data-mine", value.get("uid") == session.uid() or None)
        _show_flag(self.root, "endorsed", value, find(self.root, '[data-act="endorse"]'),
                   "Remove endorsement", "Endorse")  # fmt: skip
        _show_flag(self.root, "hidden", value, find(self.root, '[data-act="hide"]'),
                   "Unhide", "Hide")  # fmt: skip
        set_attr(self.root, "data-review", value.get("pendingReview") is True or None)
        self.tools.show(value)

    def is_bot(self):
        """Gurubot's answer: the asker's Accept reads "This answered it" (and is feedback)."""
        return self.value.get("authorRole") == gurubot.BOT_ROLE

    def show_accepted(self, accepted):
        set_attr(self.root, "data-accepted", accepted or None)
        label = "This answered it" if self.is_bot() else "Accept"
        set_text(find(self.root, '[data-act="accept"]'), "Unaccept" if accepted else label)

    def accept(self, *args):
        accepted = self.card.value.get("acceptedAnswerId") == self.aid
        uid = session.uid()
        if self.is_bot() and not accepted and uid:

            def refused(err):
                self.card.report("Not marked as answered: " + err.message)

            ctx = self.card.ctx
            bot_feedback.answered_it(ctx.course_id, self.card.qid, self.aid, uid, None, refused)
            return
        forum.accept(self.card.ctx.course_id, self.card.qid, None if accepted else self.aid,
                     None, lambda e: self.card.report("Not accepted: " + e.message))  # fmt: skip

    def endorse(self, *args):
        path = paths.answer_in_forum(self.card.qid, self.aid)
        _flip_flag(self.card, path, self.value, "endorsed", "endorsed", "endorsed")

    def hide(self, *args):
        path = paths.answer_in_forum(self.card.qid, self.aid)
        _flip_flag(self.card, path, self.value, "hidden", "hidden", "unhidden")


class _Answers:
    """Keyed view of forum/$cid/answers/$qid, in creation order."""

    def __init__(self, card):
        self.card = card
        self.items = {}
        self.container = find(card.root, ".answers")

    def upsert(self, key, value, prev_key=None):
        item = self.items.get(key)
        if item is None:
            item = AnswerItem(self.card, key)
            self.items[key] = item
            self._place(item, prev_key)
            if self.card.opened:
                item.comments.start()
        item.update(value)
        item.show_accepted(self.card.value.get("acceptedAnswerId") == key)
        self.card.answers_changed()

    def _place(self, item, prev_key):
        prev = self.items.get(prev_key) if prev_key else None
        if prev is None:
            self.container.insertBefore(item.root, self.container.firstElementChild)
        else:
            prev.root.after(item.root)

    def remove(self, key):
        item = self.items.pop(key, None)
        if item is not None:
            item.comments.stop()
            item.root.remove()
        self.card.answers_changed()


class _Follow:
    """follows/$cid/$qid/$uid for the signed-in user: the card's Follow / Following toggle."""

    def __init__(self, card):
        self.card = card
        self.button = find(card.details, '[data-act="follow"]')
        self.following = False
        self.model = None
        on(self.button, "click", self.toggle)

    def start(self):
        uid = session.uid()
        if uid is None or self.model is not None:
            return
        path = inbox.follow_path(self.card.ctx.course_id, self.card.qid, uid)
        self.model = LiveValue(path, self)
        self.model.start()

    def stop(self):
        if self.model is not None:
            self.model.stop()
            self.model = None
        self.button.hidden = True

    def show(self, value):
        self.following = value is True
        self.button.hidden = False
        set_text(self.button, "Following" if self.following else "Follow")
        self.button.setAttribute("aria-pressed", "true" if self.following else "false")
        self.button.title = (
            "You are told of new answers and comments: click to stop"
            if self.following
            else "Be told of new answers and comments in your inbox"
        )

    def error(self, err):
        self.model = None
        self.button.hidden = True  # not a member (the rules refuse the read): nothing to follow

    def toggle(self, *args):
        uid = session.uid()
        if uid is None:
            return
        said = "unfollowed" if self.following else "followed"

        def refused(err):
            self.card.report("Not " + said + ": " + err.message)

        inbox.set_follow(self.card.ctx.course_id, self.card.qid, uid, not self.following, None,
                         refused)  # fmt: skip


class QuestionCard:
    """A live question: its own value, its answers and its votes, each bound separately."""

    def __init__(self, ctx, qid):
        self.ctx = ctx
        self.qid = qid
        self.value = {}
        self.opened = False
        self.root = element("li", "question")
        self.root.setAttribute("data-key", qid)
        self.root.setAttribute("data-answers", "0")
        self.vote = VoteBox(ctx, qid, qid, self.report)
        self.root.appendChild(self.vote.root)
        self.details = element("div", "q-wrap", QUESTION_HTML)
        self.root.appendChild(self.details)
        self.body = find(self.details, ".post-body")
        self.seek = find(self.details, ".seek")
        self.tools = PostTools(ctx, qid, qid, self.body, True)
        tools = find(self.details, ".q-tools")
        tools.insertBefore(self.tools.root, tools.firstElementChild)
        tools.after(self.tools.editor)
        self.comments = Comments(ctx, qid, qid)
        find(self.details, ".q-comments").appendChild(self.comments.root)
        self.answers = _Answers(self)
        self.answers_model = LiveList(forum.answers_query(ctx.course_id, qid), self.answers)
        self.votes_model = LiveValue(paths.thread_votes(ctx.course_id, qid), self)
        self.follow = _Follow(self)  # listens only once the card is opened
        self.answer_form = find(self.details, ".answer-form")
        self.answer_state = FormState(find(self.answer_form, "button"),
                                      find(self.answer_form, ".form-error"))  # fmt: skip
        on(self.answer_form, "submit", self.submit_answer)
        on(find(self.details, "details"), "toggle", self.toggled)
        on(self.seek, "click", lambda *a: ctx.seek(self.value.get("videoSecond", 0)))
        on(find(self.details, '[data-act="pin"]'), "click", self.pin)
        on(find(self.details, '[data-act="lock"]'), "click", self.lock)
        on(find(self.details, '[data-act="hide"]'), "click", self.hide)
        self.slow_select = find(self.details, '[data-act="slow"]')
        for seconds in moderation.SLOW_CHOICES:
            option = document.createElement("option")
            option.value = str(seconds)
            option.textContent = "off" if not seconds else "one post every " + str(seconds) + " s"
            self.slow_select.appendChild(option)
        on(self.slow_select, "change", self.set_slow)
        self.slow_note = find(self.answer_form, ".slow-note")
        self.slow_home = getattr(ctx, "slow", None)  # the lesson page's; the console has none

    def start(self):
        self.answers_model.start()
        self.votes_model.start()
        if self.opened:
            self.follow.start()
        if self.slow_home is not None:
            self.slow_home.add(self.qid, self)
        else:  # the console: staff, so only the setting, read once

            def got(value):
                self.show_slow(value, None, 0)

            database.read_once(paths.slow_mode_question(self.ctx.course_id, self.qid), got)

    def show_slow(self, setting, words, wait):
        """This thread's own slow mode (the staff control) and, for a learner, the answer
        form's note and countdown (words None: nothing holds)."""
        self.slow_select.value = str(int(setting)) if isinstance(setting, (int, float)) else "0"
        self.slow_note.hidden = not words
        set_text(self.slow_note, words or "")
        set_attr(self.slow_note, "data-wait", wait or None)

    def set_slow(self, *args):
        """Staff set (or turn off) this question's own slow mode; audited like the course's."""

        def refused(err):
            self.report("Slow mode not changed: " + err.message)

        seconds = int(self.slow_select.value)
        moderation.set_slow_mode(self.ctx.course_id, seconds, None, refused, self.qid)

    def stop(self):
        if self.slow_home is not None:
            self.slow_home.discard(self.qid)
        self.answers_model.stop()
        self.votes_model.stop()
        self.follow.stop()
        self.comments.stop()
        for item in self.answers.items.values():
            item.comments.stop()

    def report(self, message):
        self.tools.report(message)
        if not self.opened:
            self.open()

    def open(self):
        find(self.details, "details").open = True

    def toggled(self, *args):
        if find(self.details, "details").open and not self.opened:
            self.opened = True
            self.comments.start()
            self.follow.start()
            for item in self.answers.items.values():
                item.comments.start()

    def update(self, value):
        old_accepted = self.value.get("acceptedAnswerId")
        self.value = value
        set_text(find(self.details, '[data-field="title"]'), value.get("title", ""))
        set_text(find(self.details, '[data-field="author"]'), author_line(value))
        set_text(find(self.details, 'summary [data-field="role"]'), role_label(value))
        show_role(self.root, value)
        _set_body(self.body, value.get("body", ""))
        self.vote.show_score(value.get("score", 0))
        second = value.get("videoSecond")
        self.seek.hidden = second is None
        if second is not None:
            set_text(self.seek, "▶ asked at " + clock(second))
        set_attr(self.root, "data-mine", value.get("uid") == session.uid() or None)
        set_attr(self.root, "data-accepted", value.get("acceptedAnswerId") is not None or None)
        _show_flag(self.root, "pinned", value, find(self.details, '[data-act="pin"]'),
                   "Unpin", "Pin")  # fmt: skip
        _show_flag(self.root, "locked", value, find(self.details, '[data-act="lock"]'),
                   "Unlock", "Lock")  # fmt: skip
        _show_flag(self.root, "hidden", value, find(self.details, '[data-act="hide"]'),
                   "Unhide", "Hide")  # fmt: skip
        set_attr(self.root, "data-review", value.get("pendingReview") is True or None)
        self.tools.show(value)
        accepted = value.get("acceptedAnswerId")
        if accepted != old_accepted:
            for aid in self.answers.items:
                self.answers.items[aid].show_accepted(aid == accepted)
            self.answers_changed()  # an accepted bot answer now counts as answering it

    def show(self, votes):
        """votes/$cid/$qid changed: {postId: {uid: ±1}}; update my marks."""
        votes = votes or {}
        self.vote.show_votes(votes.get(self.qid))
        for aid in self.answers.items:
            self.answers.items[aid].vote.show_votes(votes.get(aid))

    def hidden_from_me(self):
        return hidden_from_me(self.ctx, self.value)

    def visible_answers(self, bots=False):
        """How many answers this user sees: hidden ones count for staff and their author.
        Gurubot's answer counts (for the unanswered filter and count) once the asker has
        accepted it; ``bots`` counts it anyway (the summary's number of answers)."""
        count = 0
        for item in self.answers.items.values():
            if hidden_from_me(self.ctx, item.value):
                continue
            if bots or not item.is_bot() or item.is_accepted():
                count += 1
        return count

    def answers_changed(self):
        """Recount what this user sees: the summary, data-answers (the unanswered filter)."""
        count = self.visible_answers(bots=True)
        set_attr(self.root, "data-answers", self.visible_answers())
        set_text(find(self.details, '[data-field="answers"]'),
                 str(count) + (" answer" if count == 1 else " answers"))  # fmt: skip
        self.ctx.counts_changed()

    def pin(self, *args):
        _flip_flag(self, paths.question_in_forum(self.qid), self.value, "pinned", "pinned",
                   "pinned")  # fmt: skip

    def lock(self, *args):
        _flip_flag(self, paths.question_in_forum(self.qid), self.value, "locked", "locked",
                   "unlocked")  # fmt: skip

    def hide(self, *args):
        _flip_flag(self, paths.question_in_forum(self.qid), self.value, "hidden", "hidden",
                   "unhidden")  # fmt: skip

    def submit_answer(self, *args):
        def send(user, body, done):
            def failed(err):
                self.answer_state.fail("Answer not posted: " + err.message)

            forum.answer(self.ctx.course_id, self.qid, user, self.ctx.author_role(), body, done,
                         failed)  # fmt: skip

        post_text(args[0], find(self.answer_form, ".answer-body"), "Your answer",
                  limits.BODY_MAX, self.answer_state, send)  # fmt: skip
