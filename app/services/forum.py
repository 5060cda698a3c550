"""The lesson forum: questions, answers, comments, votes and moderation flags.

Paths come from app/model/paths.py, as the rules build them. A post is addressed by its
forum path (under forum/$cid): "questions/<qid>", "answers/<qid>/<aid>" or
"comments/<qid>/<postId>/<cmid>"; the limits come from app/model/limits.py.

Every new post travels with its author's rate-limit tick (rateLimits/<uid>) in one
update, as the rules require; a refusal because the window is full says how long to wait.
"""

from pyscript import window

from app.model import limits, paths
from app.services import clock, database, errors, inbox
from app.services.jsutil import to_py


def questions_query(course_id, lesson_id):
    """The lesson's questions (app/services/prefetch.js warms up the same query)."""
    return {
        "path": paths.questions(course_id),
        "order_by_child": "lessonId",
        "equal_to": lesson_id,
    }


def answers_query(course_id, qid):
    return {"path": paths.answers(course_id, qid), "order_by_child": "createdAt"}


def comments_query(course_id, qid, post_id):
    return {"path": paths.comments(course_id, qid, post_id)}


def _post(user, body, role):
    post = {
        "uid": user["uid"],
        "authorName": user["name"],
        "body": body,
        "createdAt": database.SERVER_TIME,
    }
    if role:
        post["authorRole"] = role  # the rules accept it only from a holder of the role
    return post


def wait_seconds(window_state, now):
    """Seconds until the rate-limit window lets another post in (0: it does now)."""
    if not window_state:
        return 0
    left = window_state.get("windowStart", 0) + limits.WINDOW_MS - now
    if window_state.get("count", 0) < limits.POSTS_PER_WINDOW or left <= 0:
        return 0
    return int((left + 999) // 1000)


def _too_fast(seconds):
    sentence = (
        "you have posted "
        + str(limits.POSTS_PER_WINDOW)
        + " times in the last minute; wait "
        + str(seconds)
        + " s, then post again."
    )
    return errors.ServiceError(errors.RATE_LIMIT, sentence)


def now_ms():
    """The browser's clock, in epoch milliseconds (see app/services/clock.py for why ISO)."""
    return clock.epoch_ms(to_py(window.Date.new()))


def _create(uid, path, value, on_done, on_error, extra=None):
    """Write a new post at path with its rate-limit tick (and extra paths), in one update."""
    limit = paths.rate_limit(uid)
    course_id = path.split("/")[1]  # forum/<cid>/...

    def got(state):
        now = now_ms()
        wait = wait_seconds(state, now)
        if wait:
            on_error(_too_fast(wait))
            return
        if not state or now - state.get("windowStart", 0) >= limits.WINDOW_MS:
            tick = {limit: {"windowStart": database.SERVER_TIME, "count": 1, "post": path}}
        else:  # windowStart stays as stored (and never crosses the FFI as a large number)
            tick = {paths.child(limit, "count"): state["count"] + 1,
                    paths.child(limit, "post"): path}  # fmt: skip

        def refused(err):
            def restricted(record):  # or muted / banned by the course staff (issue 15)?
                from app.services import moderation

                words = moderation.restriction_words(record, now_ms())
                if words:
                    on_error(errors.ServiceError(err.kind, words))
                    return
                moderation.slow_refusal(course_id, uid, path, err, on_error)

            def recheck(fresh):  # refused because the window filled meanwhile?
                wait = wait_seconds(fresh, now_ms())
                if wait:
                    on_error(_too_fast(wait))
                    return
                database.read_once(paths.moderation(course_id, uid), restricted,
                                   lambda e: on_error(err))  # fmt: skip

            database.read_once(limit, recheck, lambda e: on_error(err))

        tick[path] = value
        tick[paths.slow_stamp(course_id, uid)] = {"at": database.SERVER_TIME}  # slow mode's
        for key in extra or {}:
            tick[key] = extra[key]
        database.update(tick, on_done, refused)

    database.read_once(limit, got, on_error)


def ask(course_id, lesson_id, user, role, title, body, second, on_done, on_error):
    """Create a question (optionally pinned to a second of the video); on_done(qid)."""
    qid = database.new_key(paths.questions(course_id))
    question = _post(user, body, role)
    question["lessonId"] = lesson_id
    question["title"] = title
    question["score"] = 0
    if second is not None:
        question["videoSecond"] = second
    path = paths.question(course_id, qid)
    follow = inbox.follow_fields(course_id, qid, user["uid"])  # askers follow their question
    _create(user["uid"], path, question, lambda: on_done(qid), on_error, follow)
    return qid


def answer(course_id, qid, user, role, body, on_done, on_error):
    aid = database.new_key(paths.answers(course_id, qid))
    post = _post(user, body, role)
    post["score"] = 0
    follow = inbox.follow_fields(course_id, qid, user["uid"])  # answerers follow the thread
    _create(user["uid"], paths.answer(course_id, qid, aid), post, on_done, on_error, follow)
    return aid


def comment(course_id, qid, post_id, user, role, body, on_done, on_error):
    cmid = database.new_key(paths.comments(course_id, qid, post_id))
    path = paths.comment(course_id, qid, post_id, cmid)
    _create(user["uid"], path, _post(user, body, role), on_done, on_error)
    return cmid


def vote(course_id, qid, post_id, uid, old, new, on_done, on_error):
    """Set (or withdraw, new=0) the user's vote and move the post's score in one update."""
    post = paths.forum_post(course_id, paths.post_in_forum(qid, post_id))
    database.update(
        {
            paths.vote(course_id, qid, post_id, uid): new or None,
            paths.child(post, "score"): database.increment(new - old),
        },
        on_done,
        on_error,
    )


def accept(course_id, qid, aid, on_done, on_error):
    """The asker marks aid as the accepted answer (aid=None withdraws it)."""
    database.update(
        {paths.child(paths.question(course_id, qid), "acceptedAnswerId"): aid},
        on_done,
        on_error,
    )


def set_flag(course_id, post, flag, value, on_done, on_error):
    """Set (value true) or clear (false: deleted, not stored as false) a staff-only flag.

    Questions: pinned, locked (no new answers or comments), hidden; answers: endorsed,
    hidden. Hidden posts are still readable by members: the UI is what hides them. The
    change travels with its audit entry (app/services/moderation.py), as the rules require.
    """
    from app.services import moderation

    target = paths.forum_post(course_id, post)
    values = {paths.child(target, flag): True if value else None}
    moderation.audited(values, course_id, flag, target, bool(value))
    database.update(values, on_done, on_error)


def edit(course_id, post, fields, on_done, on_error):
    """Change title/body of one's own post; editedAt is the server's time."""
    path = paths.forum_post(course_id, post)
    values = {}
    for name in fields:
        values[paths.child(path, name)] = fields[name]
    values[paths.child(path, "editedAt")] = database.SERVER_TIME
    database.update(values, on_done, on_error)


def delete(course_id, qid, post_id, accepted, on_done, on_error, moderating=False):
    """Delete a question (post_id == qid) or an answer, with its votes and reports, in one
    update; moderating (staff deleting another's post) adds the audit entry.

    The rules refuse deleting the accepted answer unless the same update clears
    acceptedAnswerId (accepted=True). Votes go with the post, so its key stays reusable;
    answers and comments of a deleted question stay (and keep that key retired).
    """
    post = paths.forum_post(course_id, paths.post_in_forum(qid, post_id))
    values = {
        post: None,
        paths.post_votes(course_id, qid, post_id): None,
        paths.post_reports(course_id, qid, post_id): None,
    }
    if accepted and post_id != qid:
        values[paths.child(paths.question(course_id, qid), "acceptedAnswerId")] = None
    if moderating:
        from app.services import moderation

        moderation.audited(values, course_id, "delete", post)
    database.update(values, on_done, on_error)


# How many of a course's newest questions the console listens to (a bounded first read).
QUEUE_WINDOW = 100


def queue_query(course_id, window=QUEUE_WINDOW):
    """A course's newest questions, by creation time: the console's window of its forum."""
    return {
        "path": paths.questions(course_id),
        "order_by_child": "createdAt",
        "limit_to_last": window,
    }
