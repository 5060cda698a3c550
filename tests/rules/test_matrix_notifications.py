"""The notifications rules matrix: every (operation, user) cell of matrix_notifications.md
against the real server, each from the attacker's side (what a browser or curl can send)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from firebase_admin import db
from forum_world import A1, NEW, Q1, Q2, T0, USERS, Actor
from matrix_runner import Op, Setup, matrix_tests
from matrix_runner import rest as _rest

from app.model import notices, paths

HERE = Path(__file__).parent
SIGNED_IN = [u.uid for u in USERS if u.uid]
UNREAD = notices.nid(notices.ANSWER, A1)
READ = notices.nid(notices.QUESTION, Q1)


def entry(kind: str = notices.ANSWER, post: str = A1, **extra: Any) -> dict[str, Any]:
    """An inbox entry as the fan-out function writes it."""
    return {
        "kind": kind,
        "courseId": "c1",
        "questionId": Q1,
        "postId": post,
        "lessonId": "l1",
        "second": 12,
        "actorName": "Otto Other",
        "title": "Why?",
        "snippet": "Because.",
        "createdAt": T0,
        **extra,
    }


def _fixture() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for uid in SIGNED_IN:
        values[paths.follow("c1", Q1, uid)] = True
        values[paths.watch("c1", uid)] = notices.ALL
        values[paths.inbox_entry(uid, UNREAD)] = entry()
        values[paths.inbox_entry(uid, READ)] = entry(notices.QUESTION, Q1, read=True)
        values[paths.child(paths.inbox_by_post("c1", Q1, UNREAD), uid)] = True
        values[paths.child(paths.inbox_by_post("c1", Q1, READ), uid)] = True
    return values


def _world(**more: Any) -> Setup:
    def setup(owner: db.Reference, actor: Actor) -> None:
        owner.update({**_fixture(), **more})

    return setup


def _own(build, *args: str) -> Any:
    """A path builder taking the actor's uid as its last argument."""
    return lambda a: build(*args, a.uid)


def _mine_entry(a: Actor, nid: str = UNREAD) -> str:
    return paths.inbox_entry(a.uid, nid)


OPS: dict[str, Op] = {
    # follows
    "read own follow of q1": lambda a: a.ref(paths.follow("c1", Q1, a.uid)).get(),
    "read learner's follow of q1": lambda a: a.ref(paths.follow("c1", Q1, "learner")).get(),
    "read every follower of q1": lambda a: a.ref(paths.follows("c1", Q1)).get(),
    "read every follow in c1": lambda a: a.ref(paths.follows("c1")).get(),
    "after own follow of q1 is removed, follow q1": lambda a: a.ref(
        paths.follow("c1", Q1, a.uid)
    ).set(True),
    "follow q2": lambda a: a.ref(paths.follow("c1", Q2, a.uid)).set(True),
    "follow a question that does not exist": lambda a: a.ref(paths.follow("c1", NEW, a.uid)).set(
        True
    ),
    "follow q1 under c2, where it does not exist": lambda a: a.ref(
        paths.follow("c2", Q1, a.uid)
    ).set(True),
    "follow q2 with a value other than true": lambda a: a.ref(paths.follow("c1", Q2, a.uid)).set(
        "yes"
    ),
    "follow q2 with a decoy child": lambda a: a.ref(paths.follow("c1", Q2, a.uid)).set(
        {"on": True}
    ),
    "follow q2 with a .priority": lambda a: _rest(
        a, "PUT", paths.follow("c1", Q2, a.uid), {".value": True, ".priority": 1}
    ),
    "make learner follow q2": lambda a: a.ref(paths.follow("c1", Q2, "learner")).set(True),
    "follow q2 and, in the same update, make learner follow it": lambda a: a.update(
        {paths.follow("c1", Q2, a.uid): True, paths.follow("c1", Q2, "learner"): True}
    ),
    "set q2's whole follower list to oneself": lambda a: a.ref(paths.follows("c1", Q2)).set(
        {a.uid: True}
    ),
    "unfollow q1": lambda a: a.ref(paths.follow("c1", Q1, a.uid)).delete(),
    "unfollow learner from q1": lambda a: a.ref(paths.follow("c1", Q1, "learner")).delete(),
    "after learner's enrollment in c1 is removed, follow q2": lambda a: a.ref(
        paths.follow("c1", Q2, a.uid)
    ).set(True),
    "ask a question and follow it in the same update": lambda a: a.create(
        paths.question("c1", NEW), a.question(), **{paths.follow("c1", NEW, a.uid): True}
    ),
    "answer q1 and follow q1 in the same update": lambda a: a.create(
        paths.answer("c1", Q1, NEW), a.post(score=0), **{paths.follow("c1", Q1, a.uid): True}
    ),
    "after q1 is deleted, follow it again": lambda a: a.ref(paths.follow("c1", Q1, a.uid)).set(
        True
    ),
    # watch levels
    "read own watch level in c1": lambda a: a.ref(paths.watch("c1", a.uid)).get(),
    "read learner's watch level in c1": lambda a: a.ref(paths.watch("c1", "learner")).get(),
    "read every watch level in c1": lambda a: a.ref(paths.watch("c1")).get(),
    "set own watch level in c1 to muted": lambda a: a.ref(paths.watch("c1", a.uid)).set(
        notices.MUTED
    ),
    "set own watch level in c1 to followed": lambda a: a.ref(paths.watch("c1", a.uid)).set(
        notices.FOLLOWED
    ),
    "set own watch level in c1 to a word that is not a level": lambda a: a.ref(
        paths.watch("c1", a.uid)
    ).set("everything"),
    "set own watch level in c1 to a decoy object": lambda a: a.ref(paths.watch("c1", a.uid)).set(
        {"level": notices.ALL}
    ),
    "set own watch level in c2": lambda a: a.ref(paths.watch("c2", a.uid)).set(notices.ALL),
    "set own watch level in a course that does not exist": lambda a: a.ref(
        paths.watch("c9", a.uid)
    ).set(notices.ALL),
    "set learner's watch level in c1": lambda a: a.ref(paths.watch("c1", "learner")).set(
        notices.MUTED
    ),
    "clear own watch level in c1": lambda a: a.ref(paths.watch("c1", a.uid)).delete(),
    "set every watch level in c1 at once": lambda a: a.ref(paths.watch("c1")).set(
        dict.fromkeys(SIGNED_IN, notices.MUTED)
    ),
    # inbox
    "read own inbox": lambda a: a.ref(paths.inbox(a.uid)).get(),
    "read learner's inbox": lambda a: a.ref(paths.inbox("learner")).get(),
    "read every inbox": lambda a: a.ref("inbox").get(),
    "mark own entry read": lambda a: a.ref(paths.inbox_read(a.uid, UNREAD)).set(True),
    "mark learner's entry read": lambda a: a.ref(paths.inbox_read("learner", UNREAD)).set(True),
    "mark own entries read in one update": lambda a: a.update(
        {paths.inbox_read(a.uid, UNREAD): True, paths.inbox_read(a.uid, READ): True}
    ),
    "mark own entry read and, in the same update, learner's": lambda a: a.update(
        {paths.inbox_read(a.uid, UNREAD): True, paths.inbox_read("learner", UNREAD): True}
    ),
    "mark own entry read and rewrite its snippet in the same update": lambda a: a.update(
        {
            paths.inbox_read(a.uid, UNREAD): True,
            paths.child(_mine_entry(a), "snippet"): "Click here",
        }
    ),
    "mark own entry read with a .priority": lambda a: _rest(
        a, "PUT", paths.inbox_read(a.uid, UNREAD), {".value": True, ".priority": 1}
    ),
    "un-read own read entry": lambda a: a.ref(paths.inbox_read(a.uid, READ)).delete(),
    "set own entry's read to false": lambda a: a.ref(paths.inbox_read(a.uid, READ)).set(False),
    "mark read an entry that does not exist in own inbox": lambda a: a.ref(
        paths.inbox_read(a.uid, notices.nid(notices.ANSWER, NEW))
    ).set(True),
    "mark own entry read while deleting its kind": lambda a: a.update(
        {paths.inbox_read(a.uid, UNREAD): True, paths.child(_mine_entry(a), "kind"): None}
    ),
    "write an entry into learner's inbox": lambda a: a.ref(
        paths.inbox_entry("learner", notices.nid(notices.ANSWER, NEW))
    ).set(entry(post=NEW)),
    "write an entry into own inbox": lambda a: a.ref(
        paths.inbox_entry(a.uid, notices.nid(notices.ANSWER, NEW))
    ).set(entry(post=NEW)),
    "rewrite own entry's title": lambda a: a.ref(paths.child(_mine_entry(a), "title")).set(
        "Free course"
    ),
    "replace own entry with a read copy": lambda a: a.ref(_mine_entry(a)).set(entry(read=True)),
    "delete own entry": lambda a: a.ref(_mine_entry(a)).delete(),
    "delete learner's entry": lambda a: a.ref(paths.inbox_entry("learner", UNREAD)).delete(),
    "delete own inbox at once": lambda a: a.ref(paths.inbox(a.uid)).delete(),
    "after own entry is deleted, recreate it": lambda a: a.ref(_mine_entry(a)).set(entry()),
    "after own entry is deleted, mark it read": lambda a: a.ref(
        paths.inbox_read(a.uid, UNREAD)
    ).set(True),
    # the functions' index
    "read c1's notification index": lambda a: a.ref(paths.inbox_by_post("c1")).get(),
    "add oneself to the notification index of q1": lambda a: a.ref(
        paths.child(paths.inbox_by_post("c1", Q1, notices.nid(notices.ANSWER, NEW)), a.uid)
    ).set(True),
    "delete q1's notification index": lambda a: a.ref(paths.inbox_by_post("c1", Q1)).delete(),
}


def _without_own(build) -> Setup:
    def setup(owner: db.Reference, actor: Actor) -> None:
        owner.update(_fixture())
        if actor.user.uid:
            owner.child(build(actor.uid)).delete()

    return setup


SETUP: dict[str, Setup] = dict.fromkeys(OPS, _world())
SETUP["after own follow of q1 is removed, follow q1"] = _without_own(
    lambda uid: paths.follow("c1", Q1, uid)
)
SETUP["after learner's enrollment in c1 is removed, follow q2"] = _world(
    **{paths.enrollment("learner", "c1"): None}
)
SETUP["after q1 is deleted, follow it again"] = _world(
    **{
        paths.question("c1", Q1): None,
        **{paths.follow("c1", Q1, uid): None for uid in SIGNED_IN},
    }
)
for _row in ("after own entry is deleted, recreate it", "after own entry is deleted, mark it read"):
    SETUP[_row] = _without_own(lambda uid: paths.inbox_entry(uid, UNREAD))

test_every_operation_in_the_table_is_implemented, test_cell = matrix_tests(
    HERE / "matrix_notifications.md", OPS, SETUP
)
