"""Course page: pre-rendered outline kept live (title, lessons) plus the learner's enrolment."""

from app.binding.live import LiveList, LiveValue
from app.services import courses
from app.ui.dom import KeyedList, by_id, element, set_text

LESSON_FIELDS = {"title": lambda lesson: lesson.get("title", "")}


class _TitleView:
    def __init__(self, root):
        self.root = root

    def show(self, course):
        if course:
            for name in ("title", "summary"):
                field = self.root.querySelector('[data-field="' + name + '"]')
                set_text(field, course.get(name, ""))


class _Enrolment:
    def __init__(self, course_id):
        self.course_id = course_id

    def show(self, enrollments):
        box = by_id("enrolment")
        enrolled = (enrollments or {}).get(self.course_id) is True
        box.className = "enrolment"
        box.setAttribute("data-state", "enrolled" if enrolled else "not-enrolled")
        set_text(box, "You are enrolled: open a lesson to watch it and join its discussion."
                 if enrolled else
                 "You are not enrolled in this course yet.")  # fmt: skip


class CourseView:
    def __init__(self, course_id):
        self.course_id = course_id

        def make(key, lesson):
            return element(
                "li", None,
                '<a href="/course/' + course_id + "/lesson/" + key + '.html" '
                'data-field="title"></a>',
            )  # fmt: skip

        self.lessons = LiveList(
            courses.lessons_query(course_id), KeyedList(by_id("lessons"), make, LESSON_FIELDS)
        )
        self.header = LiveValue(
            courses.course_path(course_id), _TitleView(by_id("course-" + course_id))
        )
        self.enrollment = None
        self.lessons.start()
        self.header.start()

    def signed_in(self, user):
        self.enrollment = LiveValue(
            courses.enrollments_path(user["uid"]), _Enrolment(self.course_id)
        )
        self.enrollment.start()

    def signed_out(self):
        if self.enrollment is not None:
            self.enrollment.stop()
            self.enrollment = None
        box = by_id("enrolment")
        box.setAttribute("data-state", "signed-out")
        set_text(box, "Sign in to see whether you are enrolled.")
