"""The demo forum (issue 13 item 5): static/data/forum.json, hand-written questions, answers
and comments on the demo courses' lessons, turned into the database nodes the app writes.

The data names posts by readable keys ("sl-cold-start") and authors by handles ("mei");
``forum_nodes`` gives each post the push id the JS SDK would have made at its ``createdAt``
(8 characters of time, 12 derived from the readable key, so a key always maps to the same
id for the same seed time) and writes what the rules would have let the app write: posts
with ``authorName`` from the profile and ``authorRole`` for staff, ``votes/`` entries with
every post's ``score`` their sum, ``acceptedAnswerId``, ``endorsed`` and ``pinned``, and
``follows/`` for each thread's asker and answerers. ``problems`` checks the data against
the course catalogue and the rules' invariants (tests/search/test_demo_forum.py runs it).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

from app.model import paths
from tools.project import ROOT, load_courses

FORUM_FILE = ROOT / "static" / "data" / "forum.json"
PUSH_CHARS = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
DAY_MS = 86_400_000
HOUR_MS = 3_600_000
VIDEO_SECONDS = 20  # the local media store's demo videos (tools/media.py SECONDS)


@cache
def load_forum() -> dict[str, Any]:
    """static/data/forum.json as data."""
    return json.loads(FORUM_FILE.read_text(encoding="utf-8"))


def push_id(ms: int, key: str) -> str:
    """The push id the SDK makes at ``ms``: its time part, then 12 characters from ``key``."""
    head = ""
    for _ in range(8):
        head = PUSH_CHARS[ms % 64] + head
        ms //= 64
    digest = hashlib.sha256(key.encode()).digest()
    return head + "".join(PUSH_CHARS[b % 64] for b in digest[:12])


def voters(spec: str) -> dict[str, int]:
    """{handle: +1 or -1} of a ``votes`` string ("mei jonas -sam")."""
    out = {}
    for word in (spec or "").split():
        out[word.lstrip("-")] = -1 if word.startswith("-") else 1
    return out


def staff(cid: str) -> dict[str, str]:
    """{handle: authorRole} of the course's staff: its instructor, and admins."""
    authors = load_forum()["authors"]
    instructor = load_courses()[cid].get("instructor")
    out = {}
    for handle, author in authors.items():
        if author["name"] == instructor:
            out[handle] = "instructor"
        elif author["email"] == "admin@nimbus.test":
            out[handle] = "admin"
    return out


def threads(cid: str) -> list[dict[str, Any]]:
    return load_forum()["courses"].get(cid, [])


def authors_by_course() -> dict[str, set[str]]:
    """{cid: handles that post or vote there} (they are members of that course)."""
    out: dict[str, set[str]] = {}
    for cid in load_forum()["courses"]:
        seen = out.setdefault(cid, set())
        for q in threads(cid):
            for post in [q, *q.get("answers", [])]:
                seen.add(post["by"])
                seen.update(voters(post.get("votes", "")))
                seen.update(c["by"] for c in post.get("comments", []))
    return out


def post_ids(now_ms: int) -> dict[str, tuple[str, str, str]]:
    """{readable key: (cid, qid, postId)} of every question and answer (postId == qid: the
    question), as forum_nodes names them at seed time ``now_ms``."""
    out = {}
    for cid in load_forum()["courses"]:
        for q in threads(cid):
            asked = now_ms - int(q["days"] * DAY_MS)
            qid = push_id(asked, q["key"])
            out[q["key"]] = (cid, qid, qid)
            for a in q.get("answers", []):
                out[a["key"]] = (cid, qid, push_id(asked + int(a["hours"] * HOUR_MS), a["key"]))
    return out


def _course_nodes(cid: str, now_ms: int, uids: dict[str, str]) -> dict[str, Any]:
    authors = load_forum()["authors"]
    roles = staff(cid)
    questions: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    comments: dict[str, Any] = {}
    votes: dict[str, Any] = {}
    follows: dict[str, Any] = {}

    def written(spec: dict[str, Any], at: int) -> dict[str, Any]:
        value = {
            "uid": uids[spec["by"]],
            "authorName": authors[spec["by"]]["name"],
            "body": spec["body"],
            "createdAt": at,
        }
        if spec["by"] in roles:
            value["authorRole"] = roles[spec["by"]]
        return value

    def post(spec: dict[str, Any], at: int, qid: str, post_id: str) -> dict[str, Any]:
        value = written(spec, at)
        cast = {uids[h]: v for h, v in voters(spec.get("votes", "")).items()}
        value["score"] = sum(cast.values())  # the rules' invariant: score = sum of votes
        if cast:
            votes.setdefault(qid, {})[post_id] = cast
        for n, c in enumerate(spec.get("comments", [])):
            c_at = at + int(c["hours"] * HOUR_MS)
            cmid = push_id(c_at, spec["key"] + "#" + str(n))
            comments.setdefault(qid, {}).setdefault(post_id, {})[cmid] = written(c, c_at)
        return value

    for q in threads(cid):
        asked = now_ms - int(q["days"] * DAY_MS)
        qid = push_id(asked, q["key"])
        question = post(q, asked, qid, qid)
        question["lessonId"] = q["lesson"]
        question["title"] = q["title"]
        if "second" in q:
            question["videoSecond"] = q["second"]
        if q.get("pinned"):
            question["pinned"] = True
        follows[qid] = {uids[q["by"]]: True}
        for a in q.get("answers", []):
            at = asked + int(a["hours"] * HOUR_MS)
            aid = push_id(at, a["key"])
            answer = post(a, at, qid, aid)
            if a.get("endorsed"):
                answer["endorsed"] = True
            if a.get("accepted"):
                question["acceptedAnswerId"] = aid
            answers.setdefault(qid, {})[aid] = answer
            follows[qid][uids[a["by"]]] = True
        questions[qid] = question
    forum = {"questions": questions, "answers": answers, "comments": comments}
    return {paths.forum(cid): forum, paths.votes(cid): votes, paths.follows(cid): follows}


def forum_nodes(now_ms: int, uids: dict[str, str]) -> dict[str, dict[str, Any]]:
    """{cid: {top-level path: node}} (forum/<cid>, votes/<cid>, follows/<cid>) of the demo
    forum seeded at ``now_ms``; ``uids`` maps handles to their accounts' uids."""
    return {cid: _course_nodes(cid, now_ms, uids) for cid in load_forum()["courses"]}


def problems() -> list[str]:
    """What in forum.json breaks the catalogue or the rules' invariants (empty: none)."""
    data = load_forum()
    courses = load_courses()
    authors = data["authors"]
    out = []
    keys: set[str] = set()

    def check_post(where: str, spec: dict[str, Any], cid: str, before_ms: int) -> None:
        if spec["by"] not in authors:
            out.append(f"{where}: unknown author {spec['by']}")
        for handle in voters(spec.get("votes", "")):
            if handle not in authors:
                out.append(f"{where}: unknown voter {handle}")
            if handle == spec["by"]:
                out.append(f"{where}: {handle} votes on their own post")
        if not spec.get("body", "").strip():
            out.append(f"{where}: empty body")
        for c in spec.get("comments", []):
            if c["by"] not in authors or not c["body"].strip():
                out.append(f"{where}: a comment without author or body")
            before_ms -= int(c["hours"] * HOUR_MS)
        if before_ms <= 0:
            out.append(f"{where}: dated in the future")

    for cid, qs in data["courses"].items():
        if cid not in courses:
            out.append(f"{cid}: not a demo course")
            continue
        for q in qs:
            where = f"{cid}/{q['key']}"
            lessons = courses[cid]["lessons"]
            if q["lesson"] not in lessons:
                out.append(f"{where}: no lesson {q['lesson']}")
            elif "second" in q:
                length = min(lessons[q["lesson"]]["minutes"] * 60, VIDEO_SECONDS)
                if not 0 <= q["second"] < length:
                    out.append(f"{where}: second {q['second']} outside the lesson")
            if not q.get("title", "").strip():
                out.append(f"{where}: no title")
            asked_ago = int(q["days"] * DAY_MS)
            check_post(where, q, cid, asked_ago)
            accepted = [a for a in q.get("answers", []) if a.get("accepted")]
            if len(accepted) > 1:
                out.append(f"{where}: {len(accepted)} accepted answers")
            for a in q.get("answers", []):
                check_post(f"{where}/{a['key']}", a, cid, asked_ago - int(a["hours"] * HOUR_MS))
            for key in [q["key"], *(a["key"] for a in q.get("answers", []))]:
                if key in keys:
                    out.append(f"{where}: key {key} used twice")
                keys.add(key)
    return out
