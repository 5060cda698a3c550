"""Who is staff where: the courses a user may moderate, as the rules decide it.

The rules make a user staff of a course when courses/$cid/instructorUid is their uid, or
everywhere with the admin claim; the catalog is public, so one read of it answers both.
"""


def staff_courses(user, catalog):
    """{cid: course} of catalog that user moderates (every course for an admin)."""
    mine = {}
    if user is None:
        return mine
    for cid in catalog or {}:
        course = catalog[cid] or {}
        if user.get("admin") or course.get("instructorUid") == user["uid"]:
            mine[cid] = course
    return mine


def read_staff_courses(user, on_courses, on_error=None):
    """on_courses({cid: course}) once: the courses user moderates, from the catalog."""
    from app.services import courses, database  # the browser's SDK: staff_courses runs anywhere

    database.read_once(
        courses.catalog_query()["path"],
        lambda catalog: on_courses(staff_courses(user, catalog)),
        on_error,
    )
