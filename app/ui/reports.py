"""Reports: a member reports a post (reason + note, once); staff read and resolve them.

ReportTool sits in a post's tools (not on one's own posts); the console's ThreadReports
lists a thread's reported posts with their count and reasons and the three resolutions
(dismiss, hide, delete), each sent with its audit entry (app/services/moderation.py).
"""

from app.model import limits
from app.model.moderation import REASONS
from app.services import errors, moderation
from app.ui import session
from app.ui.dom import element, find, on, set_attr, set_text
from app.ui.forms import FormState, check_text

FORM_HTML = (
    '<label>Why? <select class="report-reason">'
    + "".join(
        '<option value="' + r + '">' + moderation.REASON_WORDS[r] + "</option>" for r in REASONS
    )
    + '</select></label> <input class="report-note" maxlength="'
    + str(limits.REPORT_NOTE_MAX)
    + '" placeholder="A note for the staff (optional)" aria-label="Note for the staff">'
    ' <button type="submit">Send report</button>'
    ' <button type="button" class="link" data-act="cancel">Cancel</button>'
    '<p class="form-error" role="alert"></p>'
)
THANKS = "Reported: thank you. The course staff will review it."


class ReportTool:
    """The Report button and its form, for one question or answer."""

    def __init__(self, ctx, qid, post_id):
        self.ctx = ctx
        self.qid = qid
        self.post_id = post_id
        self.post = {}
        self.root = element("span", "report-tool")
        self.button = element("button", "link report-open")
        self.button.type = "button"
        self.button.setAttribute("data-act", "report")
        set_text(self.button, "Report")
        self.note = element("span", "meta report-done")
        self.form_el = element("form", "report-form", FORM_HTML)
        self.form_el.hidden = True
        self.root.appendChild(self.button)
        self.root.appendChild(self.note)
        self.root.appendChild(self.form_el)
        self.form = FormState(find(self.form_el, 'button[type="submit"]'),
                              find(self.form_el, ".form-error"))  # fmt: skip
        on(self.button, "click", self.open)
        on(find(self.form_el, '[data-act="cancel"]'), "click", self.close)
        on(self.form_el, "submit", self.send)

    def show(self, post):
        """Members report others' posts; not their own, not while signed out."""
        self.post = post
        uid = session.uid()
        self.root.hidden = uid is None or post.get("uid") == uid or bool(self.ctx.staff)

    def open(self, *args):
        self.form_el.hidden = False
        self.button.hidden = True

    def close(self, *args):
        self.form_el.hidden = True
        self.button.hidden = False
        self.form.done()

    def send(self, *args):
        args[0].preventDefault()
        uid = session.uid()
        if uid is None:
            self.form.fail("Sign in to report a post.")
            return
        reason = find(self.form_el, ".report-reason").value
        note = find(self.form_el, ".report-note").value.strip()
        problem = check_text(note, "The note", limits.REPORT_NOTE_MAX, required=False)
        if problem:
            self.form.fail(problem)
            return
        self.form.begin()

        def done():
            self.form.done()
            self.form_el.hidden = True
            set_text(self.note, THANKS)

        def refused(err):
            if err.kind == errors.PERMISSION:
                self.form.fail(
                    "Not reported: you have already reported this post, or you are no longer "
                    "a member of this course."
                )
            else:
                self.form.fail("Not reported: " + err.message)

        moderation.report(self.ctx.course_id, self.qid, self.post_id, uid, reason, note, done,
                          refused)  # fmt: skip


def summary(reports):
    """'3 reports: Spam ×2, Abusive' for {uid: report}."""
    counts = {}
    for uid in reports:
        reason = (reports[uid] or {}).get("reason", "other")
        counts[reason] = counts.get(reason, 0) + 1
    parts = []
    for reason in REASONS:
        if reason in counts:
            word = moderation.REASON_WORDS[reason]
            parts.append(word + (" ×" + str(counts[reason]) if counts[reason] > 1 else ""))
    n = len(reports)
    return str(n) + (" report: " if n == 1 else " reports: ") + ", ".join(parts)


class ThreadReports:
    """In a console queue item: each reported post of the thread, its reasons and notes,
    and Dismiss / Hide / Delete (audited)."""

    def __init__(self, course_id, qid, report_error):
        self.course_id = course_id
        self.qid = qid
        self.report_error = report_error
        self.root = element("ul", "queue-reports")
        self.rows = {}
        self.count = 0

    def show(self, thread):
        """thread: {postId: {uid: report}} (this question's reports; None: none)."""
        thread = thread or {}
        self.count = 0
        for post_id in list(self.rows):
            if post_id not in thread:
                self.rows.pop(post_id).remove()
        for post_id in thread:
            reports = thread[post_id] or {}
            self.count += len(reports)
            row = self.rows.get(post_id)
            if row is None:
                row = self._row(post_id)
                self.rows[post_id] = row
                self.root.appendChild(row)
            what = "This question" if post_id == self.qid else "An answer"
            set_text(find(row, '[data-field="what"]'), what + " — " + summary(reports))
            notes = [
                (reports[u] or {}).get("note") for u in reports if (reports[u] or {}).get("note")
            ]
            set_text(
                find(row, '[data-field="notes"]'), ("“" + "” “".join(notes) + "”") if notes else ""
            )
        set_attr(self.root, "data-count", self.count or None)

    def _row(self, post_id):
        row = element(
            "li", "queue-report",
            '<span data-field="what"></span> <span class="meta" data-field="notes"></span> '
            '<button type="button" class="link" data-act="dismiss">Dismiss</button>'
            '<button type="button" class="link" data-act="hide">Hide</button>'
            '<button type="button" class="link" data-act="delete">Delete</button>',
        )  # fmt: skip
        row.setAttribute("data-post", post_id)
        for how, said in (("dismiss", "dismissed"), ("hide", "hidden"), ("delete", "deleted")):
            on(find(row, '[data-act="' + how + '"]'), "click", self._resolver(post_id, how, said))
        return row

    def _resolver(self, post_id, how, said):
        def failed(err):
            self.report_error("Not " + said + ": " + err.message)

        def resolve(*args):
            moderation.resolve(self.course_id, self.qid, post_id, how, None, failed)

        return resolve
