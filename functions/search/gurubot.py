"""Gurubot: a new question gets, within a second, an answer by the course's bot with the
answered threads and transcript moments that already cover it (issue 13 item 4).

What it offers is _model/gurubot.py's (pure; benched offline); this module only reads and
writes. Why it holds:

- Only functions write as the bot: its answers carry uid ``gurubot`` and authorRole
  ``bot``, which the rules refuse from every browser; its profile and display name are
  written here (firebase-admin), so no learner can take the name.
- Never to its own posts, never twice: a question by the bot is skipped, and the record
  ``gurubot/$cid/$qid`` (functions-only) is claimed by a transaction before anything is
  written. A redelivered or concurrent event finds it and at most finishes the one answer it
  names (same key), so the thread never holds two bot answers; a silence is recorded too.
- Silent below the threshold: nothing relevant enough means no answer at all; and in a
  course whose catalog entry does not say ``gurubot: true`` (the admins' switch).
- Reads in parallel: the question's term nodes at once, then the candidate threads and
  lessons at once, so the reply costs a few round trips (bench/gurubot_bench.py).
"""

from __future__ import annotations

import logging
import random
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _model import gurubot, limits, paths, search
from firebase_admin import db
from firebase_functions import db_fn

log = logging.getLogger(__name__)
READERS = 16  # parallel reads per step
PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"


def push_id(now_ms: int) -> str:
    """A key of the JS SDK's push() shape (8 time characters, 12 random): sorts by time."""
    stamp = ""
    for _ in range(8):
        stamp = PUSH_CHARS[now_ms % 64] + stamp
        now_ms //= 64
    return stamp + "".join(random.choice(PUSH_CHARS) for _ in range(12))


def _get(path: str) -> Any:
    return db.reference(path).get()


def _get_all(pool: ThreadPoolExecutor, wanted: list[str]) -> dict[str, Any]:
    return dict(zip(wanted, pool.map(_get, wanted), strict=True))


def choose(cid: str, qid: str, question: dict[str, Any]) -> dict[str, Any]:
    """pick()'s result for the question, from the index and the forum as they are now."""
    terms = list(gurubot.query_terms(question.get("title", ""), question.get("body", "")))
    if not terms:
        return {"threads": [], "moments": [], "relevance": 0.0}
    with ThreadPoolExecutor(max_workers=READERS) as pool:
        read = _get_all(pool, [paths.search_term(cid, term) for term in terms])
        nodes = {term: read[paths.search_term(cid, term)] or {} for term in terms}
        qids, lids = gurubot.candidates(question, nodes, qid)
        qids = qids[: 2 * limits.GURUBOT_THREADS]  # some are unanswered: a few spare
        lids = lids[: limits.GURUBOT_MOMENTS]
        wanted = [paths.question(cid, q) for q in qids] + [paths.answers(cid, q) for q in qids]
        wanted += [paths.lesson(cid, lid) for lid in lids]
        wanted += [paths.transcript(cid, lid) for lid in lids]
        read = _get_all(pool, wanted)
    threads = {
        q: {"question": read[paths.question(cid, q)], "answers": read[paths.answers(cid, q)]}
        for q in qids
    }
    lessons = {
        lid: {
            "title": (read[paths.lesson(cid, lid)] or {}).get("title", ""),
            "cues": read[paths.transcript(cid, lid)],
        }
        for lid in lids
    }
    return gurubot.pick(question, nodes, threads, lessons, qid)


def _claim(cid: str, qid: str, record: dict[str, Any]) -> dict[str, Any]:
    """The question's record: ours if none was there, else the one already there."""

    def claim(current: Any) -> Any:
        return current if current else record

    return db.reference(paths.gurubot(cid, qid)).transaction(claim) or record


def reply(cid: str, qid: str) -> str:
    """Answer the new question ``qid`` of course ``cid`` if the course already covers it;
    the answer's id ("" when silent, or when there was nothing to do)."""
    question = _get(paths.question(cid, qid))
    if not isinstance(question, dict) or question.get("hidden") is True:
        return ""
    if question.get("uid") == gurubot.BOT_UID or question.get("authorRole") == gurubot.BOT_ROLE:
        return ""  # never to its own posts
    if _get(paths.child(paths.course(cid), gurubot.COURSE_SWITCH)) is not True:
        return ""  # the course has not turned Gurubot on
    record = _get(paths.gurubot(cid, qid))
    if isinstance(record, dict) and (record.get("posted") or record.get("silent")):
        return ""  # a redelivered event: done already
    now = int(time.time() * 1000)
    picks = choose(cid, qid, question)
    body = gurubot.reply(cid, picks)
    mine = {
        "at": now,
        "relevance": round(picks["relevance"], 4),
        "threads": [row["qid"] for row in picks["threads"]],
        "moments": [search.moment_key(r["lessonId"], r["second"]) for r in picks["moments"]],
    }
    mine.update({"answerId": push_id(now)} if body else {"silent": True})
    record = _claim(cid, qid, mine)
    aid = record.get("answerId")
    if not aid or record.get("posted"):
        log.info("gurubot: %s/%s silent (relevance %.2f)", cid, qid, picks["relevance"])
        return ""
    won = aid == mine.get("answerId")
    if not won and _get(paths.answer(cid, qid, aid)) is not None:
        return ""  # the claimer wrote it meanwhile
    if not body:  # another delivery claimed an answer this one would not give: it is theirs
        return ""
    if _get(paths.question(cid, qid)) is None:
        return ""  # deleted meanwhile: an answer now would keep its key from being reused
    db.reference().update(
        {
            paths.answer(cid, qid, aid): {
                "uid": gurubot.BOT_UID,
                "authorName": gurubot.BOT_NAME,
                "authorRole": gurubot.BOT_ROLE,
                "body": body,
                "createdAt": now,
                "score": 0,
            },
            paths.child(paths.gurubot(cid, qid), "posted"): True,
            paths.profile(gurubot.BOT_UID): {"displayName": gurubot.BOT_NAME},
            paths.display_name(gurubot.BOT_NAME.lower()): gurubot.BOT_UID,
        }
    )
    log.info("gurubot: %s/%s answered %s (relevance %.2f)", cid, qid, aid, picks["relevance"])
    return aid


@db_fn.on_value_created(reference=paths.question("{cid}", "{qid}"))
def gurubot_reply(event: db_fn.Event[Any]) -> None:
    """Gurubot: a new question is answered with what the course already knows, or not at all."""
    reply(event.params["cid"], event.params["qid"])
