"""The office hours and confusion map rules matrix: every (operation, user) cell of
matrix_office_hours.md against the real server, each from the attacker's side."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from firebase_admin import db
from forum_world import NOW, T0, USERS, Actor, push_id
from matrix_runner import Op, Setup, matrix_tests
from matrix_runner import rest as _rest

from app.model import limits, paths

HERE = Path(__file__).parent
OH = "officeHours/c1"
SID = push_id("Served")
SIGNED_IN = [u.uid for u in USERS if u.uid]
OPEN = {f"{OH}/open": True, f"{OH}/by": "instructor", f"{OH}/openedAt": T0}
LEARNER_ENTRY = {f"{OH}/queue/learner": {"question": "Why?", "joinedAt": T0}}
TAKEN = {
    f"{OH}/queue/learner": {
        "question": "Why?",
        "joinedAt": T0,
        "takenAt": T0 + 5_000,
        "takenBy": "instructor",
    }
}


def entry(question: str = "How do I deploy?", joined: Any = NOW, **extra: Any) -> dict[str, Any]:
    return {"question": question, "joinedAt": joined, **extra}


def _other(a: Actor) -> str:
    return "other" if a.uid != "other" else "learner"


def _join(uid: str = "", **fields: Any) -> Op:
    return lambda a: a.ref(f"{OH}/queue/{uid or a.uid}").set(entry(**fields))


def _open(**fields: Any) -> Op:
    def op(a: Actor) -> None:
        values = {f"{OH}/open": True, f"{OH}/by": a.uid, f"{OH}/openedAt": NOW}
        values.update({f"{OH}/{k}": v for k, v in fields.items()})
        a.update(values)

    return op


def _done(taken_at: Any = T0 + 5_000, done_at: Any = NOW, keep: bool = False) -> Op:
    def op(a: Actor) -> None:
        served = {"uid": "learner", "joinedAt": T0, "takenAt": taken_at, "doneAt": done_at}
        values: dict[str, Any] = {f"{OH}/served/{SID}": served}
        if not keep:
            values[f"{OH}/queue/learner"] = None
        a.update(values)

    return op


def _tap(bucket: str, lid: str = "l1", cid: str = "c1", uid: str = "", value: Any = NOW) -> Op:
    return lambda a: a.ref(f"confusion/{cid}/{lid}/{bucket}/{uid or a.uid}").set(value)


def _fixture(owner: db.Reference, actor: Actor, session: bool = True, **more: Any) -> None:
    owner.update(
        {
            "lessons/c1/l2": {"title": "Second", "order": 2, "minutes": 2},
            **(OPEN if session else {}),
            **more,
        }
    )


def _then(session: bool = True, **values: Any) -> Setup:
    return lambda owner, actor: _fixture(owner, actor, session, **values)


def _joined(owner: db.Reference, actor: Actor) -> None:
    queue = {f"{OH}/queue/{uid}": entry(joined=T0 + 1_000) for uid in SIGNED_IN}
    _fixture(owner, actor, **queue)


def _moderated(kind: str, **extra: Any) -> dict[str, Any]:
    """Every signed-in user muted or banned in c1, as staff's record says (the rules refuse
    one for staff, so theirs show that staff are not silenced by a stray record)."""
    record = {"kind": kind, "reason": "Flooding.", "by": "instructor", "at": T0, **extra}
    return {paths.moderation("c1", uid): record for uid in SIGNED_IN}


def _tapped(owner: db.Reference, actor: Actor) -> None:
    _fixture(owner, actor, **{f"confusion/c1/l1/3/{actor.uid}": T0})


OPS: dict[str, Op] = {
    "read c1's office hours": lambda a: a.ref(OH).get(),
    "read c2's office hours": lambda a: a.ref("officeHours/c2").get(),
    "open c1's session (open, by, openedAt in one update)": _open(),
    "open c1's session naming another as its opener": _open(by="someone"),
    "open c1's session with a client clock's openedAt": _open(openedAt=T0),
    "open c1's session without openedAt": _open(openedAt=None),
    "set c1's office hours as a whole": lambda a: a.ref(OH).set(
        {"open": True, "by": a.uid, "openedAt": NOW}
    ),
    "open a session for a course that does not exist (c9)": lambda a: a.update(
        {"officeHours/c9/open": True, "officeHours/c9/by": a.uid, "officeHours/c9/openedAt": NOW}
    ),
    "close c1's open session, clearing its queue": lambda a: a.update(
        {f"{OH}/open": None, f"{OH}/by": None, f"{OH}/openedAt": None, f"{OH}/queue": None}
    ),
    "join c1's open queue": _join(),
    "join c1's queue while no session is open": _join(),
    "join c1's open queue as learner (another's entry)": _join("learner"),
    "join c1's open queue with an earlier joinedAt (jumping the queue)": _join(joined=T0),
    "join c1's open queue with a client clock's joinedAt": _join(joined=T0 + 10**9),
    "after joining, move own joinedAt earlier": lambda a: a.ref(f"{OH}/queue/{a.uid}/joinedAt").set(
        T0
    ),
    "after joining, join again (replace own entry)": _join(),
    "join c1's open queue under a decoy key (own uid + '-2')": lambda a: a.ref(
        f"{OH}/queue/{a.uid}-2"
    ).set(entry()),
    "join c1's open queue with a two-line question": _join(question="First line\nsecond line"),
    "join c1's open queue with a question over the maximum": _join(
        question="x" * (limits.OFFICE_QUESTION_MAX + 1)
    ),
    "join c1's open queue with an empty question": _join(question=""),
    "join c1's open queue already taken (own takenAt)": _join(takenAt=NOW, takenBy="instructor"),
    "join c1's office hours queue with a question while muted": _join(),
    "join c1's open queue while banned": _join(),
    "join c1's open queue after own mute has expired": _join(),
    "join c1's open queue with an extra field": _join(priority=1),
    "join c1's open queue for self and another in one update": lambda a: a.update(
        {f"{OH}/queue/{a.uid}": entry(), f"{OH}/queue/{_other(a)}": entry()}
    ),
    "give own new entry a .priority": lambda a: _rest(
        a, "PUT", f"{OH}/queue/{a.uid}", {**entry(), ".priority": 1}
    ),
    "after joining, leave (delete own entry)": lambda a: a.ref(f"{OH}/queue/{a.uid}").delete(),
    "after learner joins, delete learner's entry": lambda a: a.ref(f"{OH}/queue/learner").delete(),
    "after learner joins, take learner's entry (takenAt now, takenBy self)": lambda a: a.ref(
        f"{OH}/queue/learner"
    ).update({"takenAt": NOW, "takenBy": a.uid}),
    "after learner joins, take learner's entry naming another as takenBy": lambda a: a.ref(
        f"{OH}/queue/learner"
    ).update({"takenAt": NOW, "takenBy": "someone"}),
    "after learner joins, take learner's entry and change its question": lambda a: a.ref(
        f"{OH}/queue/learner"
    ).update({"takenAt": NOW, "takenBy": a.uid, "question": "Changed"}),
    "after learner's entry is taken, take it again": lambda a: a.ref(f"{OH}/queue/learner").update(
        {"takenAt": NOW, "takenBy": a.uid}
    ),
    "after learner's entry is taken, mark it done (served entry, entry deleted, one update)": (
        _done()
    ),
    "after learner's entry is taken, mark it done with another takenAt": _done(taken_at=T0 + 1),
    "after learner's entry is taken, mark it done with a client clock's doneAt": _done(
        done_at=T0 + 9_000
    ),
    "after learner's entry is taken, write its served entry and keep the entry": _done(keep=True),
    "after learner joins, mark the untaken entry done": _done(),
    "after a served entry, change it": lambda a: a.ref(f"{OH}/served/{SID}/doneAt").set(NOW),
    "after a served entry, delete it": lambda a: a.ref(f"{OH}/served/{SID}").delete(),
    "tap I'm lost in c1/l1 bucket 3": _tap("3"),
    "after own tap in c1/l1 bucket 3, tap it again": _tap("3"),
    "after own tap in c1/l1 bucket 3, delete it": lambda a: a.ref(
        f"confusion/c1/l1/3/{a.uid}"
    ).delete(),
    "tap I'm lost in c1/l1 bucket 3 as learner (another's uid)": _tap("3", uid="learner"),
    "tap I'm lost in c1/l1 bucket 3 with a client clock's value": _tap("3", value=T0),
    "tap I'm lost in c1/l2 bucket 12 (its last: 2 minutes)": _tap("12", "l2"),
    "tap I'm lost in c1/l2 bucket 9 (fewer digits than the bound)": _tap("9", "l2"),
    "tap I'm lost in c1/l2 bucket 13 (past its end)": _tap("13", "l2"),
    "tap I'm lost in c1/l2 bucket 100 (more digits than the bound)": _tap("100", "l2"),
    "tap I'm lost in c1/l2 bucket 012 (a leading zero)": _tap("012", "l2"),
    "tap I'm lost in c1/l2 bucket -1": _tap("-1", "l2"),
    "tap I'm lost in c1/l2 bucket 1e1 (not all digits)": lambda a: _rest(
        a, "PUT", f"confusion/c1/l2/1e1/{a.uid}", NOW
    ),
    "tap I'm lost in c1/l1 bucket 4320 (no minutes: the longest lesson's last)": _tap(
        str(limits.LESSON_SECONDS_MAX // limits.CONFUSION_BUCKET_S)
    ),
    "tap I'm lost in c1/l1 bucket 4321": _tap(
        str(limits.LESSON_SECONDS_MAX // limits.CONFUSION_BUCKET_S + 1)
    ),
    "tap I'm lost in a lesson that does not exist (c1/l9)": _tap("0", "l9"),
    "tap I'm lost in c2/l1 bucket 0": _tap("0", cid="c2"),
    "tap I'm lost in c1/l1 buckets 3 and 4 in one update": lambda a: a.update(
        {f"confusion/c1/l1/3/{a.uid}": NOW, f"confusion/c1/l1/4/{a.uid}": NOW}
    ),
    "after learner's enrollment in c1 is removed, tap I'm lost in c1/l1 bucket 3": _tap("3"),
    "read c1's taps": lambda a: a.ref("confusion/c1").get(),
    "read own tap in c1/l1 bucket 3": lambda a: a.ref(f"confusion/c1/l1/3/{a.uid}").get(),
}

_SERVED = {
    f"{OH}/served/{SID}": {"uid": "learner", "joinedAt": T0, "takenAt": T0 + 5, "doneAt": T0 + 9}
}

SETUP: dict[str, Setup] = dict.fromkeys(OPS, _fixture)
SETUP["join c1's queue while no session is open"] = _then(session=False)
for _op in OPS:
    if _op.startswith("open ") or _op == "set c1's office hours as a whole":
        SETUP[_op] = _then(session=False)
    elif _op.startswith("after joining"):
        SETUP[_op] = _joined
    elif _op.startswith("after learner joins"):
        SETUP[_op] = _then(**LEARNER_ENTRY)
    elif _op.startswith("after learner's entry is taken"):
        SETUP[_op] = _then(**TAKEN)
    elif _op.startswith("after own tap"):
        SETUP[_op] = _tapped
SETUP["join c1's office hours queue with a question while muted"] = _then(**_moderated("mute"))
SETUP["join c1's open queue while banned"] = _then(**_moderated("ban"))
SETUP["join c1's open queue after own mute has expired"] = _then(**_moderated("mute", until=T0))
SETUP["close c1's open session, clearing its queue"] = _then(**LEARNER_ENTRY)
SETUP["after a served entry, change it"] = _then(**_SERVED)
SETUP["after a served entry, delete it"] = _then(**_SERVED)
SETUP["after learner's enrollment in c1 is removed, tap I'm lost in c1/l1 bucket 3"] = _then(
    **{"enrollments/learner/c1": None}
)

test_every_operation_in_the_table_is_implemented, test_cell = matrix_tests(
    HERE / "matrix_office_hours.md", OPS, SETUP
)
