"""Inbox fan-out: a new question, answer or comment, an accepted or endorsed answer becomes
one entry in each recipient's ``inbox/$uid`` (who: _model/notices.py ``recipients``);
a hidden (or pending review) or deleted post's entries go again.

Each trigger below is one decorated module-level def (main.py exposes them). Why it holds:

- Idempotent: an entry's id is ``notices.nid(kind, postId)``, the same for every recipient
  and every delivery, and ``inboxByPost/$cid/$qid/$nid/$uid`` records who got it, in the
  same multi-path update as the entries. A redelivered event reads that record first and
  writes only for recipients it lacks (none), so a read or deleted entry is never reset.
- Batched: recipients go ``BATCH_RECIPIENTS`` to an update (two paths each), one request
  per batch however many followers a thread has.
- Never the actor, never a muted member, only members. Follows and levels can only be
  written by members (the rules), and ``forget_member`` removes a learner's follows and
  level in a course when their enrolment goes (a refund), so a stale follow shows them
  nothing more; a banned member (``moderation/$cid``, one read per event) is skipped.
  (Checking every recipient's enrolment instead cost one read each: 200 reads put ~250 ms
  on a 200-follower fan-out locally, bench/notifications_bench.py.)
- Hidden and deleted posts: the handlers read the post as the database holds it now, so
  a post hidden or deleted before its fan-out ran notifies nobody, and the removal reads
  the record above and deletes those entries (a question's removal takes its whole
  thread's). Unhiding does not bring old entries back: the moment has passed.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from _model import notices, paths
from firebase_admin import db
from firebase_functions import db_fn

log = logging.getLogger(__name__)


def _get(path: str) -> Any:
    return db.reference(path).get()


def _shallow_keys(path: str) -> list[str]:
    value = db.reference(path).get(shallow=True)
    return list(value) if isinstance(value, dict) else []


def _flag(post: Any, name: str) -> bool:
    return isinstance(post, dict) and post.get(name) is True


def banned(cid: str) -> set[str]:
    """The course's members under an active ban (rules/moderation_rules.py): not members."""
    now = _now_ms()
    out = set()
    for uid, record in (_get(paths.moderation(cid)) or {}).items():
        if isinstance(record, dict) and record.get("kind") == "ban":
            until = record.get("until")
            if not isinstance(until, (int, float)) or until > now:
                out.add(uid)
    return out


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
    out = banned(cid)
    todo = [u for u in wanted if u not in done and u not in out]
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


def _hidden(post: Any) -> bool:
    """Hidden by staff, or pending review (reports reached REPORTS_TO_HIDE,
    rules/moderation_rules.py): the UI shows neither, so neither keeps or gets entries."""
    return _flag(post, "hidden") or _flag(post, "pendingReview")


def _gone(post: Any) -> bool:
    return not isinstance(post, dict) or _hidden(post)


def clear_deleted(cid: str, qid: str) -> None:
    """The question is gone: its follows, Gurubot feedback and Gurubot's once-per-question
    record go too, so that the rules' clean slate (FRESH_QUESTION) lets a question under
    this key again (no browser may delete the last two). Idempotent; a question that is
    there again keeps them."""
    if _get(paths.question(cid, qid)) is not None:
        return
    db.reference().update(
        {
            paths.follows(cid, qid): None,
            paths.gurubot_feedback(cid, qid): None,
            paths.gurubot(cid, qid): None,
        }
    )
    log.info("notifications: cleared follows and gurubot records of deleted %s/%s", cid, qid)


def question_written(cid: str, qid: str, before: Any, after: Any) -> None:
    """New question: "all" watchers. Accepted answer: its author. Hidden or deleted: the
    thread's entries go."""
    if after is None or (_hidden(after) and not _hidden(before)):
        if _gone(_get(paths.question(cid, qid))):
            remove(cid, qid)
        if after is None:
            clear_deleted(cid, qid)
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
    if after is None or (_hidden(after) and not _hidden(before)):
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


def forget(uid: str, cid: str) -> int:
    """uid is no longer enrolled in cid: drop their follows and level there (how many)."""
    if _get(paths.enrollment(uid, cid)) is True:
        return 0  # enrolled again meanwhile
    update: dict[str, Any] = {}
    for qid, followers in (_get(paths.follows(cid)) or {}).items():
        if isinstance(followers, dict) and uid in followers:
            update[paths.follow(cid, qid, uid)] = None
    update[paths.watch(cid, uid)] = None
    db.reference().update(update)
    log.info("notifications: %s left %s: %d follows dropped", uid, cid, len(update) - 1)
    return len(update) - 1


@db_fn.on_value_deleted(reference=paths.enrollment("{uid}", "{cid}"))
def forget_member(event: db_fn.Event[Any]) -> None:
    """Notifications: an enrolment ended (a refund): the learner's follows and level go."""
    forget(event.params["uid"], event.params["cid"])
