"""The lesson forum: questions, answers, comments, votes and moderation flags.

Paths follow rules/nimbus_rules.py. A post is addressed by its path under forum/$cid:
"questions/<qid>", "answers/<qid>/<aid>" or "comments/<postId>/<cmid>".
"""

from app.services import database

MAX_TITLE = 200
MAX_BODY = 10000
MAX_COMMENT = 2000


def questions_query(course_id, lesson_id):
    return {
        "path": "/forum/" + course_id + "/questions",
        "order_by_child": "lessonId",
        "equal_to": lesson_id,
    }


def answers_query(course_id, qid):
    return {"path": "/forum/" + course_id + "/answers/" + qid, "order_by_child": "createdAt"}


def comments_query(course_id, post_id):
    return {"path": "/forum/" + course_id + "/comments/" + post_id}


def votes_path(course_id, qid):
    return "/votes/" + course_id + "/" + qid


def question_path(qid):
    return "questions/" + qid


def answer_path(qid, aid):
    return "answers/" + qid + "/" + aid


def _post(user, body):
    return {
        "uid": user["uid"],
        "authorName": user["name"],
        "body": body,
        "createdAt": database.SERVER_TIME,
    }


def ask(course_id, lesson_id, user, title, body, second, on_done, on_error):
    """Create a question (optionally pinned to a second of the video); on_done(qid)."""
    qid = database.new_key("/forum/" + course_id + "/questions")
    question = _post(user, body)
    question["lessonId"] = lesson_id
    question["title"] = title
    question["score"] = 0
    if second is not None:
        question["videoSecond"] = second
    database.set_value(
        "/forum/" + course_id + "/questions/" + qid, question, lambda: on_done(qid), on_error
    )
    return qid


def answer(course_id, qid, user, body, on_done, on_error):
    aid = database.new_key("/forum/" + course_id + "/answers/" + qid)
    post = _post(user, body)
    post["score"] = 0
    database.set_value(
        "/forum/" + course_id + "/answers/" + qid + "/" + aid, post, on_done, on_error
    )
    return aid


def comment(course_id, qid, post_id, user, body, on_done, on_error):
    path = "/forum/" + course_id + "/comments/" + post_id
    cmid = database.new_key(path)
    post = _post(user, body)
    post["qid"] = qid
    database.set_value(path + "/" + cmid, post, on_done, on_error)
    return cmid


def vote(course_id, qid, post_id, uid, old, new, on_done, on_error):
    """Set (or withdraw, new=0) the user's vote and move the post's score in one update."""
    post = question_path(qid) if post_id == qid else answer_path(qid, post_id)
    database.update(
        {
            "votes/" + course_id + "/" + qid + "/" + post_id + "/" + uid: new or None,
            "forum/" + course_id + "/" + post + "/score": database.increment(new - old),
        },
        on_done,
        on_error,
    )


def accept(course_id, qid, aid, on_done, on_error):
    """The asker marks aid as the accepted answer (aid=None withdraws it)."""
    database.update(
        {"forum/" + course_id + "/questions/" + qid + "/acceptedAnswerId": aid},
        on_done,
        on_error,
    )


def set_flag(course_id, post, flag, value, on_done, on_error):
    """Set (value true) or clear (false: deleted, not stored as false) a staff-only flag.

    Questions: pinned, locked (no new answers or comments), hidden; answers: endorsed,
    hidden. Hidden posts are still readable by members: the UI is what hides them.
    """
    database.update(
        {"forum/" + course_id + "/" + post + "/" + flag: True if value else None},
        on_done,
        on_error,
    )


def edit(course_id, post, fields, on_done, on_error):
    """Change title/body of one's own post; editedAt is the server's time."""
    values = {}
    for name in fields:
        values["forum/" + course_id + "/" + post + "/" + name] = fields[name]
    values["forum/" + course_id + "/" + post + "/editedAt"] = database.SERVER_TIME
    database.update(values, on_done, on_error)


def delete(course_id, post, on_done, on_error):
    database.update({"forum/" + course_id + "/" + post: None}, on_done, on_error)
