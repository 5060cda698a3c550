"""Rules for office hours and the confusion map (issue 15 items 6-7).

Office hours, ``officeHours/$cid`` (the course's members read it all: a learner's position
is where their entry stands among the others'):

- ``open`` (true), ``by`` (the writer) and ``openedAt`` (the server's ``now``): the course's
  staff open a session by writing the three in one update and close it by deleting them
  (the same update may clear the queue). Nothing else lives at ``officeHours/$cid``.
- ``queue/$uid``: ``{question, joinedAt}``, one entry per member, keyed by their uid, so
  one per learner. Only that member creates it, only while the session is open, with a
  one-line question of at most ``OFFICE_QUESTION_MAX`` characters and ``joinedAt`` the
  server's ``now``: nobody joins ahead of those already waiting. A muted learner does not
  join (every member reads the question; a banned one is no member at all). A member never changes
  their entry (no later ``joinedAt``, no forged ``takenAt``); they delete it to leave
  (also what the SDK's onDisconnect does when their page closes) and join again at the
  back. Staff *take* an entry by adding ``takenAt`` (``now``) and ``takenBy`` (themselves)
  once, and delete entries (done, or closing the session).
- ``served/$sid``: ``{uid, joinedAt, takenAt, doneAt}``, append-only, written by staff in
  the same update that deletes the taken entry it describes (its ``joinedAt`` and
  ``takenAt`` are that entry's, ``doneAt`` is ``now``), so the service times learners'
  expected waits are computed from are the ones that happened.

Confusion map, ``confusion/$cid/$lid/$bucket/$uid``: the server's ``now`` when that member
tapped "I'm lost here" in that ``CONFUSION_BUCKET_S``-second bucket of the lesson. Written
once by that member (no overwrite, no delete: once per user per bucket), for a lesson that
exists, ``$bucket`` a decimal number without leading zeros within the lesson: at most its
``minutes`` × 60 / ``CONFUSION_BUCKET_S`` (or ``LESSON_SECONDS_MAX`` when it names none).
The rules compare the key with that bound as strings of digits (shorter, or as long and
not greater), which is the numeric order for such keys. The course's staff read a
course's taps (the heat strip); nobody else reads them.
"""

from __future__ import annotations

from typing import Any

from app.model import limits, paths
from rules._common import (
    COURSE_EXISTS,
    MEMBER,
    PUSH_ID,
    SIGNED_IN,
    SLUG,
    STAFF,
    field_of,
    path_expr,
    text,
    up,
)
from rules.moderation_rules import silenced

assert 60 % limits.CONFUSION_BUCKET_S == 0, "a lesson's minutes must make whole buckets"

OPEN = f"root.child({path_expr(field_of(paths.office_hours, 'open'), '$cid')}).val() === true"
ENTRY = path_expr(paths.office_queue, "$cid", "$uid")
SERVED_ENTRY = path_expr(paths.office_queue, "$cid", "newData.child('uid').val()")
SERVED_FROM_FIELD = path_expr(paths.office_queue, "$cid", "newData.parent().child('uid').val()")


def _session_field(check: str) -> dict[str, Any]:
    return {".write": f"{SIGNED_IN} && {STAFF}", ".validate": f"{COURSE_EXISTS} && {check}"}


def _queue_entry() -> dict[str, Any]:
    own = f"{MEMBER} && auth.uid === $uid"
    join = (
        f"!data.exists() && {OPEN} && ({STAFF} || !{silenced()}) && "
        "newData.hasChildren(['question', 'joinedAt']) && "
        "!newData.hasChild('takenAt') && !newData.hasChild('takenBy')"
    )
    taking = (
        "data.exists() && newData.exists() && !data.child('takenAt').exists() && "
        "newData.child('takenAt').exists() && "
        "newData.child('question').val() === data.child('question').val() && "
        "newData.child('joinedAt').val() === data.child('joinedAt').val()"
    )
    return {
        ".write": (
            f"({own} && ({join} || !newData.exists())) || "
            f"({SIGNED_IN} && {STAFF} && (!newData.exists() || ({taking})))"
        ),
        "question": {
            ".validate": f"{text(limits.OFFICE_QUESTION_MAX)} && !newData.val().contains('\\n')"
        },
        "joinedAt": {".validate": "newData.val() === (data.exists() ? data.val() : now)"},
        "takenAt": {".validate": "newData.val() === now || newData.val() === data.val()"},
        "takenBy": {".validate": "newData.val() === (data.exists() ? data.val() : auth.uid)"},
        "$other": {".validate": False},
    }


def _served() -> dict[str, Any]:
    new_root = up(4)
    old = f"root.child({SERVED_FROM_FIELD})"
    return {
        ".write": f"{SIGNED_IN} && {STAFF} && !data.exists() && newData.exists()",
        ".validate": (
            f"$sid.matches({PUSH_ID}) && "
            "newData.hasChildren(['uid', 'joinedAt', 'takenAt', 'doneAt']) && "
            f"root.child({SERVED_ENTRY}).child('takenAt').isNumber() && "
            f"!{new_root}.child({SERVED_ENTRY}).exists()"
        ),  # the taken entry it describes leaves the queue in the same update
        "uid": {".validate": "newData.isString()"},
        "joinedAt": {".validate": f"newData.val() === {old}.child('joinedAt').val()"},
        "takenAt": {".validate": f"newData.val() === {old}.child('takenAt').val()"},
        "doneAt": {".validate": "newData.val() === now"},
        "$other": {".validate": False},
    }


def office_hours() -> dict[str, Any]:
    return {
        "$cid": {
            ".read": MEMBER,
            ".validate": f"$cid.matches({SLUG})",
            "open": _session_field(
                "newData.val() === true && newData.parent().child('by').val() === auth.uid && "
                "newData.parent().child('openedAt').val() === now"
            ),
            "by": _session_field("newData.val() === auth.uid"),
            "openedAt": _session_field("newData.val() === now"),
            "queue": {
                ".write": f"{SIGNED_IN} && {STAFF} && !newData.exists()",  # closing clears it
                ".indexOn": ["joinedAt"],
                "$uid": _queue_entry(),
            },
            "served": {".indexOn": ["doneAt"], "$sid": _served()},
            "$other": {".validate": False},
        }
    }


def _bucket_in_lesson() -> str:
    minutes = path_expr(field_of(paths.lesson, "minutes"), "$cid", "$lid")
    per_minute = 60 // limits.CONFUSION_BUCKET_S
    whole = limits.LESSON_SECONDS_MAX // limits.CONFUSION_BUCKET_S
    bound = (
        f"('' + (root.child({minutes}).isNumber() ? "
        f"root.child({minutes}).val() * {per_minute} : {whole}))"
    )
    return (
        "$bucket.matches(/^(0|[1-9][0-9]{0,5})$/) && "
        f"($bucket.length < {bound}.length || "
        f"($bucket.length === {bound}.length && $bucket <= {bound}))"
    )


def confusion() -> dict[str, Any]:
    lesson = path_expr(paths.lesson, "$cid", "$lid")
    return {
        "$cid": {
            ".read": f"{SIGNED_IN} && {STAFF}",
            "$lid": {
                "$bucket": {
                    "$uid": {
                        ".write": (
                            f"{MEMBER} && auth.uid === $uid && !data.exists() && "
                            f"newData.exists() && root.child({lesson}).exists() && "
                            f"$lid.matches({SLUG}) && {_bucket_in_lesson()}"
                        ),
                        ".validate": "newData.val() === now",
                    }
                }
            },
        }
    }


def tree() -> dict[str, Any]:
    """``officeHours`` and ``confusion``, for rules() in rules/nimbus_rules.py."""
    return {"officeHours": office_hours(), "confusion": confusion()}
