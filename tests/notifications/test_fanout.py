"""The inbox fan-out triggers through the real Functions emulator: who gets an entry for a
new question, answer and comment, an accepted and an endorsed answer (never the actor, never
the muted, only members), what the entry says, entries of hidden, pending-review and deleted
posts removed (a deleted question's follows and Gurubot records too), and a redelivered
event changing nothing (a read entry stays read, a deleted one stays gone).
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from app.model import notices, paths
from tools.stack import NAMESPACE, Stack
from tools.testing.waiting import wait_until

CID = "notify-101"
LESSON = "l01"
TEACHER = "teacher"
WRITTEN = "google.firebase.database.ref.v1.written"
SOURCE = f"//firebasedatabase.googleapis.com/projects/_/locations/us-central1/instances/{NAMESPACE}"


def push_id() -> str:
    return ("-N" + uuid.uuid4().hex + "x" * 20)[:20]


def uid(label: str) -> str:
    return label + "-" + uuid.uuid4().hex[:6]


def course(root, *learners: str, levels: dict[str, str] | None = None) -> None:
    """The course (taught by TEACHER), its learners enrolled, their watch levels."""
    update: dict[str, Any] = {
        paths.course(CID): {"title": "Notify", "order": 9, "instructorUid": TEACHER},
        paths.lesson(CID, LESSON): {"title": "One", "order": 1},
    }
    for learner in learners:
        update[paths.enrollment(learner, CID)] = True
    for who, level in (levels or {}).items():
        update[paths.watch(CID, who)] = level
    root.update(update)


def ask(root, qid: str, asker: str, *followers: str, **extra: Any) -> dict[str, Any]:
    """A question by ``asker`` (who follows it, as the app writes it) and more followers."""
    question = {"uid": asker, "authorName": "Asker " + asker, "lessonId": LESSON,
                "title": "Why does it time out?", "body": "After **30 s** it stops.",
                "createdAt": 1_700_000_000_000, "score": 0, "videoSecond": 42, **extra}  # fmt: skip
    update = {paths.question(CID, qid): question, paths.follow(CID, qid, asker): True}
    for follower in followers:
        update[paths.follow(CID, qid, follower)] = True
    root.update(update)
    return question


def post(author: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"uid": author, "authorName": "Name " + author, "body": body,
            "createdAt": 1_700_000_001_000, **extra}  # fmt: skip


def inbox(root, who: str) -> dict[str, Any]:
    return root.child(paths.inbox(who)).get() or {}


def settled(root, *who: str) -> dict[str, dict[str, Any]]:
    """Everyone's inbox once two reads 0.7 s apart agree (the triggers are done)."""
    last: list[Any] = [object()]

    def same() -> Any:
        now = {w: inbox(root, w) for w in who}
        if now == last[0]:
            return {"inboxes": now}
        last[0] = now
        time.sleep(0.7)
        return None

    return wait_until(same, timeout=30, what="the inboxes to settle")["inboxes"]


def only(boxes: dict[str, dict[str, Any]], *nids: str) -> dict[str, Any]:
    """Each inbox's entries among ``nids`` (one nid: that entry or None). Gurubot answers
    every new question too (an ordinary actor), so inboxes hold its entries as well."""
    if len(nids) == 1:
        return {who: box.get(nids[0]) for who, box in boxes.items()}
    return {who: {n: box[n] for n in nids if n in box} for who, box in boxes.items()}


def until(probe, what: str) -> Any:
    return wait_until(probe, timeout=30, what=what)


def test_an_answer_reaches_the_followers_not_its_author_the_muted_refunded_or_banned(
    root,
) -> None:
    labels = ("asker", "fan", "mute", "gone", "ans", "ban")
    asker, fan, muted, refunded, answerer, banned = (uid(x) for x in labels)
    course(root, asker, fan, muted, refunded, answerer, banned, levels={muted: notices.MUTED,
           refunded: notices.ALL})  # fmt: skip
    qid, aid = push_id(), push_id()
    ask(root, qid, asker, fan, muted, refunded, banned)
    root.child(paths.moderation(CID, banned)).set({"kind": "ban", "reason": "spam", "by": TEACHER,
                                                   "at": 1})  # fmt: skip
    # A refund ends the enrolment: forget_member drops that learner's follows and level.
    root.child(paths.enrollment(refunded, CID)).delete()
    until(lambda: root.child(paths.follow(CID, qid, refunded)).get() is None, "follow dropped")
    until(lambda: root.child(paths.watch(CID, refunded)).get() is None, "level dropped")
    assert root.child(paths.follow(CID, qid, fan)).get() is True  # the others' stay
    root.child(paths.answer(CID, qid, aid)).set(post(answerer, "Raise the  timeout\nto 60 s."))
    nid = notices.nid(notices.ANSWER, aid)
    until(lambda: nid in inbox(root, asker) and nid in inbox(root, fan), "the followers' entries")
    boxes = settled(root, asker, fan, muted, refunded, answerer, banned, TEACHER)
    assert boxes[asker][nid] == {
        "kind": "answer", "courseId": CID, "questionId": qid, "postId": aid, "lessonId": LESSON,
        "second": 42, "actorName": "Name " + answerer, "title": "Why does it time out?",
        "snippet": "Raise the timeout to 60 s.", "createdAt": 1_700_000_001_000,
    }  # fmt: skip
    assert boxes[fan][nid] == boxes[asker][nid]
    assert boxes[muted] == {} and boxes[answerer] == {}
    assert nid not in boxes[refunded]  # (it watched "all" while enrolled: it has the question)
    assert boxes[banned] == {}
    assert nid not in boxes[TEACHER]  # the instructor watches new questions, not every answer
    assert set(root.child(paths.inbox_by_post(CID, qid, nid)).get()) == {asker, fan}


def test_a_new_question_reaches_all_watchers_and_the_instructor_by_default(root) -> None:
    asker, watcher, quiet, other = (uid(x) for x in ("asker", "watch", "quiet", "other"))
    course(root, asker, watcher, quiet, other, levels={watcher: "all", quiet: "followed"})
    qid = push_id()
    ask(root, qid, asker)
    nid = notices.nid(notices.QUESTION, qid)
    until(lambda: nid in inbox(root, watcher) and nid in inbox(root, TEACHER), "watchers told")
    boxes = settled(root, asker, watcher, quiet, other, TEACHER)
    assert boxes[watcher][nid]["kind"] == "question" and boxes[watcher][nid]["postId"] == qid
    assert boxes[watcher][nid]["snippet"] == "After **30 s** it stops."
    assert all(nid not in boxes[w] for w in (asker, quiet, other))

    # an instructor who mutes the course hears nothing of its new questions
    root.child(paths.watch(CID, TEACHER)).set(notices.MUTED)
    try:
        qid2 = push_id()
        ask(root, qid2, asker)
        nid2 = notices.nid(notices.QUESTION, qid2)
        until(lambda: nid2 in inbox(root, watcher), "the watcher told of the second question")
        assert nid2 not in settled(root, TEACHER)[TEACHER]
    finally:
        root.child(paths.watch(CID, TEACHER)).delete()


def test_comments_accepts_and_endorsements_reach_the_post_author(root) -> None:
    asker, answerer, fan, commenter = (uid(x) for x in ("asker", "ans", "fan", "cmt"))
    course(root, asker, answerer, fan, commenter)
    qid, aid, cmid = push_id(), push_id(), push_id()
    ask(root, qid, asker, fan)
    root.update({paths.answer(CID, qid, aid): post(answerer, "Use a queue.", score=0)})
    root.child(paths.comment(CID, qid, aid, cmid)).set(post(commenter, "Which queue?"))
    cnid = notices.nid(notices.COMMENT, cmid)
    until(lambda: cnid in inbox(root, answerer), "the comment told to the answer's author")
    boxes = settled(root, asker, answerer, fan, commenter)
    assert cnid in boxes[asker] and cnid in boxes[fan]  # the thread's followers
    assert boxes[commenter] == {}
    assert boxes[answerer][cnid]["postId"] == cmid and boxes[answerer][cnid]["kind"] == "comment"

    root.child(paths.question(CID, qid)).update({"acceptedAnswerId": aid})
    anid = notices.nid(notices.ACCEPTED, aid)
    until(lambda: anid in inbox(root, answerer), "the accepted answer's author told")
    assert inbox(root, answerer)[anid]["actorName"] == "Asker " + asker
    root.child(paths.answer(CID, qid, aid)).update({"endorsed": True})
    enid = notices.nid(notices.ENDORSED, aid)
    until(lambda: enid in inbox(root, answerer), "the endorsed answer's author told")
    boxes = settled(root, asker, answerer, fan)
    assert boxes[answerer][enid]["actorName"] == "The course staff"  # written by a back end
    assert anid not in boxes[asker] and enid not in boxes[fan]  # only the answer's author


def test_hidden_and_deleted_posts_take_their_entries_with_them(root) -> None:
    asker, answerer, fan = (uid(x) for x in ("asker", "ans", "fan"))
    course(root, asker, answerer, fan)
    qid, aid, aid2, cmid = push_id(), push_id(), push_id(), push_id()
    ask(root, qid, asker, fan)
    root.child(paths.answer(CID, qid, aid)).set(post(answerer, "First.", score=0))
    root.child(paths.answer(CID, qid, aid2)).set(post(answerer, "Second.", score=0))
    root.child(paths.comment(CID, qid, aid, cmid)).set(post(fan, "On the first."))
    first, second = notices.nid(notices.ANSWER, aid), notices.nid(notices.ANSWER, aid2)
    cnid = notices.nid(notices.COMMENT, cmid)
    until(lambda: {first, second, cnid} <= set(inbox(root, asker)), "the thread's entries")

    root.child(paths.answer(CID, qid, aid)).update({"hidden": True})
    until(lambda: first not in inbox(root, asker), "the hidden answer's entry removed")
    until(lambda: cnid not in inbox(root, asker), "its comment's entry removed")
    assert second in inbox(root, asker) and second in inbox(root, fan)
    assert first not in inbox(root, fan)

    root.child(paths.question(CID, qid)).delete()
    until(lambda: second not in inbox(root, asker), "the deleted thread's entries removed")
    assert only(settled(root, asker, fan), first, second, cnid) == {asker: {}, fan: {}}
    assert root.child(paths.inbox_by_post(CID, qid)).get() is None


def test_posts_pending_review_lose_their_entries_and_notify_nobody(root) -> None:
    """Reports past REPORTS_TO_HIDE set pendingReview, which the UI treats as hidden."""
    asker, answerer, fan = (uid(x) for x in ("asker", "ans", "fan"))
    course(root, asker, answerer, fan)
    qid, aid, aid2, aid3 = push_id(), push_id(), push_id(), push_id()
    ask(root, qid, asker, fan)
    root.child(paths.answer(CID, qid, aid)).set(post(answerer, "First.", score=0))
    root.child(paths.answer(CID, qid, aid2)).set(post(answerer, "Second.", score=0))
    first, second = notices.nid(notices.ANSWER, aid), notices.nid(notices.ANSWER, aid2)
    until(lambda: {first, second} <= set(inbox(root, fan)), "the thread's entries")

    root.child(paths.answer(CID, qid, aid)).update({"reportCount": 3, "pendingReview": True})
    until(lambda: first not in inbox(root, fan), "the reported answer's entry removed")
    assert second in inbox(root, fan) and first not in inbox(root, asker)

    root.child(paths.question(CID, qid)).update({"reportCount": 3, "pendingReview": True})
    until(lambda: second not in inbox(root, fan), "the reported thread's entries removed")
    root.child(paths.answer(CID, qid, aid3)).set(post(answerer, "Third.", score=0))
    third = notices.nid(notices.ANSWER, aid3)
    assert only(settled(root, asker, fan), first, second, third) == {asker: {}, fan: {}}


def test_a_deleted_question_takes_its_follows_and_gurubot_records_with_it(root) -> None:
    """So the rules' clean slate lets a question under that key again (no browser may delete
    Gurubot's records; a follower deletes only their own follow)."""
    asker, fan = uid("asker"), uid("fan")
    course(root, asker, fan)
    qid, other = push_id(), push_id()
    ask(root, qid, asker, fan)
    ask(root, other, asker, fan)
    feedback = {"uid": asker, "answerId": push_id(), "helpful": True, "at": 1_700_000_002_000}
    root.update(
        {
            paths.gurubot_feedback(CID, qid): feedback,
            paths.gurubot(CID, qid): {"posted": True},
            paths.gurubot(CID, other): {"posted": True},
        }
    )
    root.child(paths.question(CID, qid)).delete()
    until(lambda: root.child(paths.follows(CID, qid)).get() is None, "the follows cleared")
    until(lambda: root.child(paths.gurubot(CID, qid)).get() is None, "Gurubot's record cleared")
    assert root.child(paths.gurubot_feedback(CID, qid)).get() is None
    assert set(root.child(paths.follows(CID, other)).get() or {}) == {asker, fan}
    assert root.child(paths.gurubot(CID, other)).get() == {"posted": True}


def _event(stack: Stack, ref: str, before: Any, after: Any, event_id: str) -> dict[str, Any]:
    return {
        "specversion": "1.0", "id": event_id, "type": WRITTEN, "source": SOURCE,
        "subject": f"refs/{ref}", "time": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "location": "us-central1", "firebasedatabasehost": stack.database_host,
        "instance": NAMESPACE, "ref": ref, "authtype": "admin",
        "data": {"data": before, "delta": after},
    }  # fmt: skip


def _redeliver(stack: Stack, function: str, event: dict[str, Any]) -> None:
    from tests.cloudfunctions.conftest import post_event

    key = stack.trigger_key({"id": f"us-central1-{function}"})
    assert post_event(stack, key, event) < 300


def test_a_redelivered_event_leaves_read_and_deleted_entries_alone(
    notifications_stack: Stack, root
) -> None:
    asker, fan, answerer = uid("asker"), uid("fan"), uid("ans")
    course(root, asker, fan, answerer)
    qid, aid = push_id(), push_id()
    ask(root, qid, asker, fan)
    answer = post(answerer, "Retry with backoff.", score=0)
    root.child(paths.answer(CID, qid, aid)).set(answer)
    nid = notices.nid(notices.ANSWER, aid)
    until(lambda: nid in inbox(root, asker) and nid in inbox(root, fan), "the entries")
    root.child(paths.inbox_read(asker, nid)).set(True)  # the asker read it
    root.child(paths.inbox_entry(fan, nid)).delete()  # the fan deleted it
    before = only(settled(root, asker, fan, answerer), nid)

    ref = paths.answer(CID, qid, aid)
    _redeliver(notifications_stack, "notify_answer", _event(notifications_stack, ref, None,
               answer, "n1"))  # fmt: skip
    assert only(settled(root, asker, fan, answerer), nid) == before
    assert before[asker]["read"] is True and before[fan] is None and before[answerer] is None

    # A follower who joins later does get the redelivered entry: the handler really ran.
    late = uid("late")
    course(root, late)
    root.child(paths.follow(CID, qid, late)).set(True)
    _redeliver(notifications_stack, "notify_answer", _event(notifications_stack, ref, None,
               answer, "n2"))  # fmt: skip
    assert nid in inbox(root, late)
    assert only(settled(root, asker, fan), nid) == {asker: before[asker], fan: None}
