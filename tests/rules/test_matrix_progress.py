"""The lesson progress rules matrix: every (operation, user) cell of matrix_progress.md
against the real server, each from the attacker's side (what a browser or curl can send)."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

from firebase_admin import db, exceptions
from forum_world import NOW, T0, USERS, Actor
from matrix_runner import Op, Setup, matrix_tests
from matrix_runner import rest as _rest

from app.model import limits

HERE = Path(__file__).parent
DURATION = 20


def record(
    position: float = 12,
    watched: float = 12,
    duration: float = DURATION,
    complete: bool | None = None,
    updated: Any = NOW,
    started: Any = NOW,
    **extra: Any,
) -> dict[str, Any]:
    """A save as the player sends it; ``complete`` derived as the rules want unless given."""
    if complete is None:
        complete = watched >= duration * limits.COMPLETE_FRACTION
    value = {
        "position": position,
        "watched": watched,
        "duration": duration,
        "complete": complete,
        "startedAt": started,
        "updatedAt": updated,
        **extra,
    }
    return {k: v for k, v in value.items() if v is not None}


def _path(uid: str, cid: str = "c1", lid: str = "l1") -> str:
    return f"progress/{uid}/{cid}/{lid}"


def _save(lid: str = "l1", cid: str = "c1", uid: str = "", **fields: Any) -> Op:
    return lambda a: a.ref(_path(uid or a.uid, cid, lid)).set(record(**fields))


def _update(**fields: Any) -> Op:
    """A save as the player sends it after the first: startedAt left as it is."""
    return lambda a: a.ref(_path(a.uid)).update(record(started=None, **fields))


_STEP = limits.WATCH_SLACK_S - 5  # within one save's slack, with next to no time between


SAVED = record(position=5, watched=5, updated=T0, started=T0)
SAVERS = [u.uid for u in USERS if u.uid]  # each signed-in user has a c1/l1 record


def _fixture(owner: db.Reference, actor: Actor, **more: Any) -> None:
    owner.update(
        {
            "lessons/c1/l2": {"title": "Second", "order": 2},
            "lessons/c2/l2": {"title": "Preview", "order": 2, "preview": True},
            "lessons/c2/l3": {"title": "Third", "order": 3},
            **{_path(uid): SAVED for uid in SAVERS},
            **more,
        }
    )


def _then(**values: Any) -> Setup:
    return lambda owner, actor: _fixture(owner, actor, **values)


OPS: dict[str, Op] = {
    "read own progress": lambda a: a.ref(f"progress/{a.uid}").get(),
    "read learner's progress": lambda a: a.ref("progress/learner").get(),
    "read learner's progress in c1": lambda a: a.ref("progress/learner/c1").get(),
    "read every user's progress": lambda a: a.ref("progress").get(),
    "save own progress in c1/l1": _save(),
    "save own first progress in c1/l2": _save("l2"),
    "save own progress in c2/l1 (not its free preview)": _save(cid="c2"),
    "save own progress in c2/l2 (a free preview)": _save("l2", "c2"),
    "after learner's enrollment in c1 is removed, save own progress in c1/l1": _save(),
    "save learner's progress in c1/l1": _save(uid="learner"),
    "save learner's progress in c2/l2 (a free preview)": _save("l2", "c2", uid="learner"),
    "save own progress for a lesson that does not exist (c1/l9)": _save("l9"),
    "save own progress for c1/l3 (a decoy: only c2 has an l3)": _save("l3"),
    "save own progress under a course that does not exist (c9/l1)": _save(cid="c9"),
    "save own progress under a lesson key that is not a slug (c1/L1)": _save("L1"),
    "save own progress with position beyond duration": _save(position=DURATION + 1),
    "save own progress with a negative position": _save(position=-1),
    "save own progress with position as a string": _save(position="12"),
    "save own progress with watched beyond duration": _save(watched=DURATION + 1),
    "save own first progress with a duration of 0": _save("l2", position=0, watched=0, duration=0),
    "save own first progress with a duration over the maximum": _save(
        "l2", duration=limits.LESSON_SECONDS_MAX + 1
    ),
    "save own progress with a shorter duration than saved": _save(
        position=5, watched=5, duration=DURATION - 5
    ),
    "save own progress with less watched than saved": _save(position=2, watched=2),
    "save own progress complete at 95 % watched": _save(watched=19, complete=True),
    "save own progress complete at 50 % watched": _save(watched=10, complete=True),
    "save own progress not complete at 95 % watched": _save(watched=19, complete=False),
    "save own first progress with more watched than the slack": _save(
        "l2", position=limits.WATCH_SLACK_S + 5, watched=limits.WATCH_SLACK_S + 5, duration=600
    ),
    "after a save just now, save watched grown faster than 2× the clock": _save(
        position=5 + limits.WATCH_SLACK_S + 20,
        watched=5 + limits.WATCH_SLACK_S + 20,
        duration=600,
    ),
    "after a save just now, save watched grown within the slack": _save(
        position=5 + limits.WATCH_SLACK_S - 5,
        watched=5 + limits.WATCH_SLACK_S - 5,
        duration=600,
    ),
    "after learner completes c1/l1, save learner's progress back at the start, still complete": (
        _save(uid="learner", position=0, watched=19, complete=True)
    ),
    "after learner completes c1/l1, save learner's progress not complete": _save(
        uid="learner", position=0, watched=19, complete=False
    ),
    "save own progress with a client clock's updatedAt": _save(updated=T0 + 1),
    "save own progress with an extra field": _save(note="hi"),
    "save own progress without complete": lambda a: a.ref(_path(a.uid)).set(
        {k: v for k, v in record().items() if k != "complete"}
    ),
    "update only own position in c1/l1, without a new updatedAt": lambda a: a.ref(
        _path(a.uid)
    ).update({"position": 7}),
    "update own position and updatedAt in c1/l1": lambda a: a.ref(_path(a.uid)).update(
        {"position": 7, "updatedAt": NOW}
    ),
    "give own progress a .priority": lambda a: _rest(
        a, "PUT", _path(a.uid), {**record(), ".priority": 1}
    ),
    "delete own progress in c1/l1": lambda a: a.ref(_path(a.uid)).delete(),
    "delete learner's progress in c1/l1": lambda a: a.ref(_path("learner")).delete(),
    "delete own progress in c1": lambda a: a.ref(f"progress/{a.uid}/c1").delete(),
    "set own progress in c1 as a whole": lambda a: a.ref(f"progress/{a.uid}/c1").set(
        {"l1": record()}
    ),
    "save own progress in c1/l1 and c1/l2 in one update": lambda a: a.update(
        {_path(a.uid): record(), _path(a.uid, "c1", "l2"): record()}
    ),
    "save own progress and other learner's in one update": lambda a: a.update(
        {_path(a.uid): record(), _path("other" if a.uid != "other" else "learner"): record()}
    ),
    "save own progress and enroll self in c2 in one update": lambda a: a.update(
        {_path(a.uid): record(), f"enrollments/{a.uid}/c2": True}
    ),
    "after a save just now and a second save 25 s more, save 25 s more again": _update(
        position=5 + 2 * _STEP, watched=5 + 2 * _STEP, duration=600
    ),
    "save own first progress without startedAt": lambda a: a.ref(_path(a.uid, "c1", "l2")).set(
        record(started=None)
    ),
    "save own progress with a startedAt earlier than saved": _save(started=T0 - 60_000),
    "remove own startedAt": lambda a: a.ref(_path(a.uid)).update(
        {"startedAt": None, "updatedAt": NOW}
    ),
}

_JUST_NOW = {_path(uid): record(position=5, watched=5, duration=600) for uid in SAVERS}
_COMPLETED = {_path("learner"): record(position=DURATION, watched=19, updated=T0, started=T0)}


def _saved_twice(owner: db.Reference, actor: Actor) -> None:
    """A save just now, then the actor's own next save a slack's worth more at once."""
    _fixture(owner, actor, **_JUST_NOW)
    with contextlib.suppress(exceptions.FirebaseError):  # users who may not save
        _update(position=5 + _STEP, watched=5 + _STEP, duration=600)(actor)


SETUP: dict[str, Setup] = dict.fromkeys(OPS, _fixture)
SETUP["after a save just now and a second save 25 s more, save 25 s more again"] = _saved_twice
SETUP["after learner's enrollment in c1 is removed, save own progress in c1/l1"] = _then(
    **{"enrollments/learner/c1": None}
)
for _row in (
    "after a save just now, save watched grown faster than 2× the clock",
    "after a save just now, save watched grown within the slack",
):
    SETUP[_row] = _then(**_JUST_NOW)
for _row in (
    "after learner completes c1/l1, save learner's progress back at the start, still complete",
    "after learner completes c1/l1, save learner's progress not complete",
):
    SETUP[_row] = _then(**_COMPLETED)

test_every_operation_in_the_table_is_implemented, test_cell = matrix_tests(
    HERE / "matrix_progress.md", OPS, SETUP
)
