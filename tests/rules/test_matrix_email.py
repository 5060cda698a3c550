"""The email rules matrix: every (operation, user) cell of matrix_email.md against the real
server, each from the attacker's side (what a browser or curl can send)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from firebase_admin import db
from forum_world import T0, USERS, Actor
from matrix_runner import Op, Setup, matrix_tests
from matrix_runner import rest as _rest

from app.model import email, paths

HERE = Path(__file__).parent
SUPPRESSED = {"suppressed": {"address": "l\u2026@\u2026", "reason": "bounced", "at": T0}}
ADDRESS_KEY = "0" * 64  # a suppression-list key (the functions key addresses by SHA-256)


def _own(a: Actor, kind: str = email.REPLIES) -> str:
    return paths.email_setting(a.uid, kind)


def _set(path_of: Any, value: Any) -> Op:
    return lambda a: a.ref(path_of(a)).set(value)


def _world(owner: db.Reference, actor: Actor) -> None:
    """The fixture's email data, as the functions and the users' own pages wrote it."""
    values: dict[str, Any] = {
        paths.email_setting("learner", email.REPLIES): email.INSTANT,
        paths.email_status("learner"): SUPPRESSED,
        paths.mail_sent("learner", "k1"): {"kind": email.REPLIES, "subject": "Hi", "at": T0},
        paths.mail_rate("learner"): {"windowStart": T0, "count": 1},
        paths.mail_digest("learner"): {"lastAt": T0},
        paths.mail_suppressed(ADDRESS_KEY): {"reason": "bounced", "at": T0},
    }
    for user in USERS:
        if user.uid:
            values[paths.email_setting(user.uid, email.ACTIVITY)] = email.DIGEST
    owner.update(values)


ALL_VALID = {email.REPLIES: email.OFF, email.ACTIVITY: email.INSTANT,
             email.QUESTIONS: email.DIGEST, email.RECEIPTS: email.OFF}  # fmt: skip


def _delete_then_set(a: Actor) -> None:
    a.ref(paths.email_settings("learner")).delete()
    a.ref(paths.email_setting("learner", email.REPLIES)).set(email.DIGEST)


OPS: dict[str, Op] = {
    "read learner's email settings": lambda a: a.ref(paths.email_settings("learner")).get(),
    "read own email settings": lambda a: a.ref(paths.email_settings(a.uid)).get(),
    "set own replies to off": _set(_own, email.OFF),
    "set own receipts to instant": _set(lambda a: _own(a, email.RECEIPTS), email.INSTANT),
    "set own whole settings node, one valid choice per kind": _set(
        lambda a: paths.email_settings(a.uid), ALL_VALID
    ),
    "set learner's replies to off": _set(
        lambda a: paths.email_setting("learner", email.REPLIES), email.OFF
    ),
    "set own receipts to digest (not offered)": _set(
        lambda a: _own(a, email.RECEIPTS), email.DIGEST
    ),
    "set own replies to a value no kind offers": _set(_own, "weekly"),
    "set own replies to a number": _set(_own, 1),
    "set own replies to a nested value": _set(_own, {"instant": True}),
    "set an unknown kind in own settings": _set(lambda a: _own(a, "marketing"), email.INSTANT),
    "set own whole settings node with a decoy unknown kind": _set(
        lambda a: paths.email_settings(a.uid), {**ALL_VALID, "marketing": email.INSTANT}
    ),
    "set own whole email settings node to a bare string": _set(
        lambda a: paths.email_settings(a.uid), email.INSTANT
    ),
    "set own whole email settings node to a number": _set(lambda a: paths.email_settings(a.uid), 5),
    "delete own activity choice": lambda a: a.ref(_own(a, email.ACTIVITY)).delete(),
    "delete own whole settings node": lambda a: a.ref(paths.email_settings(a.uid)).delete(),
    "delete learner's settings, then set learner's replies to digest": _delete_then_set,
    "multi-path: own replies and learner's replies in one update": lambda a: a.update(
        {_own(a): email.OFF, paths.email_setting("learner", email.REPLIES): email.OFF}
    ),
    "set a .priority on own replies (raw REST)": lambda a: _rest(
        a, "PUT", _own(a), {".value": email.OFF, ".priority": 1}
    ),
    "read learner's email status": lambda a: a.ref(paths.email_status("learner")).get(),
    "clear learner's email status": lambda a: a.ref(paths.email_status("learner")).delete(),
    "write a suppression into other learner's email status": _set(
        lambda a: paths.email_status("other"), SUPPRESSED
    ),
    "write an empty suppression into own email status": _set(
        lambda a: paths.email_status(a.uid), {"suppressed": {"reason": "none"}}
    ),
    "multi-path: own replies to instant and clear learner's email status": lambda a: a.update(
        {_own(a): email.INSTANT, paths.email_status("learner"): None}
    ),
    "read mail/": lambda a: a.ref(paths.mail()).get(),
    "read learner's sent mail log": lambda a: a.ref(paths.mail_sent("learner")).get(),
    "reset learner's mail rate window": lambda a: a.ref(paths.mail_rate("learner")).delete(),
    "remove an address from the suppression list": lambda a: a.ref(
        paths.mail_suppressed(ADDRESS_KEY)
    ).delete(),
    "move learner's digest cursor": _set(lambda a: paths.mail_digest("learner"), {"lastAt": 0}),
}
SETUP: dict[str, Setup] = dict.fromkeys(OPS, _world)

test_every_operation_in_the_table_is_implemented, test_cell = matrix_tests(
    HERE / "matrix_email.md", OPS, SETUP
)
