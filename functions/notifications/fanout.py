"""Inbox fan-out: a new question, answer or comment, an accepted or endorsed answer becomes
one entry in each recipient's ``inbox/$uid`` (who: _model/notices.py ``recipients``);
a hidden or deleted post's entries go again.

Each trigger below is one decorated module-level def (main.py exposes them). Why it holds:

- Idempotent: an entry's id is ``notices.nid(kind, postId)``, the same for every recipient
  and every delivery, and ``inboxByPost/$cid/$qid/$nid/$uid`` records who got it, in the
  same multi-path update as the entries. A redelivered event reads that record first and
  writes only for recipients it lacks (none), so a read or deleted entry is never reset.
- Batched: recipients go ``BATCH_RECIPIENTS`` to an update (two paths each), one request
  per batch however many followers a thread has.
- Never the actor, never a muted member, only members: a recipient must still be enrolled
  (or be the course's instructor, or an admin), so a refunded learner's stale follow
  shows them nothing more of the course.
- Hidden and deleted posts: the handlers read the post as the database holds it now, so
  a post hidden or deleted before its fan-out ran notifies nobody, and the removal reads
  the record above and deletes those entries (a question's removal takes its whole
  thread's). Unhiding does not bring old entries back: the moment has passed.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _model import notices, paths
from firebase_admin import auth, db
from firebase_functions import db_fn

log = logging.getLogger(__name__)
READERS = 16  # parallel membership reads per event


def _get(path: str) -> Any:
    return db.reference(path).get()


def _shallow_keys(path: str) -> list[str]:
    value = db.reference(path).get(shallow=True)
    return list(value) if isinstance(value, dict) else []


def _flag(post: Any, name: str) -> bool:
    return isinstance(post, dict) and post.get(name) is True


def _member(cid: str, uid: str, instructor_uid: str) -> bool:
    if uid == instructor_uid or _get(paths.enrollment(uid, cid)) is True:
        return True
    try:
        return (auth.get_user(uid).custom_claims or {}).get("admin") is True
    except (auth.UserNotFoundError, ValueError):
        return False


def members(cid: str, uids: list[str], instructor_uid: str) -> list[str]:
    """Those of ``uids`` who may read the course's forum now (reads in parallel)."""
    if not uids:
        return []
    with ThreadPoolExecutor(max_workers=min(READERS, len(uids))) as pool:
        ok = list(pool.map(lambda u: _member(cid, u, instructor_uid), uids))
    return [uid for uid, keep in zip(uids, ok, strict=True) if keep]


def entry(kind: str, cid: str, qid: str, post_id: str, question: dict[str, Any],
          actor_name: str, body: str, created_at: Any) -> dict[str, Any]:  # fmt: skip
    """The inbox entry (the agreed shape: N2's email functions read it too)."""
    value = {
        "kind": kind,
        "courseId": cid,
        "questionId": qid,
        "postId": post_id,
        "lessonId": question.get("lessonId", ""),
        "actorName": actor_name or "Someone",
        "title": question.get("title", ""),
        "snippet": notices.snippet(body),
        "createdAt": created_at if isinstance(created_at, (int, float)) else _now_ms(),
    }
    second = question.get("videoSecond")
    if isinstance(second, (int, float)):
        value["second"] = second
    return value


def _now_ms() -> int:
    return int(time.time() * 1000)


def deliver(cid: str, qid: str, value: dict[str, Any], actor: str, also: tuple = ()) -> int:
    """Write ``value`` to every recipient that lacks it; the number of entries written."""
    kind = value["kind"]
    nid = notices.nid(kind, value["postId"])
    course = _get(paths.course(cid)) or {}
    instructor_uid = course.get("instructorUid", "")
    followers = _get(paths.follows(cid, qid)) if kind in (notices.ANSWER, notices.COMMENT) else {}
    levels = _get(paths.watch(cid)) or {}
    wanted = notices.recipients(kind, actor, followers or {}, levels, instructor_uid, also)
    done = _get(paths.inbox_by_post(cid, qid, nid)) or {}
    todo = members(cid, [u for u in wanted if u not in done], instructor_uid)
    for start in range(0, len(todo), notices.BATCH_RECIPIENTS):
        update: dict[str, Any] = {}
        for uid in todo[start : start + notices.BATCH_RECIPIENTS]:
            update[paths.inbox_entry(uid, nid)] = value
            update[paths.child(paths.inbox_by_post(cid, qid, nid), uid)] = True
        db.reference().update(update)
    log.info("notifications: %s %s/%s: %d entries", nid, cid, qid, len(todo))
    return len(todo)


def remove(cid: str, qid: str, keep: Any = None) -> int:
    """Delete the thread's entries whose ids ``keep(nid)`` selects (all: None); how many."""
    record = _get(paths.inbox_by_post(cid, qid)) or {}
    update: dict[str, Any] = {}
    removed = 0
    for nid, uids in record.items():
        if keep is not None and not keep(nid):
            continue
        for uid in uids or {}:
            update[paths.inbox_entry(uid, nid)] = None
            removed += 1
        update[paths.inbox_by_post(cid, qid, nid)] = None
        if len(update) >= 2 * notices.BATCH_RECIPIENTS:
            db.reference().update(update)
            update = {}
    if update:
        db.reference().update(update)
    log.info("notifications: removed %d entries of %s/%s", removed, cid, qid)
    return removed


def _gone(post: Any) -> bool:
    return not isinstance(post, dict) or _flag(post, "hidden")


def question_written(cid: str, qid: str, before: Any, after: Any) -> None:
    """New question: "all" watchers. Accepted answer: its author. Hidden or deleted: the
    thread's entries go."""
    if after is None or (_flag(after, "hidden") and not _flag(before, "hidden")):
        if _gone(_get(paths.question(cid, qid))):
            remove(cid, qid)
        return
    accepted = after.get("acceptedAnswerId") if isinstance(after, dict) else None
    was = before.get("acceptedAnswerId") if isinstance(before, dict) else None
    if before is not None and (not accepted or accepted == was):
        return  # an edit, a vote, a flag: nothing to tell
    question = _get(paths.question(cid, qid))
    if _gone(question):
        return
    if before is None:
        value = entry(notices.QUESTION, cid, qid, qid, question, question.get("authorName", ""),
                      question.get("body", ""), question.get("createdAt"))  # fmt: skip
        deliver(cid, qid, value, question.get("uid", ""))
    if accepted and accepted != was and question.get("acceptedAnswerId") == accepted:
        answer = _get(paths.answer(cid, qid, accepted))
        if _gone(answer):
            return
        name = question.get("authorName", "")
        value = entry(notices.ACCEPTED, cid, qid, accepted, question, name,
                      answer.get("body", ""), _now_ms())  # fmt: skip
        deliver(cid, qid, value, question.get("uid", ""), (answer.get("uid", ""),))


def answer_written(cid: str, qid: str, aid: str, before: Any, after: Any, by: str) -> None:
    """New answer: the thread's followers. Endorsed: its author. Hidden or deleted: its
    entries (and its comments') go."""
    if after is None or (_flag(after, "hidden") and not _flag(before, "hidden")):
        if _gone(_get(paths.answer(cid, qid, aid))):
            comments = {notices.nid(notices.COMMENT, c)
                        for c in _shallow_keys(paths.comments(cid, qid, aid))}  # fmt: skip
            own = {
                notices.nid(k, aid) for k in (notices.ANSWER, notices.ACCEPTED, notices.ENDORSED)
            }
            remove(cid, qid, lambda nid: nid in own or nid in comments)
        return
    created = before is None
    endorsed = _flag(after, "endorsed") and not _flag(before, "endorsed")
    if not (created or endorsed):
        return
    question, answer = _get(paths.question(cid, qid)), _get(paths.answer(cid, qid, aid))
    if _gone(question) or _gone(answer):
        return
    if created:
        value = entry(notices.ANSWER, cid, qid, aid, question, answer.get("authorName", ""),
                      answer.get("body", ""), answer.get("createdAt"))  # fmt: skip
        deliver(cid, qid, value, answer.get("uid", ""))
    if endorsed and answer.get("endorsed") is True:
        name = (_get(paths.profile_name(by)) if by else None) or "The course staff"
        value = entry(notices.ENDORSED, cid, qid, aid, question, name, answer.get("body", ""),
                      _now_ms())  # fmt: skip
        deliver(cid, qid, value, by, (answer.get("uid", ""),))


def comment_written(cid: str, qid: str, post_id: str, cmid: str, before: Any, after: Any) -> None:
    """New comment: the thread's followers and the post's author. Deleted: its entries go."""
    nid = notices.nid(notices.COMMENT, cmid)
    if after is None:
        if _get(paths.comment(cid, qid, post_id, cmid)) is None:
            remove(cid, qid, lambda n: n == nid)
        return
    if before is not None:
        return  # an edit
    question = _get(paths.question(cid, qid))
    post = question if post_id == qid else _get(paths.answer(cid, qid, post_id))
    comment = _get(paths.comment(cid, qid, post_id, cmid))
    if _gone(question) or _gone(post) or not isinstance(comment, dict):
        return
    value = entry(notices.COMMENT, cid, qid, cmid, question, comment.get("authorName", ""),
                  comment.get("body", ""), comment.get("createdAt"))  # fmt: skip
    deliver(cid, qid, value, comment.get("uid", ""), (post.get("uid", ""),))


@db_fn.on_value_written(reference=paths.question("{cid}", "{qid}"))
def notify_question(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    """Notifications: a question asked, its answer accepted, or the question hidden/deleted."""
    p = event.params
    question_written(p["cid"], p["qid"], event.data.before, event.data.after)


@db_fn.on_value_written(reference=paths.answer("{cid}", "{qid}", "{aid}"))
def notify_answer(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    """Notifications: an answer posted, endorsed, or hidden/deleted."""
    p = event.params
    answer_written(p["cid"], p["qid"], p["aid"], event.data.before, event.data.after,
                   event.auth_id or "")  # fmt: skip


@db_fn.on_value_written(reference=paths.comment("{cid}", "{qid}", "{postId}", "{cmid}"))
def notify_comment(event: db_fn.Event[db_fn.Change[Any]]) -> None:
    """Notifications: a comment posted or deleted."""
    p = event.params
    comment_written(p["cid"], p["qid"], p["postId"], p["cmid"], event.data.before,
                    event.data.after)  # fmt: skip
