"""Rules for moderation (issue 15): the audit trail, learners' reports, mutes and bans.

- ``audit/$cid/$entryId``: ``{action, target, by, at, value?, reason?}``, one entry per staff
  action, written by the course's staff (instructor or admin) in the same multi-path update
  as the action, and never changed or deleted afterwards (append-only); the course's staff
  read them. ``action`` is a flag (``pinned``, ``locked``, ``hidden``, ``endorsed``, with
  ``value`` true when set, false when cleared), ``delete`` (another user's post),
  ``dismiss`` (a post's reports), ``mute``, ``ban`` or ``lift`` (a mute or ban ended);
  ``target`` is the full path of the post or of the ``moderation`` record; ``by`` is the
  writer's uid and ``at`` the server's ``now``.
- ``auditLast/$cid/$uid``: the entry id of that staff member's latest action. It is how an
  action's rule finds its entry (rules cannot search a list): every staff action must move
  it, in the same update, to a new entry that names exactly that action and target, and the
  entry must be the one it names, so one update carries one action and one entry. An entry
  is checked against the data as well: it must describe what the same update does (the flag
  now has that value and had another, the post existed and is gone, ...), so an entry cannot
  be forged for an action that did not happen, nor an action sent without its entry.
- ``reports/$cid/$qid/$postId/$uid``: ``{reason, note?, createdAt}``, one member's report of
  a question (``$postId`` = ``$qid``) or an answer, once per post per member, never their
  own post; the course's staff read them all, a reporter their own. The post's
  ``reportCount`` moves by exactly +1 with the writer's own new report, in the same update
  (like ``score`` with votes), so it equals the number of reports. The update that brings
  it to ``REPORTS_TO_HIDE`` must also set the post's ``pendingReview`` (true), which the UI
  treats as hidden until staff resolve it: *dismiss* (reports, count and pendingReview
  cleared, audit ``dismiss``), *hide* (the same, with ``hidden`` set: audit ``hidden``) or
  *delete* (audit ``delete``). A post's reports may also be cleared once the post is gone
  (like dead votes), and a post is recreated only where none of them remain.
- ``moderation/$cid/$uid``: ``{kind: mute|ban, reason, until?, by, at}``: written and lifted
  by the course's staff (with audit), read by them and by that user. A muted user reads but
  cannot create questions, answers or comments; a banned one is no member at all (no forum,
  votes or search index) until ``until`` (epoch ms) passes; without ``until`` it holds until
  lifted. The course's instructor and admins cannot be muted or banned.
- ``slowMode/$cid/course`` and ``slowMode/$cid/questions/$qid``: seconds (1 to
  ``SLOW_MODE_MAX_S``) between one learner's posts in the course, or in one thread (its
  answers and comments); staff set them with audit (action ``slow``), members read them.
  ``slowStamps/$cid/$uid``: ``{at}``, only ever ticked to ``now`` by its owner (never deleted
  or rewound); while a slow mode holds, a learner's new post must come at least that long
  after ``at`` and tick it in the same update. Staff are not slowed.
"""

from __future__ import annotations

from typing import Any

from app.model import limits, paths
from app.model.moderation import ACTIONS, FLAG_ACTIONS, REASONS
from rules._common import ADMIN, MEMBER, PUSH_ID, SIGNED_IN, instructor, path_expr, text, up

STAFF = f"({instructor()} || {ADMIN})"
KINDS = ("mute", "ban")
LAST = path_expr(paths.audit_last, "$cid", "auth.uid")


def _one_of(values: tuple[str, ...]) -> str:
    return "/^(" + "|".join(values) + ")$/"


def _string_in(values: tuple[str, ...]) -> dict[str, str]:
    return {".validate": f"newData.isString() && newData.val().matches({_one_of(values)})"}


def the_entry(new_root: str) -> str:
    """The audit entry this user's auditLast names in the new data."""
    return (
        f"{new_root}.child({path_expr(paths.audit, '$cid')} + '/' + {new_root}.child({LAST}).val())"
    )


def audited(new_root: str, action: str, target: str, value: str = "") -> str:
    """This update moves the writer's auditLast to an entry naming ``action`` on ``target``
    (rule-language expressions), and with ``value`` when given."""
    entry = the_entry(new_root)
    check = (
        f"{new_root}.child({LAST}).isString() && "
        f"{new_root}.child({LAST}).val() !== root.child({LAST}).val() && "
        f"{entry}.child('action').val() === {action} && "
        f"{entry}.child('target').val() === {target}"
    )
    if value:
        check += f" && {entry}.child('value').val() === {value}"
    return check


def audited_any(new_root: str, target: str) -> str:
    """This update carries an audit entry about ``target`` (whatever its action)."""
    entry = the_entry(new_root)
    return (
        f"{new_root}.child({LAST}).isString() && "
        f"{new_root}.child({LAST}).val() !== root.child({LAST}).val() && "
        f"{entry}.child('target').val() === {target}"
    )


def _happened() -> str:
    """What an entry says took place is what its update does to its target."""
    new = f"{up(3)}.child(newData.child('target').val())"
    old = "root.child(newData.child('target').val())"
    action = "newData.child('action').val()"
    flag = (
        f"newData.child('value').isBoolean() && {new}.child('uid').exists() && "
        f"(newData.child('value').val() === true ? {new}.child({action}).val() === true : "
        f"!{new}.child({action}).exists()) && "
        f"{old}.child({action}).val() !== {new}.child({action}).val()"
    )
    target = "newData.child('target').val()"
    in_forum = f"{target}.beginsWith({path_expr(paths.forum, '$cid')} + '/')"
    is_record = f"{target}.beginsWith({path_expr(paths.moderation, '$cid')} + '/')"
    return (
        f"(({action}.matches({_one_of(FLAG_ACTIONS)}) && {in_forum} && {flag}) || "
        f"({action} === 'delete' && {in_forum} && {old}.exists() && !{new}.exists()) || "
        f"({action} === 'dismiss' && {in_forum} && {old}.child('reportCount').exists() && "
        f"!{new}.child('reportCount').exists()) || "
        f"({action}.matches({_one_of(KINDS)}) && {is_record} && "
        f"{new}.child('kind').val() === {action} && {new}.child('at').val() === now) || "
        f"({action} === 'lift' && {is_record} && {old}.exists() && !{new}.exists()) || "
        f"({action} === 'slow' && {target}.beginsWith({path_expr(paths.slow_mode, '$cid')} + '/') "
        f"&& {old}.val() !== {new}.val()))"
    )


def audit_tree() -> dict[str, Any]:
    return {
        "$cid": {
            ".read": f"{SIGNED_IN} && {STAFF}",
            "$entryId": {
                ".write": (
                    f"{SIGNED_IN} && {STAFF} && !data.exists() && "
                    f"{up(3)}.child({LAST}).val() === $entryId"
                ),  # append-only: created once, in the update its auditLast names it in
                ".validate": (
                    f"$entryId.matches({PUSH_ID}) && "
                    "newData.hasChildren(['action', 'target', 'by', 'at']) && " + _happened()
                ),
                "action": _string_in(ACTIONS),
                "target": {
                    ".validate": (
                        f"newData.isString() && newData.val().length <= {limits.POST_PATH_MAX}"
                    )
                },
                "value": {".validate": "newData.isBoolean()"},
                "reason": {".validate": text(limits.REASON_MAX)},
                "by": {".validate": "newData.val() === auth.uid"},
                "at": {".validate": "newData.val() === now"},
                "$other": {".validate": False},
            },
        }
    }


def audit_last_tree() -> dict[str, Any]:
    entry = f"{path_expr(paths.audit, '$cid')} + '/' + newData.val()"
    return {
        "$cid": {
            "$uid": {
                ".read": f"{SIGNED_IN} && auth.uid === $uid",
                ".write": f"{SIGNED_IN} && auth.uid === $uid && {STAFF} && newData.exists()",
                ".validate": (
                    f"newData.isString() && newData.val().matches({PUSH_ID}) && "
                    f"{up(3)}.child({entry}).exists() && !root.child({entry}).exists()"
                ),  # names an entry this very update creates
            }
        }
    }


# ---- reports
def _post_path(post_id: str = "$postId") -> str:
    return (
        f"({post_id} === $qid ? {path_expr(paths.question, '$cid', '$qid')} : "
        f"{path_expr(paths.answer, '$cid', '$qid', post_id)})"
    )


def reports_tree() -> dict[str, Any]:

    post = _post_path()
    count = f"{post} + '/reportCount'"
    return {
        "$cid": {
            ".read": f"{SIGNED_IN} && {STAFF}",
            "$qid": {
                "$postId": {
                    ".write": (
                        f"{MEMBER} && !newData.exists() && (!{up(4)}.child({post}).exists() || "
                        f"({STAFF} && !{up(4)}.child({count}).exists() && "
                        f"{audited_any(up(4), post)}))"
                    ),  # cleared: once the post is gone, or by staff resolving them (audited)
                    "$uid": {
                        ".read": f"{SIGNED_IN} && auth.uid === $uid",
                        ".write": (
                            f"{MEMBER} && auth.uid === $uid && !data.exists() && "
                            f"root.child({post}).exists() && "
                            f"root.child({post} + '/uid').val() !== auth.uid && "
                            f"{up(5)}.child({count}).val() === "
                            f"(root.child({count}).exists() ? root.child({count}).val() : 0) + 1"
                        ),  # once, not one's own post, with the counter's +1
                        ".validate": "newData.hasChildren(['reason', 'createdAt'])",
                        "reason": _string_in(REASONS),
                        "note": {".validate": text(limits.REPORT_NOTE_MAX)},
                        "createdAt": {".validate": "newData.val() === now"},
                        "$other": {".validate": False},
                    },
                }
            },
        }
    }


def report_fields(new_root: str, post_id: str, post_path: str) -> dict[str, Any]:
    """``reportCount`` and ``pendingReview`` on a post (question: post_id ``$qid``)."""

    mine = path_expr(paths.report, "$cid", "$qid", post_id, "auth.uid")
    reports = path_expr(paths.post_reports, "$cid", "$qid", post_id)
    resolved = (
        f"{STAFF} && !{new_root}.child({reports}).exists() && {audited_any(new_root, post_path)}"
    )
    pending = f"{new_root}.child({post_path} + '/pendingReview').val() === true"
    return {
        "reportCount": {
            ".write": f"{MEMBER} && (newData.exists() || ({resolved}))",
            ".validate": (
                "newData.isNumber() && newData.val() === (data.exists() ? data.val() : 0) + 1 && "
                f"{new_root}.child({mine}).exists() && !root.child({mine}).exists() && "
                f"(newData.val() < {limits.REPORTS_TO_HIDE} || {pending})"
            ),  # +1 with the writer's own new report; the Nth report hides it for review
        },
        "pendingReview": {
            ".write": (
                f"{MEMBER} && (newData.exists() || ({resolved} && "
                f"!{new_root}.child({post_path} + '/reportCount').exists()))"
            ),
            ".validate": (
                f"newData.val() === true && {new_root}.child({post_path} + '/reportCount').val() "
                f">= {limits.REPORTS_TO_HIDE}"
            ),
        },
    }


# ---- mutes and bans
def _active(record: str) -> str:
    """A mute or ban ``record`` (snapshot) holds now."""
    return (
        f"({record}.exists() && (!{record}.child('until').exists() || "
        f"{record}.child('until').val() > now))"
    )


def banned(uid: str = "auth.uid") -> str:
    record = f"root.child({path_expr(paths.moderation, '$cid', uid)})"
    return f"({_active(record)} && {record}.child('kind').val() === 'ban')"


def silenced(uid: str = "auth.uid") -> str:
    """Muted or banned now: no new posts."""
    return _active(f"root.child({path_expr(paths.moderation, '$cid', uid)})")


def moderation_tree() -> dict[str, Any]:
    record = path_expr(paths.moderation, "$cid", "$uid")
    action = "(newData.exists() ? newData.child('kind').val() : 'lift')"
    not_staff = f"root.child({path_expr(paths.course_instructor, '$cid')}).val() !== $uid"
    return {
        "$cid": {
            ".read": f"{SIGNED_IN} && {STAFF}",
            "$uid": {
                ".read": f"{SIGNED_IN} && auth.uid === $uid",
                ".write": f"{SIGNED_IN} && {STAFF} && {audited(up(3), action, record)}",
                ".validate": (
                    f"newData.hasChildren(['kind', 'reason', 'by', 'at']) && {not_staff} && "
                    "$uid !== auth.uid"
                ),
                "kind": _string_in(KINDS),
                "reason": {".validate": text(limits.REASON_MAX)},
                "until": {".validate": "newData.isNumber() && newData.val() > now"},
                "by": {".validate": "newData.val() === auth.uid"},
                "at": {".validate": "newData.val() === now"},
                "$other": {".validate": False},
            },
        }
    }


# ---- slow mode
def _slow_wait(seconds: str) -> str:
    """The setting at ``seconds`` (a path expression) is off, or the writer's last post in
    this course is at least that long ago."""
    setting = f"root.child({seconds})"
    stamp = f"root.child({path_expr(paths.slow_stamp, '$cid', 'auth.uid')} + '/at')"
    return (
        f"(!{setting}.exists() || !{stamp}.exists() || "
        f"now - {stamp}.val() >= {setting}.val() * 1000)"
    )


def may_post(new_root: str) -> str:
    """A new post (question, answer or comment of thread ``$qid``) by a member who is not
    muted or banned, and, while slow mode holds for the course or the thread, at least its
    seconds after their last post here, ticking ``slowStamps/$cid/$uid/at`` to ``now`` in the
    same update. Staff are neither muted nor slowed."""
    course = path_expr(paths.slow_mode_course, "$cid")
    thread = path_expr(paths.slow_mode_question, "$cid", "$qid")
    slow_on = f"(root.child({course}).exists() || root.child({thread}).exists())"
    stamp = path_expr(paths.slow_stamp, "$cid", "auth.uid")
    ticked = f"{new_root}.child({stamp} + '/at').val() === now"
    return (
        f"({STAFF} || (!{silenced()} && (!{slow_on} || "
        f"({ticked} && {_slow_wait(course)} && {_slow_wait(thread)}))))"
    )


def slow_mode_tree() -> dict[str, Any]:
    def setting(build: Any, *args: str) -> dict[str, Any]:
        path = path_expr(build, *args)
        levels = build(*args).count("/") + 1  # the root is that many parents above
        audit = audited(up(levels), "'slow'", path)
        return {
            ".write": f"{SIGNED_IN} && {STAFF} && {audit}",
            ".validate": (
                f"newData.isNumber() && newData.val() >= 1 && "
                f"newData.val() <= {limits.SLOW_MODE_MAX_S}"
            ),
        }

    return {
        "$cid": {
            ".read": MEMBER,
            "course": setting(paths.slow_mode_course, "$cid"),
            "questions": {"$qid": setting(paths.slow_mode_question, "$cid", "$qid")},
            "$other": {".validate": False},
        }
    }


def slow_stamps_tree() -> dict[str, Any]:
    return {
        "$cid": {
            "$uid": {
                ".read": f"{SIGNED_IN} && auth.uid === $uid",
                ".write": f"{SIGNED_IN} && auth.uid === $uid && newData.exists()",
                ".validate": "newData.hasChildren(['at'])",
                "at": {".validate": "newData.val() === now"},  # only ever ticked to the present
                "$other": {".validate": False},
            }
        }
    }
