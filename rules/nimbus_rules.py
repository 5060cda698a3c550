"""Nimbus's security rules, written once in Python and emitted as ``database.rules.json``.

The Realtime Database rules language has no functions, so role checks would otherwise be
pasted into dozens of rules. Like Firebase's own Bolt compiler, this module names them
once; ``python3 build.py rules`` writes the JSON that Firebase and the local server load,
and a test fails if the two drift apart.

Data model (one path per fact, fan-out by multi-path updates):

- ``courses/$cid``: catalog entry; ``instructorUid`` names the course's instructor.
- ``lessons/$cid/$lid``: lesson metadata (public, like the catalog).
- ``profiles/$uid``: ``displayName`` (what posts show as the author).
- ``enrollments/$uid/$cid``: ``true`` once paid (written by functions, never by browsers).
- ``forum/$cid/questions/$qid``: a question beside lesson ``lessonId``.
- ``forum/$cid/answers/$qid/$aid``: answers to one question.
- ``forum/$cid/comments/$postId/$cmid``: comments on a question or an answer; ``qid`` names
  the question either way (``$postId`` itself for a comment on the question).
- Moderation flags, ``true`` or absent, which only staff (the course's instructor or an
  admin) set or clear, not even a post's author: ``pinned`` (question: listed first),
  ``endorsed`` (answer), ``locked`` (question: no new answers, and no new comments on it
  or its answers; existing posts stay editable by their authors) and ``hidden`` (question
  or answer). Hidden posts stay readable by every member, because Realtime Database rules
  cannot filter what a read returns: hiding is what the UI does, which shows them to staff
  and to their author only (dimmed and marked).
- ``votes/$cid/$qid/$postId/$uid``: one vote (+1/-1) per user per post; ``$postId`` is
  ``$qid`` for the question itself. A vote and ``increment(delta)`` on the post's
  ``score`` travel in one update, and the rules check each against the other.
"""

from __future__ import annotations

import json
from typing import Any

ADMIN = "auth.token.admin === true"
SIGNED_IN = "auth != null"


def instructor(cid: str = "$cid") -> str:
    return f"root.child('courses/' + {cid} + '/instructorUid').val() === auth.uid"


ENROLLED = "root.child('enrollments/' + auth.uid + '/' + $cid).val() === true"
STAFF = f"({instructor()} || {ADMIN})"
MEMBER = f"{SIGNED_IN} && ({ENROLLED} || {instructor()} || {ADMIN})"
NEW_ROOT_FROM_POST = "newData.parent().parent().parent().parent()"  # forum/$cid/x/$id -> root


def text(max_len: int) -> str:
    return f"newData.isString() && newData.val().length > 0 && newData.val().length <= {max_len}"


def vote_value(snapshot: str) -> str:
    """A vote's numeric value in ``snapshot`` (0 when there is none)."""
    return f"({snapshot}.exists() ? {snapshot}.val() : 0)"


def score_rule(new_root: str, vote_path: str) -> dict[str, str]:
    """``score`` moves only by the writer's own change of vote, in the same update."""
    new_vote = vote_value(f"{new_root}.child({vote_path} + auth.uid)")
    old_vote = vote_value(f"root.child({vote_path} + auth.uid)")
    return {
        ".write": MEMBER,
        ".validate": (
            f"newData.isNumber() && newData.val() === "
            f"(data.exists() ? data.val() : 0) + {new_vote} - {old_vote}"
        ),
    }


def post_common() -> dict[str, Any]:
    """Fields every post (question, answer, comment) carries, and who may touch them."""
    return {
        "uid": {".validate": "newData.val() === (data.exists() ? data.val() : auth.uid)"},
        "authorName": {
            ".validate": (
                "data.exists() ? newData.val() === data.val() : "
                "newData.val() === root.child('profiles/' + auth.uid + '/displayName').val()"
            )
        },
        "body": {".validate": text(10000)},
        "createdAt": {".validate": "newData.val() === (data.exists() ? data.val() : now)"},
        "editedAt": {".validate": "newData.val() === now || newData.val() === data.val()"},
        "$other": {".validate": False},
    }


def flags_kept(flags: tuple[str, ...]) -> str:
    """The write deletes the post or leaves each of ``flags`` as it is (absent reads null)."""
    kept = " && ".join(f"newData.child('{f}').val() === data.child('{f}').val()" for f in flags)
    return f" && (!newData.exists() || ({kept}))" if flags else ""


def post_write(exists_check: str, flags: tuple[str, ...] = ()) -> str:
    """Create as yourself; edit or delete your own; staff may delete anything.

    An author's edits must leave the post's staff ``flags`` as they are: their grant here
    covers every child, and a flag's own ``.validate`` does not run when it is deleted, so
    without this an author could unlock or unhide their own post.
    """
    create = f"(!data.exists() && newData.child('uid').val() === auth.uid && {exists_check})"
    own = f"(data.exists() && data.child('uid').val() === auth.uid{flags_kept(flags)})"
    moderate = f"(!newData.exists() && {STAFF})"
    return f"{MEMBER} && ({create} || {own} || {moderate})"


def staff_flag() -> dict[str, str]:
    """A moderation flag (pinned, locked, hidden, endorsed): only staff change it."""
    return {
        ".write": f"{SIGNED_IN} && {STAFF}",
        ".validate": f"newData.isBoolean() && (newData.val() === data.val() || {STAFF})",
    }


QUESTION_VOTES = "'votes/' + $cid + '/' + $qid + '/' + $qid + '/'"
ANSWER_VOTES = "'votes/' + $cid + '/' + $qid + '/' + $aid + '/'"
QUESTION_FLAGS = ("pinned", "locked", "hidden")
ANSWER_FLAGS = ("endorsed", "hidden")
QUESTION_OPEN = (
    "newData.parent().parent().parent().child('questions/' + $qid).exists() && "
    "root.child('forum/' + $cid + '/questions/' + $qid + '/locked').val() !== true"
)  # from forum/$cid/answers/$qid/$aid: three parents up is forum/$cid
COMMENT_ON_POST = (
    "((newData.child('qid').val() === $postId && "
    "newData.parent().parent().parent().child('questions/' + $postId).exists()) || "
    "newData.parent().parent().parent().child('answers/' + newData.child('qid').val() "
    "+ '/' + $postId).exists())"
)  # a comment's qid is its question: $postId itself, or the question of answer $postId
COMMENT_OPEN = (
    "root.child('forum/' + $cid + '/questions/' + newData.child('qid').val() + '/locked')"
    ".val() !== true"
)  # so a locked question takes no new comments, on itself or on its answers


def question() -> dict[str, Any]:
    return {
        ".write": post_write("true", QUESTION_FLAGS),
        ".validate": (
            "newData.hasChildren(['uid', 'authorName', 'lessonId', 'title', 'body', "
            "'createdAt', 'score'])"
        ),
        **post_common(),
        "lessonId": {
            ".validate": (
                "newData.isString() && (data.exists() ? newData.val() === data.val() : "
                "root.child('lessons/' + $cid + '/' + newData.val()).exists())"
            )
        },
        "title": {".validate": text(200)},
        "videoSecond": {
            ".validate": (
                "newData.isNumber() && newData.val() >= 0 && newData.val() <= 86400 && "
                "(!data.exists() || newData.val() === data.val())"
            )
        },
        "score": score_rule(NEW_ROOT_FROM_POST + ".parent()", QUESTION_VOTES),
        "acceptedAnswerId": {
            ".write": (
                f"{MEMBER} && "
                "root.child('forum/' + $cid + '/questions/' + $qid + '/uid').val() === auth.uid"
            ),
            ".validate": (
                "newData.isString() && "
                "newData.parent().parent().parent().child('answers/' + $qid + '/' + newData.val())"
                ".exists()"
            ),
        },
        **{flag: staff_flag() for flag in QUESTION_FLAGS},
    }


def answer() -> dict[str, Any]:
    return {
        ".write": post_write(QUESTION_OPEN, ANSWER_FLAGS),
        ".validate": "newData.hasChildren(['uid', 'authorName', 'body', 'createdAt', 'score'])",
        **post_common(),
        "score": score_rule(NEW_ROOT_FROM_POST + ".parent().parent()", ANSWER_VOTES),
        **{flag: staff_flag() for flag in ANSWER_FLAGS},
    }


def comment() -> dict[str, Any]:
    return {
        ".write": post_write(f"{COMMENT_ON_POST} && {COMMENT_OPEN}"),
        ".validate": "newData.hasChildren(['uid', 'authorName', 'qid', 'body', 'createdAt'])",
        **post_common(),
        "qid": {
            ".validate": (
                "newData.isString() && (data.exists() ? newData.val() === data.val() : "
                "newData.parent().parent().parent().parent().child('questions/' + newData.val())"
                ".exists())"
            )
        },
        "body": {".validate": text(2000)},
    }


def vote() -> dict[str, Any]:
    post = "($postId === $qid ? 'questions/' + $qid : 'answers/' + $qid + '/' + $postId)"
    score = f"'forum/' + $cid + '/' + {post} + '/score'"
    new_root = "newData.parent().parent().parent().parent().parent()"
    return {
        ".write": (
            f"{MEMBER} && auth.uid === $uid && "
            f"root.child('forum/' + $cid + '/' + {post}).exists() && "
            f"{new_root}.child({score}).val() === root.child({score}).val() + "
            f"{vote_value('newData')} - {vote_value('data')}"
        ),
        ".validate": "newData.val() === 1 || newData.val() === -1",
    }


def rules() -> dict[str, Any]:
    return {
        "rules": {
            ".read": False,
            ".write": False,
            "courses": {
                ".read": True,
                ".indexOn": ["order"],
                "$cid": {".write": f"{SIGNED_IN} && {ADMIN}"},
            },
            "lessons": {
                ".read": True,
                "$cid": {".indexOn": ["order"], ".write": f"{SIGNED_IN} && {ADMIN}"},
            },
            "profiles": {
                "$uid": {
                    ".read": SIGNED_IN,
                    ".write": f"{SIGNED_IN} && auth.uid === $uid",
                    ".validate": "newData.hasChildren(['displayName'])",
                    "displayName": {".validate": text(60)},
                    "$other": {".validate": False},
                }
            },
            "enrollments": {
                "$uid": {
                    ".read": f"{SIGNED_IN} && (auth.uid === $uid || {ADMIN})",
                    ".write": f"{SIGNED_IN} && {ADMIN}",
                    "$cid": {".validate": "newData.val() === true"},
                }
            },
            "smoke": {".read": SIGNED_IN, ".write": f"{SIGNED_IN} && {ADMIN}"},
            "forum": {
                "$cid": {
                    ".read": MEMBER,
                    "questions": {".indexOn": ["lessonId", "createdAt"], "$qid": question()},
                    "answers": {"$qid": {".indexOn": ["createdAt"], "$aid": answer()}},
                    "comments": {"$postId": {"$cmid": comment()}},
                }
            },
            "votes": {
                "$cid": {
                    ".read": MEMBER,
                    "$qid": {"$postId": {"$uid": vote()}},
                }
            },
        }
    }


def render() -> str:
    header = (
        "// Generated from rules/nimbus_rules.py by `python3 build.py rules`: edit that file.\n"
    )
    return header + json.dumps(rules(), indent=2) + "\n"
