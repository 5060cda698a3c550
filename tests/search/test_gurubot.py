"""Gurubot through the real Functions emulator: a new question that the course already covers
gets one answer by the bot (uid gurubot, authorRole bot) linking the answered thread, quoting
its accepted answer, and deep-linking the transcript moment; a question nothing covers gets
none (a silence recorded); a redelivered event and a question by the bot itself get none."""

from __future__ import annotations

import time
import uuid
from typing import Any

from app.model import gurubot, limits, paths, search
from tests.search.test_indexing import _event, _redeliver, push_id, question, until
from tools.stack import Stack

CID = "realtime-forums"  # apart from the other search tests' posts (serverless-101)
CREATED = "google.firebase.database.ref.v1.created"


def term(root, word: str) -> dict[str, Any]:
    return root.child(paths.search_term(CID, search.stem(word))).get() or {}


def answers(root, qid: str) -> dict[str, Any]:
    return root.child(paths.answers(CID, qid)).get() or {}


def bot_answers(root, qid: str) -> dict[str, Any]:
    return {aid: a for aid, a in answers(root, qid).items() if a.get("uid") == gurubot.BOT_UID}


def record(root, qid: str) -> Any:
    return root.child(paths.gurubot(CID, qid)).get()


def ask(root, title: str, body: str, **extra: Any) -> str:
    qid = push_id()
    value = question(title, body, **extra)
    root.child(paths.question(CID, qid)).set({**value, "lessonId": LESSON})
    return qid


LESSON = "g-" + uuid.uuid4().hex[:8]
FAN_OUT_CUE = "A fan-out trigger copies each new answer into every follower's inbox."
OLD_TITLE = "How does the fan-out trigger reach every follower inbox?"
ACCEPTED = "Write one multi-path update per batch of followers, keyed by the follower's uid."


def _course(root) -> tuple[str, str]:
    """A lesson with a transcript, and an answered thread beside it (indexed)."""
    root.child(paths.lesson(CID, LESSON)).set({"title": "Fan-out with triggers", "order": 99})
    root.child(paths.transcript(CID, LESSON)).set(
        [
            {"start": 0.5, "end": 4, "text": "Welcome to the lesson."},
            {"start": 192.3, "end": 197, "text": FAN_OUT_CUE},
        ]
    )
    old, aid = push_id(), push_id()
    root.child(paths.question(CID, old)).set(
        {**question(OLD_TITLE, "My followers never get the new answer."), "lessonId": LESSON}
    )
    root.child(paths.answer(CID, old, aid)).set(
        {"uid": "u2", "authorName": "Otto", "body": ACCEPTED, "createdAt": 2, "score": 3}
    )
    root.child(paths.question(CID, old)).update({"acceptedAnswerId": aid})
    moment = search.moment_key(LESSON, 192)
    until(lambda: moment in term(root, "fan"), "the moment indexed")
    until(lambda: search.post_key(old, aid) in term(root, "uid"), "the accepted answer indexed")
    # the question's own trigger has its own queue: it may still be behind the answer's
    until(lambda: old in term(root, "reach"), "the answered question indexed")
    return old, aid


def test_a_covered_question_gets_one_bot_answer_and_a_redelivery_none(
    search_stack: Stack, root
) -> None:
    old, _ = _course(root)
    qid = ask(root, "Fan-out trigger misses a follower inbox",
              "A follower did not get the new answer in their inbox.")  # fmt: skip
    found = until(lambda: bot_answers(root, qid) or None, "Gurubot's answer")
    ((bot_aid, answer),) = found.items()
    assert answer["authorRole"] == "bot" and answer["authorName"] == gurubot.BOT_NAME
    body = answer["body"]
    assert gurubot.thread_url(CID, LESSON, old) in body  # the answered thread
    assert "multi\\-path update per batch" in body  # its accepted answer quoted
    assert gurubot.moment_url(CID, LESSON, 192) in body and "at 3:12 in" in body
    assert record(root, qid)["answerId"] == bot_aid and record(root, qid)["posted"] is True
    assert root.child(paths.profile(gurubot.BOT_UID)).get() == {"displayName": "Gurubot"}
    # the bot's answer is not indexed (it quotes other threads, found themselves)
    time.sleep(1)
    assert not any(bot_aid in key for key in term(root, "batch"))

    # redelivered: the record says it is done, nothing more is written
    ref = paths.question(CID, qid)
    event = _event(search_stack, ref, None, root.child(ref).get(), "g1")
    _redeliver(search_stack, "gurubot_reply", {**event, "type": CREATED})
    assert list(bot_answers(root, qid)) == [bot_aid]
    # even with the record's "posted" lost (a crash between claim and write): same key
    root.child(paths.gurubot(CID, qid)).child("posted").delete()
    root.child(paths.answer(CID, qid, bot_aid)).delete()
    _redeliver(search_stack, "gurubot_reply", {**event, "id": "g2", "type": CREATED})
    assert list(bot_answers(root, qid)) == [bot_aid]


def test_below_the_threshold_gurubot_stays_silent(search_stack: Stack, root) -> None:
    _course(root)
    qid = ask(root, "Kubernetes helm chart values override", "Which YAML key wins in helm?")
    until(lambda: (record(root, qid) or {}).get("silent"), "the silence recorded")
    said = record(root, qid)
    assert said["relevance"] < limits.GURUBOT_MIN_RELEVANCE and "answerId" not in said
    time.sleep(1)
    assert answers(root, qid) == {}


def test_gurubot_never_replies_to_its_own_post(search_stack: Stack, root) -> None:
    _course(root)
    qid = ask(root, "Fan-out trigger misses a follower inbox", "Follower inbox empty.",
              uid=gurubot.BOT_UID, authorRole="bot")  # fmt: skip
    ref = paths.question(CID, qid)
    event = _event(search_stack, ref, None, root.child(ref).get(), "g3")
    _redeliver(search_stack, "gurubot_reply", {**event, "type": CREATED})  # runs to its end
    until(lambda: qid in term(root, "inbox") or None, "the question indexed (its triggers ran)")
    time.sleep(1)
    assert answers(root, qid) == {} and record(root, qid) is None


def test_a_course_without_the_switch_gets_no_bot(search_stack: Stack, root) -> None:
    _course(root)
    root.child(paths.child(paths.course(CID), gurubot.COURSE_SWITCH)).delete()
    try:
        qid = ask(root, "Fan-out trigger misses a follower inbox", "Follower inbox empty.")
        ref = paths.question(CID, qid)
        event = _event(search_stack, ref, None, root.child(ref).get(), "g4")
        _redeliver(search_stack, "gurubot_reply", {**event, "type": CREATED})  # to its end
        until(lambda: qid in term(root, "inbox") or None, "the question indexed")
        time.sleep(1)
        assert answers(root, qid) == {} and record(root, qid) is None
    finally:
        root.child(paths.child(paths.course(CID), gurubot.COURSE_SWITCH)).set(True)
