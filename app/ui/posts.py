"""Pieces every forum post has: its vote box, its author tools and its comments."""

from app.binding.live import LiveList
from app.model import limits, paths
from app.services import forum
from app.ui import session
from app.ui.dom import KeyedList, element, find, on, set_attr, set_text
from app.ui.forms import FormState, check_text, post_text
from app.ui.markdown import render

VOTE_HTML = (
    '<button type="button" class="vote-up" aria-label="Upvote">▲</button>'
    '<b class="score" data-field="score">0</b>'
    '<button type="button" class="vote-down" aria-label="Downvote">▼</button>'
)

TOOLS_HTML = (
    '<button type="button" class="link own-only" data-act="edit">Edit</button>'
    '<button type="button" class="link own-or-staff" data-act="delete">Delete</button>'
    '<span class="form-error tool-error" role="alert"></span>'
)

EDIT_HTML = (
    '<input class="edit-title" maxlength="' + str(limits.TITLE_MAX) + '" aria-label="Title">'
    '<textarea class="edit-body" rows="4" aria-label="Body"></textarea>'
    '<button type="submit">Save</button> <button type="button" class="link" data-act="cancel">'
    'Cancel</button><p class="form-error" role="alert"></p>'
)


ROLE_LABELS = {"instructor": "Instructor", "admin": "Admin", "bot": "Bot"}  # bot: Gurubot's
# answers (only the functions write authorRole "bot"; the rules refuse it from browsers)
ROLE_BADGE = '<span class="badge badge-role" data-field="role"></span>'


def author_line(post):
    name = post.get("authorName", "?")
    return name + (" (edited)" if post.get("editedAt") else "")


def role_label(post):
    """The staff (or bot) badge's text: only from authorRole, which the rules give staff
    alone (and the functions to Gurubot)."""
    return ROLE_LABELS.get(post.get("authorRole"), "")


def show_role(root, post):
    """data-role on a post's root shows its badge (the stylesheet); names never do."""
    set_attr(root, "data-role", post.get("authorRole") if role_label(post) else None)


class VoteBox:
    """▲ score ▼ for one post; the user's own vote comes from votes/$cid/$qid."""

    def __init__(self, ctx, qid, post_id, report):
        self.ctx = ctx
        self.qid = qid
        self.post_id = post_id
        self.report = report
        self.mine = 0
        self.busy = False
        self.root = element("div", "vote", VOTE_HTML)
        self.up = find(self.root, ".vote-up")
        self.down = find(self.root, ".vote-down")
        on(self.up, "click", lambda *a: self.cast(1))
        on(self.down, "click", lambda *a: self.cast(-1))

    def show_score(self, score):
        set_text(find(self.root, ".score"), score or 0)

    def show_votes(self, votes):
        uid = session.uid()
        self.mine = (votes or {}).get(uid, 0) if uid else 0
        set_attr(self.root, "data-mine", self.mine or None)

    def cast(self, value):
        if self.busy:
            return
        user = session.user()
        if user is None:
            self.report("Sign in to vote.")
            return
        new = 0 if self.mine == value else value
        self.busy = True

        def done():
            self.busy = False

        def failed(err):
            self.busy = False
            self.report("Vote not counted: " + err.message)

        forum.vote(self.ctx.course_id, self.qid, self.post_id, user["uid"], self.mine, new,
                   done, failed)  # fmt: skip


class PostTools:
    """Edit (own posts) and Delete (own posts, or any for staff), with an inline editor."""

    def __init__(self, ctx, qid, post_id, body_el, has_title, is_accepted=None):
        self.ctx = ctx
        self.qid = qid
        self.post_id = post_id
        self.is_accepted = is_accepted
        self.path = paths.post_in_forum(qid, post_id)
        self.body_el = body_el
        self.has_title = has_title
        self.post = {}
        self.root = element("div", "post-tools", TOOLS_HTML)
        self.error = find(self.root, ".tool-error")
        self.editor = element("form", "editor", EDIT_HTML)
        self.editor.hidden = True
        if not has_title:
            find(self.editor, ".edit-title").remove()
        self.form = FormState(find(self.editor, 'button[type="submit"]'),
                              find(self.editor, ".form-error"))  # fmt: skip
        self.delete_button = find(self.root, '[data-act="delete"]')
        from app.ui.reports import ReportTool  # issue 15: members report others' posts

        self.reporter = ReportTool(ctx, qid, post_id)
        self.root.insertBefore(self.reporter.root, self.error)
        on(find(self.root, '[data-act="edit"]'), "click", self.open_editor)
        on(self.delete_button, "click", self.delete)
        on(find(self.editor, '[data-act="cancel"]'), "click", self.close_editor)
        on(self.editor, "submit", self.save)

    def show(self, post):
        self.post = post
        self.reporter.show(post)

    def report(self, message):
        set_text(self.error, message)

    def open_editor(self, *args):
        if self.has_title:
            find(self.editor, ".edit-title").value = self.post.get("title", "")
        find(self.editor, ".edit-body").value = self.post.get("body", "")
        self.editor.hidden = False
        self.body_el.hidden = True

    def close_editor(self, *args):
        self.editor.hidden = True
        self.body_el.hidden = False
        self.form.done()

    def save(self, *args):
        args[0].preventDefault()
        fields = {"body": find(self.editor, ".edit-body").value}
        problem = check_text(fields["body"], "The text", limits.BODY_MAX)
        if self.has_title:
            fields["title"] = find(self.editor, ".edit-title").value.strip()
            problem = check_text(fields["title"], "The title", limits.TITLE_MAX) or problem
        if problem:
            self.form.fail(problem)
            return
        self.form.begin()
        forum.edit(self.ctx.course_id, self.path, fields, self.close_editor,
                   lambda err: self.form.fail("Not saved: " + err.message))  # fmt: skip

    def delete(self, *args):
        if self.delete_button.getAttribute("data-confirm") != "1":
            self.delete_button.setAttribute("data-confirm", "1")
            set_text(self.delete_button, "Click again to delete")
            return
        self.delete_button.removeAttribute("data-confirm")
        set_text(self.delete_button, "Delete")
        accepted = self.is_accepted is not None and self.is_accepted()
        moderating = self.post.get("uid") != session.uid()  # staff: audited (the rules)
        forum.delete(self.ctx.course_id, self.qid, self.post_id, accepted, None,
                     lambda err: self.report("Not deleted: " + err.message),
                     moderating)  # fmt: skip


def _make_comment(key, value):
    item = element(
        "li", "comment",
        '<span class="md comment-body"></span> — <span class="meta" data-field="author"></span>'
        + ROLE_BADGE,
    )  # fmt: skip
    return item


class _CommentList(KeyedList):
    def fill(self, item, value):
        super().fill(item, value)
        body = value.get("body", "")
        target = find(item, ".comment-body")
        if target.getAttribute("data-src") != body:
            target.innerHTML = render(body)  # escape-first renderer: safe
            target.setAttribute("data-src", body)
        set_attr(item, "data-mine", value.get("uid") == session.uid() or None)
        show_role(item, value)


class Comments:
    """Comments on one post: listened to once the post is opened, with a one-line form."""

    def __init__(self, ctx, qid, post_id):
        self.ctx = ctx
        self.qid = qid
        self.post_id = post_id
        self.root = element(
            "div", "comments",
            '<ul class="comment-list"></ul><form class="comment-form">'
            '<input class="comment-input" maxlength="' + str(limits.COMMENT_MAX)
            + '" placeholder="Add a comment" '
            'aria-label="Comment"><button type="submit">Comment</button>'
            '<p class="form-error" role="alert"></p></form>',
        )  # fmt: skip
        self.list = _CommentList(
            find(self.root, ".comment-list"),
            _make_comment,
            {"author": author_line, "role": role_label},
            sort_key=lambda v: v.get("createdAt", 0),
        )
        self.model = LiveList(forum.comments_query(ctx.course_id, qid, post_id), self.list)
        self.form_el = find(self.root, ".comment-form")
        self.form = FormState(find(self.form_el, "button"), find(self.form_el, ".form-error"))
        on(self.form_el, "submit", self.submit)

    def start(self):
        self.model.start()

    def stop(self):
        self.model.stop()

    def submit(self, *args):
        def send(user, body, done):
            forum.comment(self.ctx.course_id, self.qid, self.post_id, user,
                          self.ctx.author_role(), body, done,
                          lambda e: self.form.fail("Comment not posted: " + e.message))  # fmt: skip

        post_text(args[0], find(self.form_el, ".comment-input"), "A comment",
                  limits.COMMENT_MAX, self.form, send)  # fmt: skip
