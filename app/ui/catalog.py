"""Catalog page: pre-rendered course cards kept live (courses, lesson counts, enrolment)."""

from app.binding.live import LiveList, LiveValue
from app.model import paths
from app.services import courses
from app.ui.dom import KeyedList, by_id, element, set_attr, set_text

FIELDS = {
    "title": lambda c: c.get("title", ""),
    "summary": lambda c: c.get("summary", ""),
    "level": lambda c: c.get("level", ""),
    "price": lambda c: c.get("price", ""),
}


def _make_card(key, course):
    return element(
        "li", "card",
        '<a href="/course/' + key + '.html"><h3 data-field="title"></h3>'
        '<p data-field="summary"></p><p class="meta"><span data-field="level"></span> · '
        '<span data-field="lessons" class="skeleton-text">…</span> lessons · '
        '$<span data-field="price"></span><span class="badge badge-enrolled">enrolled</span>'
        "</p></a>",
    )  # fmt: skip


class _LessonCounts:
    def __init__(self, catalog):
        self.catalog = catalog

    def show(self, lessons):
        self.catalog.counts = {cid: len(v or {}) for cid, v in (lessons or {}).items()}
        self.catalog.refresh()


class _Enrolled:
    def __init__(self, catalog):
        self.catalog = catalog

    def show(self, enrollments):
        self.catalog.enrolled = enrollments or {}
        self.catalog.refresh()


class CatalogView:
    def __init__(self):
        self.list = KeyedList(by_id("catalog"), _make_card, FIELDS)
        self.list.on_change = self.refresh
        self.counts = None
        self.enrolled = {}
        self.model = LiveList(courses.catalog_query(), self.list)
        self.lessons = LiveValue(courses.lessons_query()["path"], _LessonCounts(self))
        self.enrollment = None
        self.model.start()  # the catalog and lessons are public: no need to wait for sign-in
        self.lessons.start()

    def refresh(self):
        for card in by_id("catalog").children:
            cid = card.getAttribute("data-key")
            field = card.querySelector('[data-field="lessons"]')
            if self.counts is not None and field is not None:
                set_text(field, self.counts.get(cid, 0))
                field.classList.remove("skeleton-text")
            set_attr(card, "data-enrolled", self.enrolled.get(cid) is True or None)

    def signed_in(self, user):
        self.enrollment = LiveValue(paths.enrollments(user["uid"]), _Enrolled(self))
        self.enrollment.start()

    def signed_out(self):
        if self.enrollment is not None:
            self.enrollment.stop()
            self.enrollment = None
        self.enrolled = {}
        self.refresh()
