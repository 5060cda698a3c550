"""The rules matrix: every (operation, user) cell of matrix.md against the real server.

Each cell starts from the same fixture data, then acts through firebase-admin with
``databaseAuthVariableOverride`` set to that user's ``auth`` (Firebase evaluates such
requests under the rules exactly as it evaluates that user's own), and compares allowed /
denied with the table.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import firebase_admin
import pytest
from firebase_admin import db, exceptions

from rules import nimbus_rules

HERE = Path(__file__).parent
INC = lambda n: {".sv": {"increment": n}}  # noqa: E731 - the REST form of increment(n)
NOW = {".sv": "timestamp"}


@dataclass(frozen=True)
class User:
    column: str
    uid: str | None
    name: str = ""
    admin: bool = False

    @property
    def auth(self) -> dict[str, Any] | None:
        if self.uid is None:
            return None
        token = {"sub": self.uid, "user_id": self.uid, "name": self.name}
        if self.admin:
            token["admin"] = True
        return {"uid": self.uid, "provider": "password", "token": token}


USERS = [
    User("signed out", None),
    User("learner", "learner", "Lena Learner"),
    User("other learner", "other", "Otto Other"),
    User("instructor", "instructor", "Ivan Instructor"),
    User("other instructor", "instructor2", "Irma Instructor"),
    User("admin", "admin", "Ada Admin", admin=True),
]


def fixture_data() -> dict[str, Any]:
    profiles = {u.uid: {"displayName": u.name} for u in USERS if u.uid}
    t0 = 1_700_000_000_000
    return {
        "courses": {
            "c1": {"title": "Serverless", "order": 1, "instructorUid": "instructor"},
            "c2": {"title": "Forums", "order": 2, "instructorUid": "instructor2"},
        },
        "lessons": {"c1": {"l1": {"title": "Intro", "order": 1}}, "c2": {"l1": {"order": 1}}},
        "profiles": profiles,
        "enrollments": {"learner": {"c1": True}, "other": {"c1": True}},
        "forum": {
            "c1": {
                "questions": {
                    "q1": {
                        "uid": "learner",
                        "authorName": "Lena Learner",
                        "lessonId": "l1",
                        "title": "Why?",
                        "body": "Tell me.",
                        "createdAt": t0,
                        "score": 1,
                    },
                    "q2": {
                        "uid": "other",
                        "authorName": "Otto Other",
                        "lessonId": "l1",
                        "title": "Locked",
                        "body": "Closed.",
                        "createdAt": t0,
                        "score": 0,
                        "locked": True,
                    },
                },
                "answers": {
                    "q1": {
                        "a1": {
                            "uid": "other",
                            "authorName": "Otto Other",
                            "body": "Because.",
                            "createdAt": t0,
                            "score": 0,
                        }
                    },
                    "q2": {
                        "a2": {
                            "uid": "learner",
                            "authorName": "Lena Learner",
                            "body": "Before the lock.",
                            "createdAt": t0,
                            "score": 0,
                        }
                    },
                },
                "comments": {
                    "q1": {
                        "cm1": {
                            "uid": "learner",
                            "authorName": "Lena Learner",
                            "qid": "q1",
                            "body": "Anyone?",
                            "createdAt": t0,
                        }
                    },
                    "q2": {
                        "cm2": {
                            "uid": "learner",
                            "authorName": "Lena Learner",
                            "qid": "q2",
                            "body": "Too late?",
                            "createdAt": t0,
                        }
                    },
                },
            }
        },
        "votes": {"c1": {"q1": {"q1": {"other": 1}}}},
    }


class Actor:
    """One user's view of the database (through the admin SDK's auth override)."""

    def __init__(self, user: User, url: str, app: firebase_admin.App) -> None:
        self.user, self._url, self._app = user, url, app

    @property
    def uid(self) -> str:
        return self.user.uid or "anonymous"

    def ref(self, path: str) -> db.Reference:
        return db.reference(path, app=self._app, url=self._url)

    def question(self, **fields: Any) -> dict[str, Any]:
        q = {
            "uid": self.uid,
            "authorName": self.user.name or "Nobody",
            "lessonId": "l1",
            "title": "How?",
            "body": "Explain **this**.",
            "createdAt": NOW,
            "score": 0,
        }
        q.update(fields)
        return q

    def post(self, **fields: Any) -> dict[str, Any]:
        p = {
            "uid": self.uid,
            "authorName": self.user.name or "Nobody",
            "body": "Hi.",
            "createdAt": NOW,
        }
        p.update(fields)
        return p

    def vote(self, post: str, value: int | None, delta: int, voter: str | None = None) -> None:
        score = "questions/q1/score" if post == "q1" else f"answers/q1/{post}/score"
        self.ref("/").update(
            {
                f"votes/c1/q1/{post}/{voter or self.uid}": value,
                f"forum/c1/{score}": INC(delta),
            }
        )


Op = Callable[[Actor], Any]
OPS: dict[str, Op] = {
    "read the catalog": lambda a: a.ref("courses").get(),
    "create a course": lambda a: a.ref("courses/c9").set({"title": "New", "order": 9}),
    "update a course": lambda a: a.ref("courses/c1").update({"title": "Renamed"}),
    "delete a course": lambda a: a.ref("courses/c2").delete(),
    "read lessons": lambda a: a.ref("lessons/c1").get(),
    "update a lesson": lambda a: a.ref("lessons/c1/l1").update({"title": "New"}),
    "read a profile": lambda a: a.ref("profiles/learner").get(),
    "create own profile": lambda a: a.ref(f"profiles/{a.uid}").set({"displayName": "Me"}),
    "update learner's profile": lambda a: a.ref("profiles/learner").update({"displayName": "X"}),
    "delete learner's profile": lambda a: a.ref("profiles/learner").delete(),
    "read learner's enrollments": lambda a: a.ref("enrollments/learner").get(),
    "enroll self in c2": lambda a: a.ref(f"enrollments/{a.uid}/c2").set(True),
    "read the c1 forum": lambda a: a.ref("forum/c1").get(),
    "read c1 votes": lambda a: a.ref("votes/c1").get(),
    "create a question": lambda a: a.ref("forum/c1/questions/q9").set(a.question()),
    "create a question as someone else": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(uid="learner" if a.uid != "learner" else "other")
    ),
    "create a question with a forged name": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(authorName="Ada Admin" if a.uid != "admin" else "Lena Learner")
    ),
    "create a question with a forged timestamp": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(createdAt=1)
    ),
    "create a question with a starting score": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(score=10)
    ),
    "create a question with an extra field": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(isAdmin=True)
    ),
    "create a question with an oversized body": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(body="x" * 10001)
    ),
    "create a question on a missing lesson": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(lessonId="l9")
    ),
    "create a question pinned to a second": lambda a: a.ref("forum/c1/questions/q9").set(
        a.question(videoSecond=42.5)
    ),
    "edit q1": lambda a: a.ref("forum/c1/questions/q1").update(
        {"title": "Why not?", "editedAt": NOW}
    ),
    "delete q1": lambda a: a.ref("forum/c1/questions/q1").delete(),
    "upvote q1": lambda a: a.vote("q1", 1, 1),
    "downvote q1": lambda a: a.vote("q1", -1, -1),
    "change own vote on q1 from +1 to -1": lambda a: a.vote("q1", -1, -2),
    "withdraw own vote on q1": lambda a: a.vote("q1", None, -1),
    "vote on q1 twice": lambda a: a.vote("q1", 1, 1),
    "vote +2 on q1": lambda a: a.vote("q1", 2, 2),
    "vote without moving the score": lambda a: a.ref(f"votes/c1/q1/q1/{a.uid}").set(-1),
    "move the score without voting": lambda a: a.ref("forum/c1/questions/q1/score").set(INC(1)),
    "change other learner's vote (their own, in their column)": lambda a: a.vote(
        "q1", -1, -2, voter="other"
    ),
    "answer q1": lambda a: a.ref("forum/c1/answers/q1/a9").set(a.post(score=0)),
    "answer a locked question": lambda a: a.ref("forum/c1/answers/q2/a9").set(a.post(score=0)),
    "edit a1": lambda a: a.ref("forum/c1/answers/q1/a1").update(
        {"body": "Edited.", "editedAt": NOW}
    ),
    "delete a1": lambda a: a.ref("forum/c1/answers/q1/a1").delete(),
    "upvote a1": lambda a: a.vote("a1", 1, 1),
    "accept a1 on q1": lambda a: a.ref("forum/c1/questions/q1/acceptedAnswerId").set("a1"),
    "accept a missing answer": lambda a: a.ref("forum/c1/questions/q1/acceptedAnswerId").set(
        "a404"
    ),
    "endorse a1": lambda a: a.ref("forum/c1/answers/q1/a1/endorsed").set(True),
    "pin q1": lambda a: a.ref("forum/c1/questions/q1/pinned").set(True),
    "lock q1": lambda a: a.ref("forum/c1/questions/q1/locked").set(True),
    "unlock q1 (locked; learner is its author)": lambda a: a.ref(
        "forum/c1/questions/q1/locked"
    ).delete(),  # as the UI clears a flag: by deleting it
    "hide q1": lambda a: a.ref("forum/c1/questions/q1/hidden").set(True),
    "hide a1": lambda a: a.ref("forum/c1/answers/q1/a1/hidden").set(True),
    "unhide a1 (hidden; other learner is its author)": lambda a: a.ref(
        "forum/c1/answers/q1/a1/hidden"
    ).delete(),
    "comment on q1": lambda a: a.ref("forum/c1/comments/q1/cm9").set(a.post(qid="q1")),
    "comment on a1": lambda a: a.ref("forum/c1/comments/a1/cm9").set(a.post(qid="q1")),
    "edit learner's comment on q1": lambda a: a.ref("forum/c1/comments/q1/cm1").update(
        {"body": "Edited."}
    ),
    "comment on a locked question": lambda a: a.ref("forum/c1/comments/q2/cm9").set(
        a.post(qid="q2")
    ),
    "comment on an answer of a locked question": lambda a: a.ref("forum/c1/comments/a2/cm9").set(
        a.post(qid="q2")
    ),
    "comment on a locked question, naming an open one as its qid": lambda a: a.ref(
        "forum/c1/comments/q2/cm9"
    ).set(a.post(qid="q1")),
    "edit learner's comment on a locked question": lambda a: a.ref(
        "forum/c1/comments/q2/cm2"
    ).update({"body": "Edited."}),
}


def _voted_once(owner: db.Reference, actor: Actor) -> None:
    """Setup: the actor's first upvote on q1 is already in (as the fixture has for other)."""
    if actor.uid != "other":
        owner.update({f"votes/c1/q1/q1/{actor.uid}": 1, "forum/c1/questions/q1/score": 2})


def _flagged(path: str) -> Callable[[db.Reference, Actor], None]:
    """Setup: the staff flag at forum/c1/<path> is already set."""
    return lambda owner, actor: owner.child(f"forum/c1/{path}").set(True)


SETUP: dict[str, Callable[[db.Reference, Actor], None]] = {
    "vote on q1 twice": _voted_once,
    "unlock q1 (locked; learner is its author)": _flagged("questions/q1/locked"),
    "unhide a1 (hidden; other learner is its author)": _flagged("answers/q1/a1/hidden"),
}


def parse_matrix() -> list[tuple[str, str, bool]]:
    """(operation, user column, allowed) for every cell of matrix.md."""
    rows = [
        [c.strip() for c in line.strip().strip("|").split("|")]
        for line in (HERE / "matrix.md").read_text().splitlines()
        if line.startswith("|") and not re.match(r"^\|[-| ]+\|$", line)
    ]
    header, body = rows[0], rows[1:]
    assert header[1:] == [u.column for u in USERS], header
    cells = []
    for row in body:
        for column, mark in zip(header[1:], row[1:], strict=True):
            assert mark in ("✓", "✗"), (row[0], column, mark)
            cells.append((row[0], column, mark == "✓"))
    return cells


CELLS = parse_matrix()


def test_every_operation_in_the_table_is_implemented() -> None:
    assert {op for op, _, _ in CELLS} == set(OPS)


@pytest.fixture(scope="module")
def matrix_db(rtdb_server) -> Iterator[dict[str, Any]]:
    ns = f"matrix-{uuid.uuid4().hex[:8]}"
    url = f"{rtdb_server.url}?ns={ns}"
    apps = {
        "owner": firebase_admin.initialize_app(
            options={"databaseURL": url, "projectId": "demo-nimbus"}, name=f"{ns}-owner"
        )
    }
    for user in USERS:
        apps[user.column] = firebase_admin.initialize_app(
            options={
                "databaseURL": url,
                "projectId": "demo-nimbus",
                "databaseAuthVariableOverride": user.auth,
            },
            name=f"{ns}-{user.column}",
        )
    import urllib.request

    req = urllib.request.Request(
        f"{rtdb_server.url}/.settings/rules.json?ns={ns}",
        method="PUT",
        data=nimbus_rules.render().encode(),
        headers={"Authorization": "Bearer owner"},
    )
    urllib.request.urlopen(req).read()
    yield {"url": url, "apps": apps}
    for app in apps.values():
        firebase_admin.delete_app(app)


@pytest.mark.parametrize(
    ("operation", "column", "allowed"), CELLS, ids=[f"{o} / {c}" for o, c, _ in CELLS]
)
def test_cell(matrix_db, operation: str, column: str, allowed: bool) -> None:
    owner = db.reference("/", app=matrix_db["apps"]["owner"], url=matrix_db["url"])
    owner.set(fixture_data())
    user = next(u for u in USERS if u.column == column)
    actor = Actor(user, matrix_db["url"], matrix_db["apps"][column])
    if operation in SETUP:
        SETUP[operation](owner, actor)
    before = owner.get()
    try:
        OPS[operation](actor)
    except exceptions.UnauthenticatedError:
        outcome = False
    else:
        outcome = True
    expected = "allow" if allowed else "deny"
    assert outcome == allowed, f"{operation!r} as {column}: expected {expected}"
    if not outcome:
        assert owner.get() == before, "a denied request changed data"
