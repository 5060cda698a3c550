"""The moderation rules matrix (issue 15): every cell of matrix_moderation.md, run for real.

Audit entries, reports and their counter, mutes and bans, each attacked from every user's
side (tests/rules/matrix_runner.py runs a cell: fixture, the row's setup, the request).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from firebase_admin import db
from forum_world import A1, A2, AUDIT, INC, NEW, NOW, Q1, Q2, Actor, push_id
from matrix_runner import Op, Setup, matrix_tests

from app.model import limits

HERE = Path(__file__).parent
QP = f"forum/c1/questions/{Q1}"
AP = f"forum/c1/answers/{Q1}/{A1}"
CMP = f"forum/c1/comments/{Q1}/{Q1}/" + push_id("CM1")
OLD = push_id("OldAudit")  # an entry already in the trail
A1_REPORTS = f"reports/c1/{Q1}/{A1}"
N = limits.REPORTS_TO_HIDE


def _entry(a: Actor, action: str, target: str, value: bool | None = None, **f: Any) -> dict:
    entry = {"action": action, "target": target, "by": a.uid, "at": NOW, **f}
    if value is not None:
        entry["value"] = value
    return entry


def _pin(a: Actor, entry: dict[str, Any] | None = None, last: str | None = AUDIT, **also: Any):
    """Pin q1 with an audit entry (default: the honest one) and auditLast naming ``last``."""
    values: dict[str, Any] = {f"{QP}/pinned": True, **also}
    values[f"audit/c1/{AUDIT}"] = _entry(a, "pinned", QP, True) if entry is None else entry
    if last is not None:
        values[f"auditLast/c1/{a.uid}"] = last
    a.update({k: v for k, v in values.items() if v != "-"})


def _report(a: Actor, reports: str = A1_REPORTS, count: Any = 1, **r: Any) -> None:
    """Report a1 as the app does: the report and reportCount = count, in one update; the
    report that reaches the threshold also sets pendingReview."""
    report = {"reason": "spam", "createdAt": NOW, **r}
    values: dict[str, Any] = {f"{reports}/{a.uid}": report}
    if count is not None:
        values[f"{AP}/reportCount"] = count
    a.update(values)


def _last_report(a: Actor, hide: bool) -> None:
    values: dict[str, Any] = {
        f"{A1_REPORTS}/{a.uid}": {"reason": "abusive", "createdAt": NOW},
        f"{AP}/reportCount": N,
    }
    if hide:
        values[f"{AP}/pendingReview"] = True
    a.update(values)


def _resolve(a: Actor, action: str, value: bool | None = None, **change: Any) -> None:
    """Staff resolve a1's reports (dismiss, or hide): counter, flag and reports in one update."""
    values = {A1_REPORTS: None, f"{AP}/reportCount": None, f"{AP}/pendingReview": None}
    values.update(change)
    a.audited(values, action, AP, value)


def _moderate(a: Actor, kind: str, uid: str = "learner", until: Any = None, audit: bool = True):
    record = {"kind": kind, "reason": "Insults in q1.", "by": a.uid, "at": NOW}
    if until is not None:
        record["until"] = until
    path = f"moderation/c1/{uid}"
    if audit:
        a.audited({path: record}, kind, path)
    else:
        a.ref(path).set(record)


def _later(ms: int) -> int:
    return int(time.time() * 1000) + ms


OPS: dict[str, Op] = {
    # ---- audit trail
    "pin q1 with its audit entry": _pin,
    "pin q1 without an audit entry": lambda a: a.ref(f"{QP}/pinned").set(True),
    "pin q1 with an entry but without moving auditLast": lambda a: _pin(a, last=None),
    "pin q1, auditLast naming an old entry": lambda a: _pin(a, entry="-", last=OLD),
    "pin q1 with an entry naming q1's answer a1": lambda a: _pin(a, _entry(a, "pinned", AP, True)),
    "pin q1 with an entry that says locked": lambda a: _pin(a, _entry(a, "locked", QP, True)),
    "pin q1 with an entry that says unpinned": lambda a: _pin(a, _entry(a, "pinned", QP, False)),
    "pin q1 with an entry by someone else": lambda a: _pin(
        a,
        {**_entry(a, "pinned", QP, True), "by": "instructor" if a.uid != "instructor" else "admin"},
    ),
    "pin q1 with an entry with a forged time": lambda a: _pin(
        a, {**_entry(a, "pinned", QP, True), "at": 1}
    ),
    "pin q1 with an entry with an extra field": lambda a: _pin(
        a, {**_entry(a, "pinned", QP, True), "undo": True}
    ),
    "pin q1 with its entry under a key that is not a push ID": lambda a: _pin(
        a, entry="-", last="e1", **{"audit/c1/e1": _entry(a, "pinned", QP, True)}
    ),
    "pin q1 with its entry in c2's audit trail": lambda a: _pin(
        a,
        entry="-",
        last="-",
        **{
            f"audit/c2/{AUDIT}": _entry(a, "pinned", QP, True),
            f"auditLast/c2/{a.uid}": AUDIT,
        },
    ),
    "pin and lock q1 with one audit entry": lambda a: _pin(a, **{f"{QP}/locked": True}),
    "pin q1 with its entry and a second, decoy entry": lambda a: _pin(
        a, **{f"audit/c1/{NEW}": _entry(a, "locked", QP, True)}
    ),
    "write an audit entry for pinning q1 without pinning it": lambda a: a.update(
        {f"audit/c1/{AUDIT}": _entry(a, "pinned", QP, True), f"auditLast/c1/{a.uid}": AUDIT}
    ),
    "pin q1 again (already pinned) with an audit entry": _pin,
    "unpin q1 (pinned) with its audit entry": lambda a: a.audited(
        {f"{QP}/pinned": None}, "pinned", QP, False
    ),
    "hide a1 with its audit entry": lambda a: a.audited({f"{AP}/hidden": True}, "hidden", AP, True),
    "hide a1 with an entry saying it was deleted": lambda a: a.audited(
        {f"{AP}/hidden": True}, "delete", AP
    ),
    "delete a1 with its audit entry": lambda a: a.audited({AP: None}, "delete", AP),
    "delete a1 without an audit entry": lambda a: a.ref(AP).delete(),
    "delete a1 with an entry naming q1": lambda a: a.audited({AP: None}, "delete", QP),
    "delete a1 and q1 with one audit entry": lambda a: a.audited(
        {AP: None, QP: None}, "delete", AP
    ),
    "delete learner's comment on q1 with its audit entry": lambda a: a.audited(
        {CMP: None}, "delete", CMP
    ),
    "delete learner's comment on q1 without an audit entry": lambda a: a.ref(CMP).delete(),
    "create a question pinned from the start": lambda a: a.create(
        f"forum/c1/questions/{NEW}", a.question(pinned=True)
    ),
    "delete an audit entry": lambda a: a.ref(f"audit/c1/{OLD}").delete(),
    "edit an audit entry": lambda a: a.ref(f"audit/c1/{OLD}/action").set("locked"),
    "overwrite an audit entry while pinning q1": lambda a: _pin(
        a, entry="-", last=OLD, **{f"audit/c1/{OLD}": _entry(a, "pinned", QP, True)}
    ),
    "read c1's audit trail": lambda a: a.ref("audit/c1").get(),
    "read c2's audit trail": lambda a: a.ref("audit/c2").get(),
    "read every course's audit trail at once": lambda a: a.ref("audit").get(),
    # ---- reports
    "report a1 (the counter +1 in the same update)": _report,
    "report a1 without moving the counter": lambda a: _report(a, count=None),
    "move a1's report counter without a report": lambda a: a.ref(f"{AP}/reportCount").set(INC(1)),
    "report a1 moving the counter by 2": lambda a: _report(a, count=2),
    "report a1 twice": lambda a: _report(a, count=2),
    "report a1 in other learner's name": lambda a: a.update(
        {f"{A1_REPORTS}/other": {"reason": "spam", "createdAt": NOW}, f"{AP}/reportCount": 1}
    ),
    "report a1 with an unknown reason": lambda a: _report(a, reason="boring"),
    "report a1 with a note": lambda a: _report(a, note="Links to a casino."),
    "report a1 with an oversized note": lambda a: _report(
        a, note="x" * (limits.REPORT_NOTE_MAX + 1)
    ),
    "report a1 with a forged time": lambda a: _report(a, createdAt=1),
    "report a1 with an extra field": lambda a: _report(a, weight=5),
    "report a1 filed under q1's own reports": lambda a: _report(a, reports=f"reports/c1/{Q1}/{Q1}"),
    "report a deleted answer": lambda a: _report(a),
    "report a1 as the last reporter, hiding it for review": lambda a: _last_report(a, True),
    "report a1 as the last reporter, without hiding it": lambda a: _last_report(a, False),
    "hide a1 for review below the threshold": lambda a: a.ref(f"{AP}/pendingReview").set(True),
    "reset a1's report counter (reported once)": lambda a: a.ref(f"{AP}/reportCount").delete(),
    "clear a1's pending review (hidden for review)": lambda a: a.ref(
        f"{AP}/pendingReview"
    ).delete(),
    "rewrite a1 whole, without its report counter (reported once)": lambda a: a.ref(AP).set(
        {"uid": "other", "authorName": "Otto Other", "body": "Because.", "createdAt": 1, "score": 0}
    ),
    "withdraw own report of a1": lambda a: a.ref(f"{A1_REPORTS}/{a.uid}").delete(),
    "read a1's reports": lambda a: a.ref(A1_REPORTS).get(),
    "read one's own report of a1": lambda a: a.ref(f"{A1_REPORTS}/{a.uid}").get(),
    "read c1's reports": lambda a: a.ref("reports/c1").get(),
    "dismiss a1's reports with the audit entry": lambda a: _resolve(a, "dismiss"),
    "dismiss a1's reports without an audit entry": lambda a: a.update(
        {A1_REPORTS: None, f"{AP}/reportCount": None, f"{AP}/pendingReview": None}
    ),
    "clear a1's reports, keeping its counter (audited)": lambda a: a.audited(
        {A1_REPORTS: None}, "dismiss", AP
    ),
    "clear a1's counter, keeping its reports (audited)": lambda a: a.audited(
        {f"{AP}/reportCount": None, f"{AP}/pendingReview": None}, "dismiss", AP
    ),
    "resolve a1's reports by hiding it (audited)": lambda a: _resolve(
        a, "hidden", True, **{f"{AP}/hidden": True}
    ),
    "resolve a1's reports by deleting it (audited)": lambda a: a.audited(
        {AP: None, A1_REPORTS: None, f"votes/c1/{Q1}/{A1}": None}, "delete", AP
    ),
    "clear a1's reports after its deletion": lambda a: a.ref(A1_REPORTS).delete(),
    "recreate a1 after its deletion (its reports remain)": lambda a: a.create(AP, a.post(score=0)),
    # ---- mutes and bans
    "mute learner in c1 (audited)": lambda a: _moderate(a, "mute"),
    "mute learner in c1 until tomorrow (audited)": lambda a: _moderate(
        a, "mute", until=_later(86_400_000)
    ),
    "mute learner in c1 without an audit entry": lambda a: _moderate(a, "mute", audit=False),
    "mute learner with an entry that says ban": lambda a: a.audited(
        {"moderation/c1/learner": {"kind": "mute", "reason": "x", "by": a.uid, "at": NOW}},
        "ban",
        "moderation/c1/learner",
    ),
    "mute learner with an end time in the past": lambda a: _moderate(a, "mute", until=1),
    "mute learner without a reason": lambda a: a.audited(
        {"moderation/c1/learner": {"kind": "mute", "by": a.uid, "at": NOW}},
        "mute",
        "moderation/c1/learner",
    ),
    "mute the instructor in c1": lambda a: _moderate(a, "mute", uid="instructor"),
    "ban learner in c1 (audited)": lambda a: _moderate(a, "ban"),
    "lift learner's mute (audited)": lambda a: a.audited(
        {"moderation/c1/learner": None}, "lift", "moderation/c1/learner"
    ),
    "lift learner's mute without an audit entry": lambda a: a.ref("moderation/c1/learner").delete(),
    "lift own mute": lambda a: a.ref(f"moderation/c1/{a.uid}").delete(),
    "read learner's mute": lambda a: a.ref("moderation/c1/learner").get(),
    "read c1's mutes and bans": lambda a: a.ref("moderation/c1").get(),
    "ask a question while muted": lambda a: a.create(f"forum/c1/questions/{NEW}", a.question()),
    "answer q1 while muted": lambda a: a.create(f"forum/c1/answers/{Q1}/{NEW}", a.post(score=0)),
    "comment on q1 while muted": lambda a: a.create(f"forum/c1/comments/{Q1}/{Q1}/{NEW}", a.post()),
    "edit q1's title while muted": lambda a: a.ref(f"forum/c1/questions/{Q1}").update(
        {"title": "Why not?", "editedAt": NOW}
    ),
    "edit a2's body while muted": lambda a: a.ref(f"forum/c1/answers/{Q2}/{A2}").update(
        {"body": "Rewritten while muted", "editedAt": NOW}
    ),
    "accept a1 on q1 while muted": lambda a: a.ref(f"forum/c1/questions/{Q1}/acceptedAnswerId").set(
        A1
    ),
    "upvote a1 while muted": lambda a: a.update(
        {f"votes/c1/{Q1}/{A1}/{a.uid}": 1, f"{AP}/score": INC(1)}
    ),
    "ask a question once the mute has ended": lambda a: a.create(
        f"forum/c1/questions/{NEW}", a.question()
    ),
    "read the c1 forum while banned": lambda a: a.ref("forum/c1").get(),
    "read c1 votes while banned": lambda a: a.ref("votes/c1").get(),
    "read c1's search index while banned": lambda a: a.ref("search/c1").get(),
    "read one's own ban in c1": lambda a: a.ref(f"moderation/c1/{a.uid}").get(),
    "read the c1 forum once the ban has ended": lambda a: a.ref("forum/c1").get(),
    # ---- slow mode
    "ask a question in slow mode, the last post 60 s ago": lambda a: _slow_create(a, QUESTION),
    "ask a question in slow mode, the last post 5 s ago": lambda a: _slow_create(a, QUESTION),
    "ask a question in slow mode without ticking the stamp": lambda a: _slow_create(
        a, QUESTION, tick=None
    ),
    "ask a question in slow mode with the stamp ticked to the past": lambda a: _slow_create(
        a, QUESTION, tick=1
    ),
    "answer q1 in q1's slow mode, the last post 5 s ago": lambda a: _slow_create(a, ANSWER),
    "answer q1 in q1's slow mode, the last post 60 s ago": lambda a: _slow_create(a, ANSWER),
    "comment on q1 in q1's slow mode, the last post 5 s ago": lambda a: _slow_create(a, COMMENT),
    "ask a question while only q1 is in slow mode, the last post 5 s ago": lambda a: _slow_create(
        a, QUESTION
    ),
    "tick own slow-mode stamp": lambda a: a.ref(f"slowStamps/c1/{a.uid}").set({"at": NOW}),
    "rewind own slow-mode stamp": lambda a: a.ref(f"slowStamps/c1/{a.uid}/at").set(1),
    "delete own slow-mode stamp": lambda a: a.ref(f"slowStamps/c1/{a.uid}").delete(),
    "turn on slow mode for c1 (30 s, audited)": lambda a: a.audited(
        {"slowMode/c1/course": 30}, "slow", "slowMode/c1/course"
    ),
    "turn on slow mode for c1 without an audit entry": lambda a: a.ref("slowMode/c1/course").set(
        30
    ),
    "turn on slow mode for q1 (audited)": lambda a: a.audited(
        {f"slowMode/c1/questions/{Q1}": 30}, "slow", f"slowMode/c1/questions/{Q1}"
    ),
    "set c1's slow mode beyond the maximum (audited)": lambda a: a.audited(
        {"slowMode/c1/course": limits.SLOW_MODE_MAX_S + 1}, "slow", "slowMode/c1/course"
    ),
    "turn off c1's slow mode (audited)": lambda a: a.audited(
        {"slowMode/c1/course": None}, "slow", "slowMode/c1/course"
    ),
    "read c1's slow mode": lambda a: a.ref("slowMode/c1").get(),
}


QUESTION, ANSWER, COMMENT = (f"forum/c1/questions/{NEW}", f"forum/c1/answers/{Q1}/{NEW}",
                             f"forum/c1/comments/{Q1}/{Q1}/{NEW}")  # fmt: skip


def _slow_create(a: Actor, path: str, tick: Any = NOW) -> None:
    """Create a post as the app does in slow mode: with its slow-mode stamp ticked."""
    post = a.question() if path == QUESTION else a.post(score=0) if path == ANSWER else a.post()
    extra = {} if tick is None else {f"slowStamps/c1/{a.uid}": {"at": tick}}
    a.create(path, post, **extra)


def _slow(setting: str, last_post_ago_ms: int) -> Setup:
    """Setup: slow mode of 30 s at ``setting``; the actor's last post that long ago."""

    def setup(owner: db.Reference, actor: Actor) -> None:
        stamp = int(time.time() * 1000) - last_post_ago_ms
        owner.update({setting: 30, f"slowStamps/c1/{actor.uid}": {"at": stamp}})

    return setup


def _owner_sets(values: dict[str, Any]) -> Setup:
    return lambda owner, actor: owner.update(values)


def _old_entry(owner: db.Reference, actor: Actor) -> None:
    owner.child(f"audit/c1/{OLD}").set(
        {"action": "pinned", "target": QP, "by": actor.uid, "at": 1, "value": True}
    )


def _reported(by: list[str], pending: bool = False) -> Setup:
    """Setup: a1 reported by these uids (counter matching), hidden for review if pending."""

    def setup(owner: db.Reference, actor: Actor) -> None:
        values: dict[str, Any] = {
            f"{A1_REPORTS}/{uid}": {"reason": "spam", "createdAt": 1} for uid in by
        }
        values[f"{AP}/reportCount"] = len(by)
        if pending:
            values[f"{AP}/pendingReview"] = True
        owner.update(values)

    return setup


def _reported_by_actor(owner: db.Reference, actor: Actor) -> None:
    _reported([actor.uid])(owner, actor)


def _on_everyone(kind: str, until: Any = None) -> Setup:
    """Setup: every user's own record in c1 says ``kind`` (the rules ignore it for staff)."""

    def setup(owner: db.Reference, actor: Actor) -> None:
        record = {"kind": kind, "reason": "Flooding.", "by": "instructor", "at": 1}
        if until is not None:
            record["until"] = until() if callable(until) else until
        owner.update({f"moderation/c1/{actor.uid}": record, "search/c1/terms/x/" + Q1: 1})

    return setup


_MUTED = _on_everyone("mute")
SETUP: dict[str, Setup] = {
    "pin q1, auditLast naming an old entry": _old_entry,
    "delete an audit entry": _old_entry,
    "edit an audit entry": _old_entry,
    "overwrite an audit entry while pinning q1": _old_entry,
    "pin q1 again (already pinned) with an audit entry": _owner_sets({f"{QP}/pinned": True}),
    "unpin q1 (pinned) with its audit entry": _owner_sets({f"{QP}/pinned": True}),
    "report a1 twice": _reported_by_actor,
    "report a deleted answer": _owner_sets({AP: None}),
    "report a1 as the last reporter, hiding it for review": _reported(
        [f"x{i}" for i in range(N - 1)]
    ),
    "report a1 as the last reporter, without hiding it": _reported([f"x{i}" for i in range(N - 1)]),
    "hide a1 for review below the threshold": _reported(["x0"]),
    "reset a1's report counter (reported once)": _reported(["x0"]),
    "clear a1's pending review (hidden for review)": _reported(
        [f"x{i}" for i in range(N)], pending=True
    ),
    "rewrite a1 whole, without its report counter (reported once)": _reported(["x0"]),
    "withdraw own report of a1": _reported_by_actor,
    "read a1's reports": _reported(["x0"]),
    "read one's own report of a1": _reported_by_actor,
    "read c1's reports": _reported(["x0"]),
    **dict.fromkeys(
        [
            "dismiss a1's reports with the audit entry",
            "dismiss a1's reports without an audit entry",
            "clear a1's reports, keeping its counter (audited)",
            "clear a1's counter, keeping its reports (audited)",
            "resolve a1's reports by hiding it (audited)",
            "resolve a1's reports by deleting it (audited)",
        ],
        _reported([f"x{i}" for i in range(N)], pending=True),
    ),
    "clear a1's reports after its deletion": _owner_sets(
        {AP: None, f"{A1_REPORTS}/x0": {"reason": "spam", "createdAt": 1}}
    ),
    "recreate a1 after its deletion (its reports remain)": _owner_sets(
        {AP: None, f"{A1_REPORTS}/x0": {"reason": "spam", "createdAt": 1}}
    ),
    "lift learner's mute (audited)": _owner_sets(
        {"moderation/c1/learner": {"kind": "mute", "reason": "x", "by": "instructor", "at": 1}}
    ),
    "lift learner's mute without an audit entry": _owner_sets(
        {"moderation/c1/learner": {"kind": "mute", "reason": "x", "by": "instructor", "at": 1}}
    ),
    "lift own mute": _MUTED,
    "read learner's mute": _owner_sets(
        {"moderation/c1/learner": {"kind": "mute", "reason": "x", "by": "instructor", "at": 1}}
    ),
    "read c1's mutes and bans": _owner_sets(
        {"moderation/c1/learner": {"kind": "mute", "reason": "x", "by": "instructor", "at": 1}}
    ),
    "ask a question while muted": _MUTED,
    "answer q1 while muted": _MUTED,
    "comment on q1 while muted": _MUTED,
    "upvote a1 while muted": _MUTED,
    "edit q1's title while muted": _MUTED,
    "edit a2's body while muted": _MUTED,
    "accept a1 on q1 while muted": _MUTED,
    "ask a question once the mute has ended": _on_everyone("mute", until=1),
    "read the c1 forum while banned": _on_everyone("ban"),
    "read c1 votes while banned": _on_everyone("ban"),
    "read c1's search index while banned": _on_everyone("ban"),
    "read one's own ban in c1": _on_everyone("ban"),
    "read the c1 forum once the ban has ended": _on_everyone("ban", until=1),
    "ask a question in slow mode, the last post 60 s ago": _slow("slowMode/c1/course", 60_000),
    "ask a question in slow mode, the last post 5 s ago": _slow("slowMode/c1/course", 5_000),
    "ask a question in slow mode without ticking the stamp": _slow("slowMode/c1/course", 60_000),
    "ask a question in slow mode with the stamp ticked to the past": _slow(
        "slowMode/c1/course", 60_000
    ),
    "answer q1 in q1's slow mode, the last post 5 s ago": _slow(
        f"slowMode/c1/questions/{Q1}", 5_000
    ),
    "answer q1 in q1's slow mode, the last post 60 s ago": _slow(
        f"slowMode/c1/questions/{Q1}", 60_000
    ),
    "comment on q1 in q1's slow mode, the last post 5 s ago": _slow(
        f"slowMode/c1/questions/{Q1}", 5_000
    ),
    "ask a question while only q1 is in slow mode, the last post 5 s ago": _slow(
        f"slowMode/c1/questions/{Q1}", 5_000
    ),
    "rewind own slow-mode stamp": _slow("slowMode/c1/course", 5_000),
    "delete own slow-mode stamp": _slow("slowMode/c1/course", 5_000),
    "turn off c1's slow mode (audited)": _owner_sets({"slowMode/c1/course": 30}),
    "read c1's slow mode": _owner_sets({"slowMode/c1/course": 30}),
}

test_every_operation_in_the_table_is_implemented, test_cell = matrix_tests(
    HERE / "matrix_moderation.md", OPS, SETUP
)
