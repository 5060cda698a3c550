"""Lesson progress: the signed-in learner's place and watched seconds, per lesson.

Direct writes to ``progress/<uid>/<cid>/<lid>``, checked by the rules
(rules/progress_rules.py): the owner only, a lesson they may watch, values in range,
``updatedAt`` the server's time. The player decides what to save
(app/ui/progress_tracker.py); the course page watches one course's records.
"""

from app.model import paths
from app.services import database


def course_path(uid, course_id):
    """{lessonId: record} of one course, for a LiveValue."""
    return paths.progress(uid, course_id)


def read(uid, course_id, lesson_id, on_value, on_error=None):
    """on_value(record or None) once: where the learner left the lesson."""
    database.read_once(paths.lesson_progress(uid, course_id, lesson_id), on_value, on_error)


def save(uid, course_id, lesson_id, values, first, on_done=None, on_error=None):
    """Save {position, watched, duration, complete}, stamped with the server's time.

    One update of every field (the rules want them all after each save); ``first`` (no
    record is known to exist) also stamps ``startedAt``, which later saves leave as the
    server set it: the rules bound watched by the time since then. Writes made while
    offline are queued by the SDK and sent on reconnection.
    """
    record = dict(values)
    record["updatedAt"] = database.SERVER_TIME
    if first:
        record["startedAt"] = database.SERVER_TIME
    path = paths.lesson_progress(uid, course_id, lesson_id)
    database.update({paths.child(path, k): v for k, v in record.items()}, on_done, on_error)
