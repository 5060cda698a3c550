"""The console's audit panel: each moderated course's newest audit entries, live.

An entry (audit/<cid>/<id>, app/services/moderation.py) is written by the rules' demand in
the same update as its staff action, so this list is every flag, staff delete, report
resolution, mute and ban, newest first: who, what, on which post or learner, when.
"""

from pyscript import document, window

from app.binding.live import LiveList
from app.model import paths
from app.services import database, moderation
from app.ui.dom import element, find, on, set_attr, set_text

ENTRY_HTML = (
    '<time data-field="at"></time> <b data-field="by"></b> <span data-field="what"></span> '
    '<span data-field="target"></span> <span class="meta" data-field="course"></span>'
    '<span class="audit-reason meta" data-field="reason"></span>'
)


def target_words(target, course_id):
    """What an entry's target path names, in words: a question, an answer, a comment, a
    learner's mute or ban."""
    if target.startswith(paths.moderation(course_id) + "/"):
        return "a learner"
    if target == paths.slow_mode_course(course_id):
        return "the course"
    if target.startswith(paths.slow_mode(course_id) + "/"):
        return "a question"
    rest = target[len(paths.forum(course_id)) + 1 :]
    kind = rest.split("/")[0]
    return {"questions": "a question", "answers": "an answer", "comments": "a comment"}.get(
        kind, rest
    )


class _CourseLog:
    def __init__(self, panel, course_id, title):
        self.panel = panel
        self.course_id = course_id
        self.title = title
        self.model = LiveList(moderation.audit_query(course_id), self)

    def upsert(self, key, value, prev_key=None):
        self.panel.upsert(self, key, value or {})

    def remove(self, key):
        self.panel.remove(self.course_id + "/" + key)

    def loaded(self):
        self.panel.loaded()

    def error(self, err):
        self.panel.failed(self.title + ": the audit trail could not load: " + err.message)


class AuditPanel:
    """Newest first across the courses one moderates (each course's last AUDIT_WINDOW)."""

    def __init__(self, root):
        self.root = root
        self.list = find(root, ".audit-list")
        self.error = find(root, ".audit-error")
        self.logs = []
        self.items = {}
        self.names = {}
        self.slow = element("div", "slow-controls")
        self.list.parentNode.insertBefore(self.slow, self.list)

    def start(self, mine, user):
        self.stop()
        self.root.hidden = False
        set_attr(self.root, "data-state", "pending")
        for cid in sorted(mine):
            log = _CourseLog(self, cid, (mine[cid] or {}).get("title") or cid)
            self.logs.append(log)
            log.model.start()
            self.slow.appendChild(self._slow_control(cid, log.title))

    def stop(self):
        for log in self.logs:
            log.model.stop()
        self.logs = []
        for key in list(self.items):
            self.remove(key)
        self.root.hidden = True
        set_text(self.error, "")
        self.slow.innerHTML = ""

    def loaded(self):
        set_attr(self.root, "data-state", "live")

    def _slow_control(self, course_id, title):
        """Slow mode for one course: minimum seconds between a learner's posts (audited)."""
        label = element("label", "slow-control")
        label.setAttribute("data-course", course_id)
        set_text(label, "Slow mode in " + title + " ")
        select = document.createElement("select")
        for seconds in moderation.SLOW_CHOICES:
            option = document.createElement("option")
            option.value = str(seconds)
            option.textContent = "off" if not seconds else "one post every " + str(seconds) + " s"
            select.appendChild(option)
        label.appendChild(select)

        def got(value):
            select.value = str(int(value)) if isinstance(value, (int, float)) else "0"

        database.read_once(paths.slow_mode_course(course_id), got)

        def changed(*args):
            def refused(err):
                self.failed("Slow mode not changed: " + err.message)

            moderation.set_slow_mode(course_id, int(select.value), None, refused)

        on(select, "change", changed)
        return label

    def failed(self, message):
        set_text(self.error, message)
        self.loaded()

    def _name(self, uid, node):
        """The actor's display name (profiles are readable by any signed-in user)."""
        if uid in self.names:
            set_text(node, self.names[uid])
            return
        set_text(node, "Staff")

        def got(name):
            self.names[uid] = name or "Staff"
            set_text(node, self.names[uid])

        database.read_once(paths.profile_name(uid), got)

    def upsert(self, log, key, entry):
        full = log.course_id + "/" + key
        item = self.items.get(full)
        if item is None:
            item = element("li", "audit-entry", ENTRY_HTML)
            self.items[full] = item
        at = entry.get("at") or 0
        item.setAttribute("data-at", str(at))
        item.setAttribute("data-action", entry.get("action", ""))
        set_text(find(item, '[data-field="at"]'), str(window.Date.new(float(at)).toLocaleString()))
        self._name(entry.get("by", ""), find(item, '[data-field="by"]'))
        set_text(find(item, '[data-field="what"]'), moderation.describe(entry))
        set_text(
            find(item, '[data-field="target"]'),
            target_words(entry.get("target", ""), log.course_id),
        )
        set_text(find(item, '[data-field="course"]'), "· " + log.title)
        reason = entry.get("reason")
        set_text(find(item, '[data-field="reason"]'), (" — " + reason) if reason else "")
        self._place(item, at)

    def _place(self, item, at):
        """Newest first: before the first entry that is older."""
        for other in self.list.children:
            if not other.isSameNode(item) and float(other.getAttribute("data-at") or 0) < at:
                self.list.insertBefore(item, other)
                return
        if item.parentNode is None or item.nextElementSibling is not None:
            self.list.appendChild(item)

    def remove(self, key):
        item = self.items.pop(key, None)
        if item is not None:
            item.remove()
