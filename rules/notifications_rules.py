"""Rules for notifications (issue 14): ``follows/``, ``watch/`` and ``inbox/``.

- ``follows/$cid/$qid/$uid``: ``true`` while ``$uid`` follows the thread ``$qid``. Only
  that user, while a member of the course, writes it (follow: the question must exist
  after the write, so the app may follow in the same update that asks or answers it;
  unfollow: any time), and only they read it. Nothing but ``true`` is stored.
- ``watch/$cid/$uid``: ``"all" | "followed" | "muted"`` (app/model/notices.py), the
  member's level in a course that exists; owner-only, like a follow.
- ``inbox/$uid/$nid``: one notification, written only by the fan-out functions
  (firebase-admin, which the rules do not govern). Its owner reads the inbox, deletes
  entries, and marks one read by writing ``read: true`` on an entry that exists before
  and after the write; nothing else of an entry is theirs to write, so no one can plant an
  entry in anyone's inbox (their own included), un-read one, or mark another's read.
- ``inboxByPost/…``: the functions' record of who got which entry of a thread (to remove
  a hidden or deleted post's entries); no rule opens it.

Writes stay per entry: no rule grants ``follows/$cid/$qid`` or ``inbox/$uid`` as a whole,
so a set or multi-path update above one user's own entries is refused.
"""

from __future__ import annotations

from typing import Any

from app.model import notices, paths
from rules._common import COURSE_EXISTS, MEMBER, SIGNED_IN, path_expr, up

OWN = "auth.uid === $uid"
LEVEL_OK = " || ".join(f"newData.val() === '{level}'" for level in notices.LEVELS)


def follows() -> dict[str, Any]:
    question_after = f"{up(4)}.child({path_expr(paths.question, '$cid', '$qid')}).exists()"
    return {
        "$cid": {
            "$qid": {
                "$uid": {
                    ".read": f"{MEMBER} && {OWN}",
                    ".write": f"{MEMBER} && {OWN} && (!newData.exists() || {question_after})",
                    ".validate": "newData.val() === true",
                }
            }
        }
    }


def watch() -> dict[str, Any]:
    return {
        "$cid": {
            "$uid": {
                ".read": f"{MEMBER} && {OWN}",
                ".write": f"{MEMBER} && {OWN} && {COURSE_EXISTS}",
                ".validate": f"newData.isString() && ({LEVEL_OK})",
            }
        }
    }


def inbox() -> dict[str, Any]:
    entry_before = "data.parent().child('kind').exists()"
    entry_after = "newData.parent().child('kind').exists()"
    return {
        "$uid": {
            ".read": f"{SIGNED_IN} && {OWN}",
            ".indexOn": ["createdAt"],
            "$nid": {
                ".write": f"{SIGNED_IN} && {OWN} && !newData.exists()",  # delete one's own
                "read": {
                    ".write": (
                        f"{SIGNED_IN} && {OWN} && newData.val() === true && "
                        f"{entry_before} && {entry_after}"
                    ),
                    ".validate": "newData.val() === true",
                },
            },
        }
    }


def tree() -> dict[str, Any]:
    """The top-level subtrees: rules() adds ``**notifications_rules.tree()``."""
    return {"follows": follows(), "watch": watch(), "inbox": inbox()}
