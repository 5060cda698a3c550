"""The rules matrix: every (operation, user) cell of matrix.md against the real server.

Each cell starts from the same fixture data (tests/rules/forum_world.py), runs the row's
earlier steps if it has any, then acts as that user and compares allowed / denied with the
table. Every operation is the attacker's own request: what a browser or curl can send.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from firebase_admin import db
from forum_world import (
    A1,
    A2,
    CM1,
    CM2,
    INC,
    NEW,
    NEW2,
    NOW,
    Q1,
    Q2,
    Actor,
    fixture_data,
    push_id,
)
from matrix_runner import Op, Setup, matrix_tests
from matrix_runner import rest as _rest

from rules.nimbus_rules import name_key

HERE = Path(__file__).parent
NEW_Q = f"forum/c1/questions/{NEW}"


def _rename(a: Actor, name: str, release: bool = True, claim: bool = True) -> None:
    values: dict[str, Any] = {f"profiles/{a.uid}/displayName": name}
    if claim:
        values[f"displayNames/{name_key(name)}"] = a.uid
    if release and a.user.name and name_key(a.user.name) != name_key(name):
        values[f"displayNames/{name_key(a.user.name)}"] = None
    a.update(values)


def _someone_elses_name(a: Actor) -> str:
    return "Otto Other" if a.uid == "learner" else "Lena Learner"


def _answer_path(qid: str, aid: str) -> str:
    return f"forum/c1/answers/{qid}/{aid}"


def _comment_path(qid: str, post: str, cmid: str = NEW) -> str:
    return f"forum/c1/comments/{qid}/{post}/{cmid}"


def _comment(a: Actor, thread: str, post: str, **fields: Any) -> None:
    a.create(_comment_path(thread, post), a.post(**fields))


def _flag(a: Actor, post: str, flag: str, value: bool) -> None:
    """Set or clear a staff flag as the app does: with its audit entry (issue 15)."""
    a.audited({f"{post}/{flag}": True if value else None}, flag, post, value)


def _delete(a: Actor, post: str, author: str, **also: Any) -> None:
    """Delete a post as the app does: staff deleting another's post add the audit entry."""
    values = {post: None, **also}
    if a.uid == author:
        a.update(values)
    else:
        a.audited(values, "delete", post)


OPS: dict[str, Op] = {
    "read the catalog": lambda a: a.ref("courses").get(),
    "create a course": lambda a: a.ref("courses/c9").set({"title": "New", "order": 9}),
    "create a course under a key with a quote": lambda a: a.ref('courses/c"9').set(
        {"title": "New", "order": 9}
    ),
    "update a course": lambda a: a.ref("courses/c1").update({"title": "Renamed"}),
    "delete a course": lambda a: a.ref("courses/c2").delete(),
    "read lessons": lambda a: a.ref("lessons/c1").get(),
    "update a lesson": lambda a: a.ref("lessons/c1/l1").update({"title": "New"}),
    "read a profile": lambda a: a.ref("profiles/learner").get(),
    "read who holds a display name": lambda a: a.ref("displayNames/ivan instructor").get(),
    "list every display name": lambda a: a.ref("displayNames").get(),
    "create own profile, claiming its name": lambda a: a.update(
        {f"profiles/{a.uid}": {"displayName": "Newcomer"}, "displayNames/newcomer": a.uid}
    ),
    "create own profile without claiming its name": lambda a: a.ref(f"profiles/{a.uid}").set(
        {"displayName": "Newcomer"}
    ),
    "rename own profile, releasing the old name": lambda a: _rename(a, "Fresh Name"),
    "rename own profile, keeping the old name's entry": lambda a: _rename(
        a, "Fresh Name", release=False
    ),
    "rename own profile, changing only the letter case": lambda a: _rename(
        a, (a.user.name or "x").upper()
    ),
    "take a name another user holds, in other letter case": lambda a: _rename(
        a, _someone_elses_name(a).upper()
    ),
    "take the instructor's name with a zero-width space in it": lambda a: _rename(
        a, "Ivan\u200b Instructor"
    ),
    "claim a name with a bidi override": lambda a: _rename(a, "Ivan \u202eInstructor"),
    "claim a name with a non-breaking space": lambda a: _rename(a, "Ivan\u00a0Instructor"),
    "claim a name with a leading space": lambda a: _rename(a, " Ivan Instructor"),
    "claim a name with a double space": lambda a: _rename(a, "Ivan  Instructor"),
    "claim a name with a control character": lambda a: a.update(
        {
            f"profiles/{a.uid}/displayName": "Ivan\x07 Instructor",
            "displayNames/ivan instructor": a.uid,
        }
    ),  # a key cannot hold the control character, so the entry claims the name without it
    "claim a name with accents and another script": lambda a: _rename(
        a, f"José Ñoño Ζήνων {a.uid}"
    ),
    "release another user's name entry": lambda a: a.ref(
        f"displayNames/{name_key(_someone_elses_name(a))}"
    ).delete(),
    "release own name entry while the profile uses it": lambda a: a.ref(
        f"displayNames/{name_key(a.user.name or 'nobody')}"
    ).delete(),
    "rename learner's profile (with its name entries)": lambda a: a.update(
        {
            "profiles/learner/displayName": "Lena Renamed",
            "displayNames/lena renamed": a.uid,
            "displayNames/lena learner": None,
        }
    ),
    "delete learner's profile, releasing its name": lambda a: a.update(
        {"profiles/learner": None, "displayNames/lena learner": None}
    ),
    "delete own profile, keeping its name entry": lambda a: a.ref(f"profiles/{a.uid}").delete(),
    "give own profile a .priority": lambda a: _rest(
        a, "PATCH", f"profiles/{a.uid}", {"displayName": {".value": a.user.name, ".priority": 9}}
    ),
    "read learner's enrollments": lambda a: a.ref("enrollments/learner").get(),
    "enroll self in c2": lambda a: a.ref(f"enrollments/{a.uid}/c2").set(True),
    "enroll learner in c2": lambda a: a.ref("enrollments/learner/c2").set(True),
    "remove learner's enrollment in c1": lambda a: a.ref("enrollments/learner/c1").delete(),
    "read own orders": lambda a: a.ref(f"orders/{a.uid}").get(),
    "read own pending order": lambda a: a.ref(f"orders/{a.uid}/{PENDING}").get(),
    "read learner's orders": lambda a: a.ref("orders/learner").get(),
    "read the status of learner's paid order": lambda a: a.ref(
        f"orders/learner/{PAID}/status"
    ).get(),
    "list every order": lambda a: a.ref("orders").get(),
    "create an order for oneself": lambda a: a.ref(f"orders/{a.uid}/{FRESH}").set(
        _order("c2", "pending")
    ),
    "create an order for learner": lambda a: a.ref(f"orders/learner/{FRESH}").set(
        _order("c2", "pending")
    ),
    "mark own pending order paid": lambda a: a.ref(f"orders/{a.uid}/{PENDING}/status").set("paid"),
    "mark own pending order paid and enroll in c2 in one update": lambda a: a.update(
        {f"orders/{a.uid}/{PENDING}/status": "paid", f"enrollments/{a.uid}/c2": True}
    ),
    "give own pending order a receipt": lambda a: a.ref(f"orders/{a.uid}/{PENDING}/receipt").set(
        {"orderId": PENDING, "courseId": "c2", "amount": 2900, "currency": "usd", "paidAt": "now"}
    ),
    "delete own pending order": lambda a: a.ref(f"orders/{a.uid}/{PENDING}").delete(),
    "delete learner's paid order": lambda a: a.ref(f"orders/learner/{PAID}").delete(),
    "recreate learner's order as paid after its deletion": lambda a: a.ref(
        f"orders/learner/{PAID}"
    ).set(_order("c1", "paid")),
    "refund learner's order and remove its enrollment in one update": lambda a: a.update(
        {f"orders/learner/{PAID}/status": "refunded", "enrollments/learner/c1": None}
    ),
    "read the payments bookkeeping": lambda a: a.ref("payments").get(),
    "read which order a payment intent pays": lambda a: a.ref("payments/intents/pi_learner").get(),
    "claim a payment intent for one's own order": lambda a: a.ref(
        "payments/intents/pi_learner"
    ).set({"uid": a.uid, "orderId": PENDING}),
    "mark a Stripe event as already seen": lambda a: a.ref("payments/events/evt_next").set(
        {"uid": a.uid, "orderId": PENDING, "status": "failed", "changed": False, "at": "now"}
    ),
    "query the orders list for learner's orders": lambda a: (
        a.ref("orders").order_by_key().equal_to("learner").get()
    ),
    "replace own enrollments, adding c2": lambda a: a.ref(f"enrollments/{a.uid}").set(
        {"c1": True, "c2": True}
    ),
    "enroll self in c2 through the enrollments node": lambda a: a.ref("enrollments").update(
        {f"{a.uid}/c2": True}
    ),
    "pay own pending order and enroll in c2 in one write at the root": lambda a: a.ref("/").update(
        {
            f"orders/{a.uid}/{PENDING}": _order("c2", "paid"),
            f"enrollments/{a.uid}": {"c2": True},
        }
    ),
    "read own rate-limit window": lambda a: a.ref(f"rateLimits/{a.uid}").get(),
    "read learner's rate-limit window": lambda a: a.ref("rateLimits/learner").get(),
    "read the c1 forum": lambda a: a.ref("forum/c1").get(),
    "read c1 votes": lambda a: a.ref("votes/c1").get(),
    "create a question": lambda a: a.create(NEW_Q, a.question()),
    "create a question as someone else": lambda a: a.create(
        NEW_Q, a.question(uid="learner" if a.uid != "learner" else "other")
    ),
    "create a question with a forged name": lambda a: a.create(
        NEW_Q, a.question(authorName="Ada Admin" if a.uid != "admin" else "Lena Learner")
    ),
    "create a question with a forged timestamp": lambda a: a.create(NEW_Q, a.question(createdAt=1)),
    "create a question with a starting score": lambda a: a.create(NEW_Q, a.question(score=10)),
    "create a question with an extra field": lambda a: a.create(NEW_Q, a.question(isAdmin=True)),
    "create a question with an oversized body": lambda a: a.create(
        NEW_Q, a.question(body="x" * 10001)
    ),
    "create a question on a missing lesson": lambda a: a.create(NEW_Q, a.question(lessonId="l9")),
    "create a question on an empty lessonId": lambda a: a.create(NEW_Q, a.question(lessonId="")),
    "create a question whose lessonId is a path": lambda a: a.create(
        NEW_Q, a.question(lessonId="l1/title")
    ),
    "create a question pinned to a second": lambda a: a.create(NEW_Q, a.question(videoSecond=42.5)),
    "create a question under a key with a quote": lambda a: a.create(
        'forum/c1/questions/-Nimbus"quote000000', a.question()
    ),
    "create a question under a 700-character key": lambda a: a.create(
        "forum/c1/questions/" + "k" * 700, a.question()
    ),
    "create a question with a .priority": lambda a: a.create(
        NEW_Q, {**a.question(), ".priority": "x" * 1000}
    ),
    "create a question whose title has a .priority": lambda a: a.create(
        NEW_Q, a.question(title={".value": "How?", ".priority": 1})
    ),
    "set q1's .priority over REST": lambda a: _rest(
        a, "PUT", f"forum/c1/questions/{Q1}/.priority", 5
    ),
    "set q1's body's .priority over REST": lambda a: _rest(
        a, "PUT", f"forum/c1/questions/{Q1}/body/.priority", 5
    ),
    "create a question without a rate-limit tick": lambda a: a.ref(NEW_Q).set(a.question()),
    "create two questions with one rate-limit tick": lambda a: a.create(
        NEW_Q, a.question(), **{f"forum/c1/questions/{NEW2}": a.question()}
    ),
    "create a question and an answer with one rate-limit tick": lambda a: a.create(
        NEW_Q, a.question(), **{_answer_path(Q1, NEW2): a.post(score=0)}
    ),
    "create a question with a tick naming another post": lambda a: a.update(
        {NEW_Q: a.question(), f"rateLimits/{a.uid}": a.stamp(f"forum/c1/questions/{NEW2}")}
    ),
    "post an 11th time within a minute": lambda a: a.update(
        {NEW_Q: a.question(), f"rateLimits/{a.uid}": a.stamp(NEW_Q, 11, _window_start(a))}
    ),
    "post a 10th time within a minute": lambda a: a.update(
        {NEW_Q: a.question(), f"rateLimits/{a.uid}": a.stamp(NEW_Q, 10, _window_start(a))}
    ),
    "post within the minute, ticking only count and post": lambda a: a.update(
        {NEW_Q: a.question(), f"rateLimits/{a.uid}/count": 4, f"rateLimits/{a.uid}/post": NEW_Q}
    ),  # as the app sends it: windowStart stays as stored
    "post again once the minute has passed": lambda a: a.create(NEW_Q, a.question()),
    "start a new window before the minute has passed": lambda a: a.create(NEW_Q, a.question()),
    "delete own rate-limit window": lambda a: a.ref(f"rateLimits/{a.uid}").delete(),
    "rewind own rate-limit window": lambda a: a.ref(f"rateLimits/{a.uid}").update(
        {"windowStart": 0, "count": 1}
    ),
    "create a question with the instructor badge": lambda a: a.create(
        NEW_Q, a.question(authorRole="instructor")
    ),
    "create a question with the admin badge": lambda a: a.create(
        NEW_Q, a.question(authorRole="admin")
    ),
    "add a staff badge to one's own question afterwards": lambda a: a.ref(
        NEW_Q + "/authorRole"
    ).set("admin" if a.user.admin else "instructor"),
    "edit q1": lambda a: a.ref(f"forum/c1/questions/{Q1}").update(
        {"title": "Why not?", "editedAt": NOW}
    ),
    "delete q1": lambda a: _delete(a, f"forum/c1/questions/{Q1}", "learner"),
    "recreate q1 after its deletion (its answers remain)": lambda a: a.create(
        f"forum/c1/questions/{Q1}", a.question()
    ),
    "recreate q1 after its deletion (only its comments remain)": lambda a: a.create(
        f"forum/c1/questions/{Q1}", a.question()
    ),
    "recreate q1 after its deletion (only its votes remain)": lambda a: a.create(
        f"forum/c1/questions/{Q1}", a.question()
    ),
    "recreate locked q2 after its deletion, without the lock": lambda a: a.create(
        f"forum/c1/questions/{Q2}", a.question()
    ),
    "recreate a deleted question while its follows survive": lambda a: a.create(
        f"forum/c1/questions/{Q1}", a.question()
    ),
    "recreate q1 after its deletion (only its Gurubot feedback remains)": lambda a: a.create(
        f"forum/c1/questions/{Q1}", a.question()
    ),
    "recreate q1 after its deletion (only Gurubot's once-per-question record remains)": (
        lambda a: a.create(f"forum/c1/questions/{Q1}", a.question())
    ),
    "recreate q1 once its answers, comments and votes are gone": lambda a: a.create(
        f"forum/c1/questions/{Q1}", a.question()
    ),
    "upvote q1": lambda a: a.vote(Q1, Q1, 1, 1),
    "downvote q1": lambda a: a.vote(Q1, Q1, -1, -1),
    "change own vote on q1 from +1 to -1": lambda a: a.vote(Q1, Q1, -1, -2),
    "withdraw own vote on q1": lambda a: a.vote(Q1, Q1, None, -1),
    "vote on q1 twice": lambda a: a.vote(Q1, Q1, 1, 1),
    "vote +2 on q1": lambda a: a.vote(Q1, Q1, 2, 2),
    "vote without moving the score": lambda a: a.ref(f"votes/c1/{Q1}/{Q1}/{a.uid}").set(-1),
    "move the score without voting": lambda a: a.ref(f"forum/c1/questions/{Q1}/score").set(INC(1)),
    "change other learner's vote (their own, in their column)": lambda a: a.vote(
        Q1, Q1, -1, -2, voter="other"
    ),
    "vote with a .priority": lambda a: a.update(
        {
            f"votes/c1/{Q1}/{Q1}/{a.uid}": {".value": 1, ".priority": 1},
            f"forum/c1/questions/{Q1}/score": INC(1),
        }
    ),
    "clear the votes of q1 (still there)": lambda a: a.ref(f"votes/c1/{Q1}/{Q1}").delete(),
    "clear the votes of q1 after its deletion": lambda a: a.ref(f"votes/c1/{Q1}/{Q1}").delete(),
    "answer q1": lambda a: a.create(_answer_path(Q1, NEW), a.post(score=0)),
    "answer q1 under q1's own key": lambda a: a.create(_answer_path(Q1, Q1), a.post(score=0)),
    "answer q1 under a key that is not a push ID": lambda a: a.create(
        _answer_path(Q1, "a9"), a.post(score=0)
    ),
    "answer a locked question": lambda a: a.create(_answer_path(Q2, NEW), a.post(score=0)),
    "answer a deleted question": lambda a: a.create(_answer_path(NEW2, NEW), a.post(score=0)),
    "edit a1": lambda a: a.ref(_answer_path(Q1, A1)).update({"body": "Edited.", "editedAt": NOW}),
    "delete a1": lambda a: _delete(a, _answer_path(Q1, A1), "other"),
    "delete a1 while q1 accepts it": lambda a: _delete(a, _answer_path(Q1, A1), "other"),
    "delete a1, clearing q1's acceptedAnswerId in the same update": lambda a: _delete(
        a, _answer_path(Q1, A1), "other", **{f"forum/c1/questions/{Q1}/acceptedAnswerId": None}
    ),
    "recreate a1 after its deletion (its votes remain)": lambda a: a.create(
        _answer_path(Q1, A1), a.post(score=0)
    ),
    "recreate a1 after its deletion (its comments remain)": lambda a: a.create(
        _answer_path(Q1, A1), a.post(score=0)
    ),
    "recreate a1 once its votes and comments are gone": lambda a: a.create(
        _answer_path(Q1, A1), a.post(score=0)
    ),
    "upvote a1": lambda a: a.vote(Q1, A1, 1, 1),
    "accept a1 on q1": lambda a: a.ref(f"forum/c1/questions/{Q1}/acceptedAnswerId").set(A1),
    "accept a missing answer": lambda a: a.ref(f"forum/c1/questions/{Q1}/acceptedAnswerId").set(
        push_id("Gone")
    ),
    "accept an empty answer id": lambda a: a.ref(f"forum/c1/questions/{Q1}/acceptedAnswerId").set(
        ""
    ),
    "accept a path into a1": lambda a: a.ref(f"forum/c1/questions/{Q1}/acceptedAnswerId").set(
        f"{A1}/body"
    ),
    "accept another question's answer": lambda a: a.ref(
        f"forum/c1/questions/{Q1}/acceptedAnswerId"
    ).set(A2),
    "clear q1's acceptedAnswerId while a1 exists": lambda a: a.ref(
        f"forum/c1/questions/{Q1}/acceptedAnswerId"
    ).delete(),
    "clear an acceptedAnswerId that names a deleted answer": lambda a: a.ref(
        f"forum/c1/questions/{Q1}/acceptedAnswerId"
    ).delete(),
    "endorse a1": lambda a: _flag(a, _answer_path(Q1, A1), "endorsed", True),
    "pin q1": lambda a: _flag(a, f"forum/c1/questions/{Q1}", "pinned", True),
    "lock q1": lambda a: _flag(a, f"forum/c1/questions/{Q1}", "locked", True),
    "unlock q1 (locked; learner is its author)": lambda a: _flag(
        a, f"forum/c1/questions/{Q1}", "locked", False
    ),  # as the UI clears a flag: by deleting it
    "hide q1": lambda a: _flag(a, f"forum/c1/questions/{Q1}", "hidden", True),
    "hide a1": lambda a: _flag(a, _answer_path(Q1, A1), "hidden", True),
    "unhide a1 (hidden; other learner is its author)": lambda a: _flag(
        a, _answer_path(Q1, A1), "hidden", False
    ),
    "comment on q1": lambda a: _comment(a, Q1, Q1),
    "comment on a1": lambda a: _comment(a, Q1, A1),
    "comment on q1 with a qid field": lambda a: _comment(a, Q1, Q1, qid=Q1),
    "comment under a key that is not a push ID": lambda a: a.create(
        _comment_path(Q1, Q1, "cm9"), a.post()
    ),
    "edit learner's comment on q1": lambda a: a.ref(_comment_path(Q1, Q1, CM1)).update(
        {"body": "Edited."}
    ),
    "comment on a locked question": lambda a: _comment(a, Q2, Q2),
    "comment on an answer of a locked question": lambda a: _comment(a, Q2, A2),
    "comment on a2 (of locked q2) filed under open q1": lambda a: _comment(a, Q1, A2),
    "comment on a1 filed under locked q2": lambda a: _comment(a, Q2, A1),
    "comment on a question that does not exist": lambda a: _comment(a, NEW2, NEW2),
    "edit learner's comment on a locked question": lambda a: a.ref(
        _comment_path(Q2, Q2, CM2)
    ).update({"body": "Edited."}),
}

# Orders as the payment functions write them (keys of create_payment_intent's shape).
PAID, PENDING, FRESH = ("o" + c * 20 for c in "abc")


def _order(cid: str, status: str) -> dict[str, Any]:
    at = "2026-12-01T10:00:00.000Z"
    order = {"courseId": cid, "courseTitle": cid, "amount": 2900, "currency": "usd"}
    order.update(status=status, createdAt=at, updatedAt=at, intentId=f"pi_{cid}_{status}")
    if status == "paid":
        order["receipt"] = {"orderId": PAID, "courseId": cid, "courseTitle": cid}
        order["receipt"].update(amount=2900, currency="usd", paidAt=at)
    return order


def _payments(owner: db.Reference, actor: Actor) -> None:
    """Setup: learner and other each paid for c1; the actor has a pending order for c2."""
    owner.update(
        {
            f"orders/learner/{PAID}": _order("c1", "paid"),
            f"orders/other/{PAID}": _order("c1", "paid"),
            "payments/intents/pi_learner": {"uid": "learner", "orderId": PAID},
            "payments/events/evt_paid": {"uid": "learner", "orderId": PAID, "status": "paid"},
        }
    )
    owner.child(f"orders/{actor.uid}/{PENDING}").set(_order("c2", "pending"))


def _payments_then(values: dict[str, Any]) -> Setup:
    def setup(owner: db.Reference, actor: Actor) -> None:
        _payments(owner, actor)
        owner.update(values)

    return setup


_WINDOW_STARTS: dict[str, int] = {}


def _window_start(a: Actor) -> int:
    return _WINDOW_STARTS[a.uid]


def _window(count: int, age_ms: int) -> Setup:
    """Setup: the actor has posted ``count`` times in a window that began ``age_ms`` ago."""

    def setup(owner: db.Reference, actor: Actor) -> None:
        start = int(time.time() * 1000) - age_ms
        _WINDOW_STARTS[actor.uid] = start
        owner.child(f"rateLimits/{actor.uid}").set(
            {"windowStart": start, "count": count, "post": "forum/c1/questions/" + Q1}
        )

    return setup


def _voted_once(owner: db.Reference, actor: Actor) -> None:
    """Setup: the actor's first upvote on q1 is already in (as the fixture has for other)."""
    if actor.uid != "other":
        owner.update({f"votes/c1/{Q1}/{Q1}/{actor.uid}": 1, f"forum/c1/questions/{Q1}/score": 2})


def _owner_sets(values: dict[str, Any]) -> Setup:
    """Setup: these paths already hold these values (None: deleted)."""
    return lambda owner, actor: owner.update(values)


def _no_profile(owner: db.Reference, actor: Actor) -> None:
    if actor.user.uid:
        owner.update(
            {f"profiles/{actor.uid}": None, f"displayNames/{name_key(actor.user.name)}": None}
        )


def _own_question(owner: db.Reference, actor: Actor) -> None:
    """Setup: the actor asked NEW earlier (no badge)."""
    owner.child(NEW_Q).set({**actor.question(), "createdAt": 1, "authorName": actor.user.name})


_Q1_GONE = {f"forum/c1/questions/{Q1}": None}
_Q1_THREAD_GONE = {
    f"forum/c1/questions/{Q1}": None,
    f"forum/c1/answers/{Q1}": None,
    f"forum/c1/comments/{Q1}": None,
    f"votes/c1/{Q1}": None,
}
_A1_GONE = {_answer_path(Q1, A1): None}
PAYMENT_ROWS = [
    "read own orders",
    "read own pending order",
    "read learner's orders",
    "read the status of learner's paid order",
    "list every order",
    "create an order for oneself",
    "create an order for learner",
    "mark own pending order paid",
    "mark own pending order paid and enroll in c2 in one update",
    "give own pending order a receipt",
    "delete own pending order",
    "delete learner's paid order",
    "refund learner's order and remove its enrollment in one update",
    "read the payments bookkeeping",
    "read which order a payment intent pays",
    "claim a payment intent for one's own order",
    "mark a Stripe event as already seen",
    "query the orders list for learner's orders",
    "pay own pending order and enroll in c2 in one write at the root",
]
SETUP: dict[str, Setup] = {
    **dict.fromkeys(PAYMENT_ROWS, _payments),
    "recreate learner's order as paid after its deletion": _payments_then(
        {f"orders/learner/{PAID}": None}
    ),
    "create own profile, claiming its name": _no_profile,
    "create own profile without claiming its name": _no_profile,
    "post an 11th time within a minute": _window(10, 1_000),
    "post a 10th time within a minute": _window(9, 1_000),
    "post again once the minute has passed": _window(10, 61_000),
    "post within the minute, ticking only count and post": _window(3, 30_000),
    "start a new window before the minute has passed": _window(3, 30_000),
    "delete own rate-limit window": _window(3, 1_000),
    "rewind own rate-limit window": _window(10, 1_000),
    "add a staff badge to one's own question afterwards": _own_question,
    "vote on q1 twice": _voted_once,
    "unlock q1 (locked; learner is its author)": _owner_sets(
        {f"forum/c1/questions/{Q1}/locked": True}
    ),
    "unhide a1 (hidden; other learner is its author)": _owner_sets(
        {_answer_path(Q1, A1) + "/hidden": True}
    ),
    "recreate q1 after its deletion (its answers remain)": _owner_sets(_Q1_GONE),
    "recreate q1 after its deletion (only its comments remain)": _owner_sets(
        {
            **_Q1_THREAD_GONE,
            f"forum/c1/comments/{Q1}": fixture_data()["forum"]["c1"]["comments"][Q1],
        }
    ),
    "recreate q1 after its deletion (only its votes remain)": _owner_sets(
        {**_Q1_THREAD_GONE, f"votes/c1/{Q1}": {Q1: {"other": 1}}}
    ),
    "recreate locked q2 after its deletion, without the lock": _owner_sets(
        {f"forum/c1/questions/{Q2}": None}
    ),
    "recreate a deleted question while its follows survive": _owner_sets(
        {**_Q1_THREAD_GONE, f"follows/c1/{Q1}/learner": True}
    ),
    "recreate q1 after its deletion (only its Gurubot feedback remains)": _owner_sets(
        {
            **_Q1_THREAD_GONE,
            f"gurubotFeedback/c1/{Q1}": {
                "uid": "learner",
                "answerId": A1,
                "helpful": True,
                "at": 1,
            },
        }
    ),
    "recreate q1 after its deletion (only Gurubot's once-per-question record remains)": (
        _owner_sets({**_Q1_THREAD_GONE, f"gurubot/c1/{Q1}": {"posted": True}})
    ),
    "recreate q1 once its answers, comments and votes are gone": _owner_sets(_Q1_THREAD_GONE),
    "clear the votes of q1 after its deletion": _owner_sets(_Q1_GONE),
    "delete a1 while q1 accepts it": _owner_sets({f"forum/c1/questions/{Q1}/acceptedAnswerId": A1}),
    "delete a1, clearing q1's acceptedAnswerId in the same update": _owner_sets(
        {f"forum/c1/questions/{Q1}/acceptedAnswerId": A1}
    ),
    "recreate a1 after its deletion (its votes remain)": _owner_sets(
        {**_A1_GONE, f"votes/c1/{Q1}/{A1}/learner": 1}
    ),
    "recreate a1 after its deletion (its comments remain)": _owner_sets(
        {
            **_A1_GONE,
            _comment_path(Q1, A1, CM1): fixture_data()["forum"]["c1"]["comments"][Q1][Q1][CM1],
        }
    ),
    "recreate a1 once its votes and comments are gone": _owner_sets(_A1_GONE),
    "clear q1's acceptedAnswerId while a1 exists": _owner_sets(
        {f"forum/c1/questions/{Q1}/acceptedAnswerId": A1}
    ),
    "clear an acceptedAnswerId that names a deleted answer": _owner_sets(
        {f"forum/c1/questions/{Q1}/acceptedAnswerId": push_id("Gone")}
    ),
}


# The search index as the search functions write it (firebase-admin; issue 13).
_INDEX = {
    f"search/c1/terms/lambda/{Q1}": 1.5,
    f"search/c1/prefix/lam/{Q1}": 1.5,
    f"search/c1/docs/{Q1}/{Q1}": {"t": {"lambda": 1.5}, "p": {"lam": 1.5}},
    f"search/c2/terms/rules/{NEW}": 1.0,
    f"searchHidden/c1/terms/secret/{Q1}~{A1}": 1.0,
    f"searchHidden/c1/docs/{Q1}/{A1}": {"t": {"secret": 1.0}, "u": "other"},
    f"searchOwnHidden/c1/other/terms/secret/{Q1}~{A1}": 1.0,
    f"searchHidden/c2/terms/rules/{NEW}": 1.0,
}


def _indexed(owner: db.Reference, actor: Actor) -> None:
    owner.update(_INDEX)


SEARCH_OPS: dict[str, Op] = {
    "read c1's search index": lambda a: a.ref("search/c1").get(),
    "read a term's postings in c1's index": lambda a: a.ref("search/c1/terms/lambda").get(),
    "read c2's search index": lambda a: a.ref("search/c2").get(),
    "read c1's search index after learner's enrollment is removed": lambda a: a.ref(
        "search/c1"
    ).get(),
    "read every course's search index at once": lambda a: a.ref("search").get(),
    "add a posting to c1's index": lambda a: a.ref(f"search/c1/terms/lambda/{NEW}").set(9),
    "raise q1's weight in c1's index": lambda a: a.ref(f"search/c1/terms/lambda/{Q1}").set(99),
    "delete a posting from c1's index": lambda a: a.ref(f"search/c1/terms/lambda/{Q1}").delete(),
    "rewrite q1's doc in c1's index": lambda a: a.ref(f"search/c1/docs/{Q1}/{Q1}").set(
        {"t": {"free": 9}}
    ),
    "delete c1's search index": lambda a: a.ref("search/c1").delete(),
    "ask a question and index it in the same update": lambda a: a.create(
        NEW_Q, a.question(), **{f"search/c1/terms/how/{NEW}": 9}
    ),
    "read c1's hidden posts' index": lambda a: a.ref("searchHidden/c1").get(),
    "read c2's hidden posts' index": lambda a: a.ref("searchHidden/c2").get(),
    "read every course's hidden posts' index at once": lambda a: a.ref("searchHidden").get(),
    "read other learner's own hidden posts' index in c1": lambda a: a.ref(
        "searchOwnHidden/c1/other"
    ).get(),
    "read one's own hidden posts' index in c1": lambda a: a.ref(
        f"searchOwnHidden/c1/{a.uid}"
    ).get(),
    "read one's own hidden posts' index in c1 after learner's enrollment is removed": (
        lambda a: a.ref(f"searchOwnHidden/c1/{a.uid}").get()
    ),
    "add a posting to c1's hidden posts' index": lambda a: a.ref(
        f"searchHidden/c1/terms/secret/{NEW}"
    ).set(9),
    "add a posting to one's own hidden posts' index in c1": lambda a: a.ref(
        f"searchOwnHidden/c1/{a.uid}/terms/secret/{NEW}"
    ).set(9),
    "move a1's hidden posting into c1's public index": lambda a: a.update(
        {
            f"searchHidden/c1/terms/secret/{Q1}~{A1}": None,
            f"search/c1/terms/secret/{Q1}~{A1}": 1.0,
        }
    ),
}
OPS.update(SEARCH_OPS)
SETUP.update(dict.fromkeys(SEARCH_OPS, _indexed))
for _row in (
    "read c1's search index after learner's enrollment is removed",
    "read one's own hidden posts' index in c1 after learner's enrollment is removed",
):
    SETUP[_row] = _owner_sets({**_INDEX, "enrollments/learner/c1": None})


test_every_operation_in_the_table_is_implemented, test_cell = matrix_tests(
    HERE / "matrix.md", OPS, SETUP
)
