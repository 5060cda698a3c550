"""Gurubot's feedback (issue 13): the asker's "this answered it" on the bot's answer.

It accepts the answer (the question then counts as answered, like any accepted answer) and
stores the asker's verdict at gurubotFeedback/$cid/$qid, in one update: the rules take the
feedback from the asker only, once, naming an answer whose authorRole is "bot"
(rules/gurubot_rules.py). After an unaccept, pressing it again only accepts: the verdict
is already stored and cannot be rewritten.
"""

from app.model import paths
from app.services import database


def answered_it(course_id, qid, aid, uid, on_done, on_error):
    """Accept Gurubot's answer aid to qid and, the first time, store uid's feedback."""
    feedback = paths.gurubot_feedback(course_id, qid)
    accepted = paths.child(paths.question(course_id, qid), "acceptedAnswerId")

    def got(existing):
        values = {accepted: aid}
        if not existing:
            values[feedback] = {
                "uid": uid,
                "answerId": aid,
                "helpful": True,
                "at": database.SERVER_TIME,
            }
        database.update(values, on_done, on_error)

    database.read_once(feedback, got, on_error)
