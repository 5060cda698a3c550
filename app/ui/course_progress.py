"""Course page: the signed-in learner's progress in each lesson, and "Continue where you
left off" (the most recently watched lesson not yet complete).

One live read of ``progress/<uid>/<cid>`` (app/services/progress.py). Each lesson row gets
a slot: a skeleton while the read is pending, then a bar with the share watched, or
"Completed", or nothing for a lesson never opened. Signed out, nothing is shown.
"""

from app.binding.live import LiveValue
from app.services import progress
from app.services.jsutil import is_nullish
from app.ui.dom import clock, element, set_attr, set_text

COMPLETED = "✓ Completed"
CONTINUE = "Continue where you left off: "


def share_watched(record):
    """Whole percent of the lesson watched (0-100)."""
    duration = record.get("duration") or 0
    if duration <= 0:
        return 0
    return max(0, min(100, int(100 * (record.get("watched") or 0) / duration)))


def continue_lesson(records, lesson_ids):
    """The lesson to continue: the latest saved of those not complete, or None."""
    best, best_at = None, None
    for lid, record in (records or {}).items():
        if lid not in lesson_ids or not isinstance(record, dict) or record.get("complete"):
            continue
        at = record.get("updatedAt") or 0
        if best_at is None or at > best_at:
            best, best_at = lid, at
    return best


class CourseProgress:
    """The progress slots of the rows in ``lessons`` (the <ol>) and the Continue link."""

    def __init__(self, course_id, lessons):
        self.course_id = course_id
        self.lessons = lessons
        self.model = None
        self.records = None  # None: pending
        self.link = element("p", "continue-lesson")
        self.link.id = "continue-lesson"
        self.link.hidden = True
        lessons.parentNode.insertBefore(self.link, lessons)

    def start(self, uid):
        self.stop()
        self.records = None
        self.model = LiveValue(progress.course_path(uid, self.course_id), self)
        self.refresh()  # skeletons until the read answers
        self.model.start()

    def stop(self):
        if self.model is not None:
            self.model.stop()
            self.model = None
        for slot in self.lessons.querySelectorAll(".lesson-progress"):
            slot.remove()
        self.link.hidden = True
        self.link.innerHTML = ""

    # LiveValue's view
    def show(self, records):
        self.records = records or {}
        self.refresh()

    def error(self, err):
        self.records = {}  # unreadable: show no progress rather than a stuck skeleton
        self.refresh()
        self.model = None

    def refresh(self):
        """Bring every row's slot and the link up to date (also after the list changed)."""
        if self.model is None:
            return  # signed out: nothing to show
        rows = {}
        for row in self.lessons.querySelectorAll("li[data-key]"):
            rows[row.getAttribute("data-key")] = row
        for lid, row in rows.items():
            self._slot(row, None if self.records is None else self.records.get(lid))
        self._continue(rows)

    def _slot(self, row, record):
        slot = row.querySelector(".lesson-progress")
        if is_nullish(slot):
            slot = element("span", "lesson-progress")
            row.appendChild(slot)
        if self.records is None:
            state = "pending"
        elif not isinstance(record, dict):
            state = "none"
        else:
            state = "complete" if record.get("complete") else "partial"
        slot.className = "lesson-progress skeleton" if state == "pending" else "lesson-progress"
        set_attr(slot, "data-state", state)
        if state != "partial":
            set_text(slot, COMPLETED if state == "complete" else "")
            return
        pct = share_watched(record)
        bar = slot.querySelector("progress")
        if is_nullish(bar):
            slot.textContent = ""
            bar = element("progress")
            bar.max = 100
            slot.appendChild(bar)
            slot.appendChild(element("span", "lesson-progress-text"))
        bar.value = pct
        label = str(pct) + " % watched"
        bar.setAttribute("aria-label", label)
        set_text(slot.querySelector(".lesson-progress-text"), label)

    def _continue(self, rows):
        lid = None if self.records is None else continue_lesson(self.records, rows)
        if lid is None:
            self.link.hidden = True
            return
        record = self.records[lid]
        title = rows[lid].querySelector('[data-field="title"]')
        anchor = self.link.querySelector("a")
        if is_nullish(anchor):
            anchor = element("a")
            self.link.appendChild(anchor)
        anchor.href = "/course/" + self.course_id + "/lesson/" + lid + ".html"
        anchor.setAttribute("data-key", lid)
        text = (lid if is_nullish(title) else title.textContent) + " (at "
        set_text(anchor, CONTINUE + text + clock(record.get("position") or 0) + ")")
        self.link.hidden = False
