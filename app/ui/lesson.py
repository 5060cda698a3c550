"""Lesson page: the video player and its live Q&A, for one pre-rendered lesson."""

from app.binding.live import LiveValue
from app.model import paths
from app.ui.forum import ForumView
from app.ui.heat_strip import HeatStrip
from app.ui.player import PlayerView
from app.ui.player_controls import PlayerControls


class _Course:
    def __init__(self, forum):
        self.forum = forum

    def show(self, course):
        self.forum.course_changed(course)


class _Enrollment:
    def __init__(self, forum, player, course_id):
        self.forum = forum
        self.player = player
        self.course_id = course_id

    def show(self, enrollments):
        self.forum.enrollment_changed(bool((enrollments or {}).get(self.course_id)))
        self.player.access_changed()  # bought just now: the lesson may play


class LessonView:
    def __init__(self, course_id, lesson_id):
        self.course_id = course_id
        self.player = PlayerView(course_id, lesson_id)
        self.controls = PlayerControls(self.player)
        self.forum = ForumView(course_id, lesson_id, self.player)
        self.heat = HeatStrip(course_id, lesson_id)  # "I'm lost here"; staff: the heat strip
        self.course = LiveValue(paths.course(course_id), _Course(self.forum))
        self.enrollment = None

    def signed_in(self, user):
        self.forum.signed_in(user)  # first: the forum query is what the page waits for
        self.course.start()
        self.enrollment = LiveValue(
            paths.enrollments(user["uid"]), _Enrollment(self.forum, self.player, self.course_id)
        )
        self.enrollment.start()
        self.player.signed_in(user["uid"])  # where the learner left it (resume, progress)
        self.heat.signed_in(user)
        self.player.access_changed()

    def signed_out(self):
        self.forum.signed_out()
        self.player.signed_out()
        self.heat.signed_out()
        self.player.access_changed()
        self.course.stop()
        if self.enrollment is not None:
            self.enrollment.stop()
            self.enrollment = None
