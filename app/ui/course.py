"""Course page: pre-rendered outline, live lessons and the learner's progress placeholder.

The lesson player and forum attach here in a later issue (a LessonView per lesson).
"""

from pyscript import document

from app.binding.live import LiveList, LiveValue
from app.ui.dom import KeyedList, by_id, set_text

LESSON_FIELDS = {"title": lambda lesson: lesson.get("title", "")}


def _make_lesson(key, lesson):
    item = document.createElement("li")
    item.innerHTML = '<span data-field="title"></span>'
    return item


class _TitleView:
    def __init__(self, root):
        self.root = root

    def show(self, course):
        if course:
            for name in ("title", "summary"):
                field = self.root.querySelector('[data-field="' + name + '"]')
                set_text(field, course.get(name, ""))


class CourseView:
    def __init__(self, course_id):
        self.course_id = course_id
        base = "/courses/" + course_id
        self.lessons = LiveList(
            base + "/lessons",
            KeyedList(by_id("lessons"), _make_lesson, LESSON_FIELDS),
            order_by_child="order",
        )
        article = document.querySelector("article.course")
        self.header = LiveValue(base, _TitleView(article))

    def signed_in(self, user):
        self.lessons.start()
        self.header.start()
        pending = document.querySelector('[data-pending="progress"]')
        if pending is not None:
            pending.className = "progress-body"
            set_text(pending, "Progress tracking arrives with the lesson player.")

    def signed_out(self):
        self.lessons.stop()
        self.header.stop()
