"""Notifications, browser side: the user's inbox, thread follows and course watch levels.

Paths and levels come from app/model (paths.py, notices.py), as the rules build them. The
inbox is written by the fan-out functions only; the browser reads it, marks entries read
(the one field the rules let its owner write) and deletes them. Follows and watch levels
are the user's own (rules/notifications_rules.py).
"""

from app.model import notices, paths
from app.services import database


def inbox_query(uid):
    """The newest entries of uid's inbox, by creation time: the bell's bounded window."""
    return {
        "path": paths.inbox(uid),
        "order_by_child": "createdAt",
        "limit_to_last": notices.INBOX_WINDOW,
    }


def mark_read(uid, nids, on_done=None, on_error=None):
    """Mark entries read in one update (nothing to send for none)."""
    values = {}
    for nid in nids:
        values[paths.inbox_read(uid, nid)] = True
    if not values:
        if on_done is not None:
            on_done()
        return
    database.update(values, on_done, on_error)


def delete(uid, nid, on_done=None, on_error=None):
    database.update({paths.inbox_entry(uid, nid): None}, on_done, on_error)


def follow_path(course_id, qid, uid):
    """true while uid follows the thread (a LiveValue's path)."""
    return paths.follow(course_id, qid, uid)


def follow_fields(course_id, qid, uid):
    """What a post's update adds so its author follows the thread (asking, answering)."""
    return {paths.follow(course_id, qid, uid): True}


def set_follow(course_id, qid, uid, following, on_done=None, on_error=None):
    database.update(
        {paths.follow(course_id, qid, uid): True if following else None}, on_done, on_error
    )


def watch_path(course_id, uid):
    return paths.watch(course_id, uid)


def set_level(course_id, uid, level, on_done=None, on_error=None):
    """Store the member's level for the course (one of notices.LEVELS)."""
    database.update({paths.watch(course_id, uid): level}, on_done, on_error)


def lesson_url(entry):
    """The lesson page, opened at the entry's question and the video's second
    (app/ui/forum.py reads #q-<qid>~<second>)."""
    url = (
        "/course/"
        + str(entry.get("courseId", ""))
        + "/lesson/"
        + str(entry.get("lessonId", ""))
        + ".html#q-"
        + str(entry.get("questionId", ""))
    )
    second = entry.get("second")
    if isinstance(second, (int, float)):
        url = url + "~" + str(int(second))
    return url
