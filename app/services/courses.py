"""Catalog, lessons, enrollments and profiles: the queries and writes around the courses.

Paths come from app/model/paths.py (the views use its builders for plain values).
"""

from pyscript import window

from app.model import paths
from app.services import database, errors, names


def catalog_query():
    return {"path": paths.courses(), "order_by_child": "order"}


def lessons_query(course_id=None):
    """All lessons by course (lessons), or one course's lessons in order."""
    if course_id is None:
        return {"path": paths.lessons()}
    return {"path": paths.lessons(course_id), "order_by_child": "order"}


def course_path(course_id):
    return paths.course(course_id)


def enrollments_path(uid):
    return paths.enrollments(uid)


def name_key(name):
    """displayNames/<key> for name: JavaScript's toLowerCase (MicroPython's is ASCII-only)."""
    return names.key(str(window.String.prototype.toLowerCase.call(name)))


def name_free(uid, name, on_free, on_error):
    """on_free() if nobody but uid holds name (any letter case), else on_error(ServiceError)."""

    def got(holder):
        if holder is None or holder == uid:
            on_free()
        else:
            on_error(errors.ServiceError(errors.CONFLICT, names.TAKEN))

    database.read_once(paths.display_name(name_key(name)), got, on_error)


def ensure_profile(uid, fallback_name, on_name, on_error):
    """on_name(displayName) from profiles/$uid, writing fallback_name first if it is missing.

    Posts must carry exactly this name (the rules compare authorName with it).
    """

    def got(name):
        if name:
            on_name(name)
            return
        save_profile(uid, fallback_name, None, lambda: on_name(fallback_name), on_error)

    database.read_once(paths.profile_name(uid), got, on_error)


def save_profile(uid, display_name, old_name, on_done, on_error):
    """Write the profile and claim its name in one update (releasing old_name's entry).

    The rules refuse a name someone else holds in any letter case: that refusal reads
    "That name is taken".
    """
    problem = names.problem(display_name)
    if problem:
        on_error(errors.ServiceError(errors.VALIDATION, problem))
        return
    key = name_key(display_name)
    values = {paths.profile(uid): {"displayName": display_name}, paths.display_name(key): uid}
    if old_name and name_key(old_name) != key:
        values[paths.display_name(name_key(old_name))] = None

    def refused(err):  # taken meanwhile (say so), or refused for another reason
        name_free(uid, display_name, lambda: on_error(err), on_error)

    database.update(values, on_done, refused)
