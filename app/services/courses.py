"""Catalog, lessons, enrollments and profiles: the paths and writes around the courses."""

from app.services import database


def catalog_query():
    return {"path": "/courses", "order_by_child": "order"}


def lessons_query(course_id=None):
    """All lessons by course (/lessons), or one course's lessons in order."""
    if course_id is None:
        return {"path": "/lessons"}
    return {"path": "/lessons/" + course_id, "order_by_child": "order"}


def course_path(course_id):
    return "/courses/" + course_id


def enrollments_path(uid):
    return "/enrollments/" + uid


def profile_name_path(uid):
    return "/profiles/" + uid + "/displayName"


def ensure_profile(uid, fallback_name, on_name, on_error):
    """on_name(displayName) from profiles/$uid, writing fallback_name first if it is missing.

    Posts must carry exactly this name (the rules compare authorName with it).
    """

    def got(name):
        if name:
            on_name(name)
            return
        save_profile(uid, fallback_name, lambda: on_name(fallback_name), on_error)

    database.read_once(profile_name_path(uid), got, on_error)


def save_profile(uid, display_name, on_done, on_error):
    database.set_value("/profiles/" + uid, {"displayName": display_name}, on_done, on_error)
