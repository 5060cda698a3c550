"""Moderation: the audit trail, reports, mutes and bans (rules/moderation_rules.py).

Every staff action goes out as one multi-path update holding the action, its audit entry
(audit/<cid>/<id>: action, target, by, at, value?, reason?) and auditLast/<cid>/<uid>
naming that entry: the rules refuse the action without its entry and an entry that does not
describe its update. A report moves the post's reportCount by exactly +1 in the same update
(and the report that reaches REPORTS_TO_HIDE sets pendingReview, which hides the post until
staff resolve it).
"""

from app.model import limits, paths
from app.services import database, errors, firebase
from app.services.jsutil import is_nullish

REASON_WORDS = {
    "spam": "Spam",
    "abusive": "Abusive",
    "off-topic": "Off-topic",
    "other": "Something else",
}
ACTION_WORDS = {
    "pinned": ("pinned", "unpinned"),
    "locked": ("locked", "unlocked"),
    "hidden": ("hid", "unhid"),
    "endorsed": ("endorsed", "withdrew the endorsement of"),
    "delete": ("deleted", "deleted"),
    "dismiss": ("dismissed the reports of", "dismissed the reports of"),
    "mute": ("muted", "muted"),
    "ban": ("banned", "banned"),
    "lift": ("lifted the mute or ban of", "lifted the mute or ban of"),
    "slow": ("changed the slow mode of", "changed the slow mode of"),
}
AUDIT_WINDOW = 50  # the console lists each course's newest entries


def current_uid():
    user = firebase.auth().currentUser
    return None if is_nullish(user) else user.uid


def audited(values, course_id, action, target, value=None, reason=None):
    """values plus the audit entry of one staff action and auditLast naming it."""
    uid = current_uid()
    entry_id = database.new_key(paths.audit(course_id))
    entry = {"action": action, "target": target, "by": uid, "at": database.SERVER_TIME}
    if value is not None:
        entry["value"] = value
    if reason:
        entry["reason"] = reason
    values[paths.audit_entry(course_id, entry_id)] = entry
    values[paths.audit_last(course_id, uid)] = entry_id
    return values


def audit_query(course_id, window=AUDIT_WINDOW):
    return {"path": paths.audit(course_id), "order_by_child": "at", "limit_to_last": window}


def describe(entry):
    """An entry in words, without its actor: 'pinned', 'hid', 'muted' (+ the reason)."""
    words = ACTION_WORDS.get(entry.get("action"), (entry.get("action", ""), ""))
    return words[0] if entry.get("value") is not False else words[1]


# ---- reports
def report(course_id, qid, post_id, uid, reason, note, on_done, on_error):
    """File uid's report of a post with the counter's +1 (one retry if another report won)."""
    post = paths.forum_post(course_id, paths.post_in_forum(qid, post_id))
    record = {"reason": reason, "createdAt": database.SERVER_TIME}
    if note:
        record["note"] = note

    def send(count, retry):
        count = count if isinstance(count, int) else 0
        values = {
            paths.report(course_id, qid, post_id, uid): record,
            paths.child(post, "reportCount"): count + 1,
        }
        if count + 1 >= limits.REPORTS_TO_HIDE:
            values[paths.child(post, "pendingReview")] = True

        def refused(err):
            if retry and err.kind == errors.PERMISSION:
                database.read_once(paths.child(post, "reportCount"),
                                   lambda fresh: send(fresh, False), on_error)  # fmt: skip
            else:
                on_error(err)

        database.update(values, on_done, refused)

    database.read_once(paths.child(post, "reportCount"), lambda c: send(c, True), on_error)


def my_report_path(course_id, qid, post_id, uid):
    return paths.report(course_id, qid, post_id, uid)


def post_reports_path(course_id, qid, post_id):
    return paths.post_reports(course_id, qid, post_id)


def resolve(course_id, qid, post_id, how, on_done, on_error):
    """Staff resolve a post's reports: "dismiss", "hide" or "delete", with the audit entry."""
    post = paths.forum_post(course_id, paths.post_in_forum(qid, post_id))
    values = {paths.post_reports(course_id, qid, post_id): None}
    if how == "delete":
        values[post] = None
        values[paths.post_votes(course_id, qid, post_id)] = None
        if post_id != qid:
            values[paths.child(paths.question(course_id, qid), "acceptedAnswerId")] = None
        audited(values, course_id, "delete", post)
    else:
        values[paths.child(post, "reportCount")] = None
        values[paths.child(post, "pendingReview")] = None
        if how == "hide":
            values[paths.child(post, "hidden")] = True
            audited(values, course_id, "hidden", post, True)
        else:
            audited(values, course_id, "dismiss", post)
    database.update(values, on_done, on_error)


# ---- mutes and bans
def moderation_path(course_id, uid):
    return paths.moderation(course_id, uid)


def restrict(course_id, uid, kind, reason, until, on_done, on_error):
    """Mute or ban uid in the course (until: epoch ms, or None for until lifted)."""
    record = {"kind": kind, "reason": reason, "by": current_uid(), "at": database.SERVER_TIME}
    if until:
        record["until"] = float(until)  # a float crosses the FFI whole (a large int does not)
    path = paths.moderation(course_id, uid)
    database.update(audited({path: record}, course_id, kind, path, None, reason), on_done,
                    on_error)  # fmt: skip


def lift(course_id, uid, on_done, on_error):
    path = paths.moderation(course_id, uid)
    database.update(audited({path: None}, course_id, "lift", path), on_done, on_error)


# ---- slow mode
SLOW_CHOICES = (0,) + limits.SLOW_MODE_CHOICES_S  # noqa: RUF005 - no *x in MicroPython displays


def slow_seconds(setting, thread_setting=None):
    """The slow mode that holds for a post (the longer of the course's and the thread's)."""
    values = [v for v in (setting, thread_setting) if isinstance(v, (int, float)) and v > 0]
    return int(max(values)) if values else 0


def slow_wait(seconds, stamp, now):
    """Seconds until slow mode lets the next post in (0: now)."""
    if not seconds or not stamp:
        return 0
    left = stamp + seconds * 1000 - now
    return int((left + 999) // 1000) if left > 0 else 0


def slow_thread_binds(setting, thread_setting):
    """Whether a thread's own slow mode is the one that holds there (longer than the course's)."""
    return slow_seconds(None, thread_setting) > slow_seconds(setting)


def slow_words(seconds, wait, thread=False):
    """The slow mode in words (``thread``: the question's own one holds), and the wait."""
    where = " in this thread." if thread else " in this course."
    sentence = "Slow mode: one post every " + str(seconds) + " s" + where
    if wait:
        sentence += " You can post again in " + str(wait) + " s."
    return sentence


def set_slow_mode(course_id, seconds, on_done, on_error, qid=None):
    """Staff set (seconds) or turn off (0) slow mode for the course (or one thread)."""
    path = paths.slow_mode_question(course_id, qid) if qid else paths.slow_mode_course(course_id)
    values = audited({path: seconds or None}, course_id, "slow", path)
    database.update(values, on_done, on_error)


def slow_refusal(course_id, uid, path, err, on_error):
    """A refused post: explained by slow mode if it holds (and how long to wait), else err."""
    from app.services import forum

    kind_and_qid = path.split("/")[2:4]  # forum/<cid>/<kind>/<qid>/...
    qid = kind_and_qid[-1]
    got = {}

    def check():
        if "mode" not in got or "stamp" not in got:
            return
        mode = got["mode"] or {}
        thread = (mode.get("questions") or {}).get(qid)
        seconds = slow_seconds(mode.get("course"), thread)
        wait = slow_wait(seconds, (got["stamp"] or {}).get("at"), forum.now_ms())
        if seconds and wait:
            words = slow_words(seconds, wait, slow_thread_binds(mode.get("course"), thread))
            on_error(errors.ServiceError(err.kind, words))
        else:
            on_error(err)

    def keep(name):
        def value(v):
            got[name] = v
            check()

        return value

    database.read_once(paths.slow_mode(course_id), keep("mode"), lambda e: on_error(err))
    database.read_once(paths.slow_stamp(course_id, uid), keep("stamp"), lambda e: on_error(err))


def read_restriction(course_id, uid, on_record):
    """on_record(the user's own mute or ban record in the course, or None)."""
    database.read_once(paths.moderation(course_id, uid), on_record, lambda err: on_record(None))


def restriction_words(record, now):
    """Why this user cannot post (or read) here, in words, or None when nothing holds now."""
    if not record:
        return None
    until = record.get("until")
    if until is not None and until <= now:
        return None
    what = "muted" if record.get("kind") == "mute" else "banned"
    sentence = "The course staff " + what + " you in this course"
    reason = record.get("reason")
    if reason:
        sentence += ": " + reason
    if until is not None:
        sentence += ". It ends " + _when(until) + "."
    else:
        sentence += ", until they lift it."
    return sentence


def _when(ms):
    """An epoch-ms moment in the reader's local words (the browser's Date)."""
    from pyscript import window

    return str(window.Date.new(float(ms)).toLocaleString())  # floats cross the FFI whole
