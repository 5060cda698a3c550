"""Office hours (issue 15 item 6): a course's live session, its queue and its served times.

Paths are app/model/paths.py's office_* builders; rules/office_hours_rules.py says who may
write what. A learner's entry is {question, joinedAt: server time}; joining registers the
SDK's onDisconnect removal first, so a closed page (or a dropped connection) leaves the
queue on the server's side. Staff take an entry (takenAt, takenBy) and mark it done: the
served record and the entry's removal travel in one update, as the rules require.

Times (joinedAt, takenAt) are epoch milliseconds, too large to cross MicroPython's FFI as
numbers, so updates that copy them are handed to the SDK as JSON text, parsed in JS.
"""

import json

from app.model import limits, paths


def _sdk():
    """The browser's SDK and services (imported here: the queue arithmetic runs anywhere)."""
    from pyscript import window
    from pyscript.js_modules import firebase_database as fdb

    from app.services import database, firebase

    return window, fdb, database, firebase


# How many of the latest service times the expected wait averages.
RECENT_SERVED = 8


def served_query(course_id):
    """The latest served records, by when they were done: what the estimate is made of."""
    return {
        "path": paths.office_served(course_id),
        "order_by_child": "doneAt",
        "limit_to_last": RECENT_SERVED,
    }


def _json_update(values, on_done, on_error):
    """database.update, with the values crossing to JS as JSON (large numbers intact)."""
    window, fdb, database, firebase = _sdk()
    ref = fdb.ref(firebase.database())
    database._settle(fdb.update(ref, window.JSON.parse(json.dumps(values))), on_done, on_error)


def open_session(course_id, uid, on_done=None, on_error=None):
    window, fdb, database, firebase = _sdk()
    base = paths.office_hours(course_id)
    database.update(
        {
            paths.child(base, "open"): True,
            paths.child(base, "by"): uid,
            paths.child(base, "openedAt"): database.SERVER_TIME,
        },
        on_done,
        on_error,
    )


def close_session(course_id, on_done=None, on_error=None):
    """Close the session; whoever still waits leaves the queue with it."""
    window, fdb, database, firebase = _sdk()
    base = paths.office_hours(course_id)
    values = {paths.child(base, name): None for name in ("open", "by", "openedAt")}
    values[paths.office_queue(course_id)] = None
    database.update(values, on_done, on_error)


def question_error(question):
    """Why a queue question cannot be sent, in words (None: it can)."""
    text = (question or "").strip()
    if not text:
        return "Write your question in one line first."
    if "\n" in text or "\r" in text:
        return "Keep your question to one line."
    if len(text) > limits.OFFICE_QUESTION_MAX:
        return (
            "Keep your question to at most "
            + str(limits.OFFICE_QUESTION_MAX)
            + " characters (it has "
            + str(len(text))
            + ")."
        )
    return None


def join(course_id, uid, question, on_done, on_error):
    """Join the open session's queue; the server removes the entry when this page goes."""
    window, fdb, database, firebase = _sdk()
    ref = fdb.ref(firebase.database(), paths.office_queue(course_id, uid))
    entry = {"question": question.strip(), "joinedAt": database.SERVER_TIME}

    def registered():
        database._settle(fdb.set(ref, window.JSON.parse(json.dumps(entry))), on_done, on_error)

    database._settle(fdb.onDisconnect(ref).remove(), registered, on_error)


def leave(course_id, uid, on_done=None, on_error=None):
    window, fdb, database, firebase = _sdk()
    ref = fdb.ref(firebase.database(), paths.office_queue(course_id, uid))
    fdb.onDisconnect(ref).cancel()
    database._settle(fdb.set(ref, window.JSON.parse("null")), on_done, on_error)


def take(course_id, uid, me, on_done=None, on_error=None):
    """Staff: the learner uid is being helped now (in progress)."""
    window, fdb, database, firebase = _sdk()
    entry = paths.office_queue(course_id, uid)
    database.update(
        {paths.child(entry, "takenAt"): database.SERVER_TIME, paths.child(entry, "takenBy"): me},
        on_done,
        on_error,
    )


def done(course_id, uid, entry, on_done=None, on_error=None):
    """Staff: the taken entry is done; its service time joins the served records."""
    window, fdb, database, firebase = _sdk()
    sid = database.new_key(paths.office_served(course_id))
    served = {
        "uid": uid,
        "joinedAt": entry["joinedAt"],
        "takenAt": entry["takenAt"],
        "doneAt": database.SERVER_TIME,
    }
    _json_update(
        {paths.office_served(course_id, sid): served, paths.office_queue(course_id, uid): None},
        on_done,
        on_error,
    )


def waiting_order(queue):
    """The untaken entries' uids, first come first served (ties by uid, as the server sorts)."""
    queue = queue or {}
    waiting = [uid for uid in queue if not (queue[uid] or {}).get("takenAt")]
    waiting.sort(key=lambda uid: ((queue[uid] or {}).get("joinedAt") or 0, uid))
    return waiting


def in_progress(queue):
    """The taken entries' uids (normally one), earliest taken first."""
    queue = queue or {}
    taken = [uid for uid in queue if (queue[uid] or {}).get("takenAt")]
    taken.sort(key=lambda uid: (queue[uid].get("takenAt"), uid))
    return taken


def average_service_ms(served):
    """The mean of the recent served records' service times (None: none yet)."""
    times = []
    for sid in served or {}:
        record = served[sid] or {}
        if record.get("doneAt") and record.get("takenAt"):
            times.append(max(0, record["doneAt"] - record["takenAt"]))
    if not times:
        return None
    return sum(times) // len(times)


def position(queue, uid):
    """(place in line from 1, entries ahead of uid including those being helped), or None
    when uid waits no more (not queued, or being helped)."""
    order = waiting_order(queue)
    if uid not in order:
        return None
    place = order.index(uid) + 1
    return place, place - 1 + len(in_progress(queue))


def wait_words(ahead, average_ms):
    """The expected wait, in words, from how many are ahead and the recent service time."""
    if ahead == 0:
        return "you are next"
    if average_ms is None:
        return "no estimate yet (nobody has been helped yet)"
    minute = 60 * 1000
    minutes = (ahead * average_ms + minute - 1) // minute
    if minutes <= 1:
        return "about 1 min"
    return "about " + str(minutes) + " min"
