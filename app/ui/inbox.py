"""The header's bell: a live unread count and the inbox panel (issue 14).

The bell listens to the newest ``notices.INBOX_WINDOW`` entries of ``inbox/$uid`` (one
bounded query, keyed child events: an entry's arrival, its read flag or its removal touches
that entry's row and the count, nothing else). The panel lists them newest first; opening
one marks it read and goes to the lesson page at its question and second; "Mark all read"
is one update. #inbox-panel's data-state: pending (skeleton rows) · ready · empty · error.
"""

from pyscript import document, window

from app.binding.live import LiveList
from app.model import notices
from app.services import inbox
from app.ui import session
from app.ui.dom import by_id, element, find, on, set_attr, set_text

NAVIGATE_AFTER_MS = 1500  # go even if marking read is slow (it still lands)

VERBS = {
    notices.ANSWER: " answered ",
    notices.COMMENT: " commented on ",
    notices.ACCEPTED: " accepted your answer to ",
    notices.ENDORSED: " endorsed your answer to ",
    notices.QUESTION: " asked ",
}

ITEM_HTML = (
    '<a class="note-link"><span class="note-line"></span>'
    '<span class="note-snippet"></span><span class="meta note-when"></span></a>'
    '<button type="button" class="link note-read">Mark read</button>'
)


def describe(entry):
    """One line saying what happened: 'Otto answered “Why?”' (shown as text, never HTML)."""
    verb = VERBS.get(entry.get("kind"), " posted in ")
    return str(entry.get("actorName") or "Someone") + verb + "“" + str(entry.get("title", "")) + "”"


def unread_label(count):
    if count == 0:
        return "Notifications, none unread"
    return "Notifications, " + str(count) + " unread"


class InboxBell:
    """Owns the bell, its count and the panel; a page view (signed_in / signed_out)."""

    def __init__(self):
        self.box = by_id("bell-box")
        self.bell = by_id("bell")
        self.count_el = by_id("bell-count")
        self.panel = by_id("inbox-panel")
        self.list = by_id("inbox-list")
        self.error_el = by_id("inbox-error")
        self.model = None
        self.uid = None
        self.entries = {}
        self.items = {}
        on(self.bell, "click", self.toggle)
        on(by_id("inbox-all-read"), "click", self.all_read)
        on(document, "keydown", self._key)

    # ---- session
    def signed_in(self, user):
        if self.uid == user["uid"] and self.model is not None:
            return
        self.signed_out()
        self.uid = user["uid"]
        self.box.hidden = False
        self._state("pending")
        self.model = LiveList(inbox.inbox_query(self.uid), self)
        self.model.start()

    def signed_out(self):
        if self.model is not None:
            self.model.stop()
            self.model = None
        self.uid = None
        self.entries = {}
        for nid in list(self.items):
            self.items.pop(nid).remove()
        self.box.hidden = True
        self.close()
        self._count()

    # ---- keyed view of the inbox window
    def upsert(self, nid, entry, prev_key=None):
        entry = entry or {}
        self.entries[nid] = entry
        item = self.items.get(nid)
        if item is None:
            item = self._make(nid)
            self.items[nid] = item
            self._place(item, prev_key)
        self._fill(item, entry)
        self._count()
        if self.panel.getAttribute("data-state") != "pending":
            self._state("ready")

    def remove(self, nid):
        self.entries.pop(nid, None)
        item = self.items.pop(nid, None)
        if item is not None:
            item.remove()
        self._count()
        if self.panel.getAttribute("data-state") != "pending":
            self._state("ready" if self.entries else "empty")

    def loaded(self):
        self._state("ready" if self.entries else "empty")

    def error(self, err):
        self._state("error")
        set_text(self.error_el, "Your notifications could not be loaded: " + err.message)

    # ---- rows
    def _make(self, nid):
        item = element("li", "note", ITEM_HTML)
        item.setAttribute("data-key", nid)
        on(find(item, ".note-link"), "click", lambda *a: self.open(nid, a[0]))
        on(find(item, ".note-read"), "click", lambda *a: self.read(nid))
        return item

    def _place(self, item, prev_key):
        """Newest first: the query reports ascending prev_key, so go before the older one."""
        prev = self.items.get(prev_key) if prev_key else None
        if prev is None:
            self.list.appendChild(item)  # the oldest in the window
        else:
            prev.before(item)

    def _fill(self, item, entry):
        set_text(find(item, ".note-line"), describe(entry))
        set_text(find(item, ".note-snippet"), entry.get("snippet", ""))
        created = entry.get("createdAt")
        when = ""
        if isinstance(created, (int, float)):
            when = str(window.Date.new(created).toLocaleString())
        set_text(find(item, ".note-when"), when)
        find(item, ".note-link").setAttribute("href", inbox.lesson_url(entry))
        set_attr(item, "data-read", entry.get("read") is True or None)

    def _count(self):
        unread = 0
        for nid in self.entries:
            if self.entries[nid].get("read") is not True:
                unread += 1
        set_text(self.count_el, str(unread) if unread else "")
        set_attr(self.count_el, "data-count", unread)
        self.bell.setAttribute("aria-label", unread_label(unread))

    def _state(self, state):
        self.panel.setAttribute("data-state", state)
        if state != "error":
            set_text(self.error_el, "")

    # ---- actions
    def toggle(self, *args):
        if self.panel.hidden:
            self.panel.hidden = False
            self.bell.setAttribute("aria-expanded", "true")
        else:
            self.close()

    def close(self):
        self.panel.hidden = True
        self.bell.setAttribute("aria-expanded", "false")

    def _key(self, *args):
        if args and args[0].key == "Escape" and not self.panel.hidden:
            self.close()
            self.bell.focus()

    def _refused(self, err):
        set_text(self.error_el, "Not marked read: " + err.message)

    def read(self, nid):
        if self.uid is not None:
            inbox.mark_read(self.uid, [nid], None, self._refused)

    def all_read(self, *args):
        if self.uid is None:
            return
        unread = [n for n in self.entries if self.entries[n].get("read") is not True]
        inbox.mark_read(self.uid, unread, None, self._refused)

    def open(self, nid, event):
        """Mark the entry read, then go to its question (same page: just the fragment)."""
        entry = self.entries.get(nid)
        if entry is None or session.uid() is None:
            return
        event.preventDefault()
        url = inbox.lesson_url(entry)
        parts = url.split("#", 1)
        path, fragment = parts[0], parts[1]
        state = {"gone": False}

        def go(*args):
            if state["gone"]:
                return
            state["gone"] = True
            self.close()
            if str(window.location.pathname) == path:
                window.location.hash = "#" + fragment
            else:
                window.location.assign(url)

        if entry.get("read") is True:
            go()
            return
        inbox.mark_read(self.uid, [nid], go, lambda err: go())
        window.setTimeout(_proxy(go), NAVIGATE_AFTER_MS)


_keep = []


def _proxy(fn):
    from pyscript.ffi import create_proxy

    proxy = create_proxy(fn)
    _keep.append(proxy)
    if len(_keep) > 20:
        _keep.pop(0)
    return proxy
