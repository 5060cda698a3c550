"""The forum the rules tests attack: its users, its fixture data and one user's hands.

Writes go through firebase-admin with ``databaseAuthVariableOverride`` set to the user's
``auth`` (Firebase evaluates such requests under the rules exactly as it evaluates that
user's own client), or as raw REST for what the SDK will not send (``.priority`` paths).
Post keys have the app's shape (push IDs), so the fixture names them ``Q1``, ``A1``, ...
"""

from __future__ import annotations

import json
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import firebase_admin
from firebase_admin import db

from rules import nimbus_rules
from tools.testing.rawhttp import OWNER, Reply, request

INC = lambda n: {".sv": {"increment": n}}  # noqa: E731 - the REST form of increment(n)
NOW = {".sv": "timestamp"}
T0 = 1_700_000_000_000


def push_id(tag: str) -> str:
    """A key of push-ID shape (20 characters of the push alphabet) that reads as ``tag``."""
    return ("-Nimbus" + tag + "0" * 20)[:20]


Q1, Q2, A1, A2, CM1, CM2 = (push_id(t) for t in ("Q1", "Q2", "A1", "A2", "CM1", "CM2"))
NEW = push_id("New")  # a fresh key for creations
NEW2 = push_id("New2")
AUDIT = push_id("Audit")  # the audit entry of a staff action


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


def _post(uid: str, name: str, body: str, **extra: Any) -> dict[str, Any]:
    return {"uid": uid, "authorName": name, "body": body, "createdAt": T0, **extra}


def fixture_data() -> dict[str, Any]:
    """c1 (instructor) and c2 (instructor2); learner and other enrolled in c1.

    Q1 by learner (score 1: other's +1); A1 to it by other; CM1 on Q1 by learner. Q2 by
    other, locked; A2 to it and CM2 on it by learner.
    """
    named = [u for u in USERS if u.uid]
    return {
        "courses": {
            "c1": {"title": "Serverless", "order": 1, "instructorUid": "instructor"},
            "c2": {"title": "Forums", "order": 2, "instructorUid": "instructor2"},
        },
        "lessons": {"c1": {"l1": {"title": "Intro", "order": 1}}, "c2": {"l1": {"order": 1}}},
        "profiles": {u.uid: {"displayName": u.name} for u in named},
        "displayNames": {nimbus_rules.name_key(u.name): u.uid for u in named},
        "enrollments": {"learner": {"c1": True}, "other": {"c1": True}},
        "forum": {
            "c1": {
                "questions": {
                    Q1: _post(
                        "learner", "Lena Learner", "Tell me.", lessonId="l1", title="Why?", score=1
                    ),
                    Q2: _post(
                        "other",
                        "Otto Other",
                        "Closed.",
                        lessonId="l1",
                        title="Locked",
                        score=0,
                        locked=True,
                    ),
                },
                "answers": {
                    Q1: {A1: _post("other", "Otto Other", "Because.", score=0)},
                    Q2: {A2: _post("learner", "Lena Learner", "Before the lock.", score=0)},
                },
                "comments": {
                    Q1: {Q1: {CM1: _post("learner", "Lena Learner", "Anyone?")}},
                    Q2: {Q2: {CM2: _post("learner", "Lena Learner", "Too late?")}},
                },
            }
        },
        "votes": {"c1": {Q1: {Q1: {"other": 1}}}},
    }


def post_path(qid: str, post: str) -> str:
    """forum/c1/... path of the question itself (post == qid) or of its answer."""
    return f"forum/c1/questions/{qid}" if post == qid else f"forum/c1/answers/{qid}/{post}"


class Actor:
    """One user's hands on the database (through the admin SDK's auth override)."""

    def __init__(self, user: User, server_url: str, ns: str, app: firebase_admin.App) -> None:
        self.user, self._server, self._ns, self._app = user, server_url, ns, app
        self._url = f"{server_url}?ns={ns}"

    @property
    def uid(self) -> str:
        return self.user.uid or "anonymous"

    def ref(self, path: str) -> db.Reference:
        return db.reference(path, app=self._app, url=self._url)

    def update(self, values: dict[str, Any]) -> None:
        self.ref("/").update(values)

    def rest(self, method: str, path: str, body: Any) -> Reply:
        """A raw REST request as this user: what a curl user can send that the SDK won't."""
        override = urllib.parse.quote(json.dumps(self.user.auth))
        target = f"/{path}.json?ns={self._ns}&auth_variable_override={override}"
        return request(self._server, method, target, body, OWNER)

    def stamp(self, path: str, count: int = 1, window: Any = None) -> dict[str, Any]:
        """The rate-limit tick that must travel with a new post at ``path``."""
        return {"windowStart": NOW if window is None else window, "count": count, "post": path}

    def create(self, path: str, value: dict[str, Any], **extra: Any) -> None:
        """Create a post the way the app does: the post and its rate-limit tick, one update."""
        self.update({path: value, f"rateLimits/{self.uid}": self.stamp(path), **extra})

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
        return {k: v for k, v in q.items() if v is not None}

    def post(self, **fields: Any) -> dict[str, Any]:
        p = {
            "uid": self.uid,
            "authorName": self.user.name or "Nobody",
            "body": "Hi.",
            "createdAt": NOW,
        }
        p.update(fields)
        return p

    def audited(
        self,
        values: dict[str, Any],
        action: str,
        target: str,
        value: bool | None = None,
        entry_id: str = "",
        **fields: Any,
    ) -> None:
        """A staff action as the app sends it: ``values`` with its audit entry (``audit/c1``)
        and this user's ``auditLast`` naming it, in one update."""
        entry_id = entry_id or AUDIT
        entry = {"action": action, "target": target, "by": self.uid, "at": NOW, **fields}
        if value is not None:
            entry["value"] = value
        self.update({**values, f"audit/c1/{entry_id}": entry, f"auditLast/c1/{self.uid}": entry_id})

    def vote(self, qid: str, post: str, value: int | None, delta: int, voter: str = "") -> None:
        self.update(
            {
                f"votes/c1/{qid}/{post}/{voter or self.uid}": value,
                f"{post_path(qid, post)}/score": INC(delta),
            }
        )


@contextmanager
def forum_namespace(server_url: str) -> Iterator[dict[str, Any]]:
    """A fresh namespace with Nimbus's rules, an owner app and one app per user column."""
    ns = f"rules-{uuid.uuid4().hex[:8]}"
    url = f"{server_url}?ns={ns}"
    options = {"databaseURL": url, "projectId": "demo-nimbus"}
    apps = {"owner": firebase_admin.initialize_app(options=options, name=f"{ns}-owner")}
    for user in USERS:
        apps[user.column] = firebase_admin.initialize_app(
            options={**options, "databaseAuthVariableOverride": user.auth},
            name=f"{ns}-{user.column}",
        )
    reply = request(server_url, "PUT", f"/.settings/rules.json?ns={ns}", None, OWNER,
                    raw=nimbus_rules.render().encode())  # fmt: skip
    assert reply.status == 200, reply.body
    try:
        yield {
            "ns": ns,
            "url": url,
            "owner": db.reference("/", app=apps["owner"], url=url),
            "actors": {u.column: Actor(u, server_url, ns, apps[u.column]) for u in USERS},
        }
    finally:
        for app in apps.values():
            firebase_admin.delete_app(app)
